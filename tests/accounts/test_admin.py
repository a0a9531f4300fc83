from django.urls import reverse

from inspira.accounts.models import Membership, User


def test_django_admin_lists_people_and_memberships(admin_client, staff):
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_user_change", args=[staff.pk])).status_code == 200
    assert admin_client.get(reverse("admin:accounts_membership_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "lärare"}).status_code == 200


def test_django_admin_adds_a_person_by_email(admin_client, db):
    password = "Ett-langt-losenord-2025"
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": "Ny.Person@Example.se", "name": "Ny Person", "password1": password, "password2": password,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="ny.person@example.se")
    assert user.check_password(password)


def test_django_admin_refuses_a_second_account_for_an_address(admin_client, staff):
    password = "Ett-langt-losenord-2025"
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": staff.email.upper(), "name": "Dubblett", "password1": password, "password2": password,
    })
    assert response.status_code == 200
    assert User.objects.filter(email__iexact=staff.email).count() == 1


def test_django_admin_membership_page(admin_client, staff):
    membership = Membership.objects.get(user=staff)
    assert admin_client.get(reverse("admin:accounts_membership_change", args=[membership.pk])).status_code == 200
