import re

from django.contrib.auth import get_user
from django.core import mail
from django.urls import reverse

from inspira.core.models import OutboxItem
from tests.factories import PASSWORD, UserFactory


def test_login_page_is_in_swedish(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'lang="sv"' in response.content.decode()
    assert "E-postadress" in response.content.decode()


def test_login_with_email_address(client, staff):
    response = client.post(reverse("accounts:login"), {"username": staff.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")
    assert get_user(client) == staff


def test_login_works_with_any_letter_case_of_the_address(client, db):
    person = UserFactory(email="sara.lind@example.se")
    for spelling in ("Sara.Lind@Example.SE", " SARA.LIND@EXAMPLE.SE ", "sara.lind@example.se"):
        client.logout()
        response = client.post(reverse("accounts:login"), {"username": spelling, "password": PASSWORD})
        assert response.status_code == 302, spelling
        assert get_user(client) == person


def test_one_normalisation_for_every_stored_address(db):
    from inspira.accounts.models import User
    from inspira.core.addresses import normalise_email

    assert normalise_email("  Anna.Ek@Skola.SE ") == "anna.ek@skola.se"
    assert normalise_email("ＡＮＮＡ@skola.se") == "anna@skola.se"  # full-width letters from a phone keyboard
    person = User.objects.create_user(email=" Anna.Ek@Skola.SE", password=PASSWORD, name="Anna Ek")
    assert person.email == "anna.ek@skola.se"
    assert User.objects.get_by_natural_key("ANNA.EK@skola.se") == person


def test_password_reset_finds_the_person_in_any_letter_case(client, staff):
    client.post(reverse("accounts:password_reset"), {"email": staff.email.upper()})
    item = OutboxItem.objects.get()
    assert item.payload["to"] == [staff.email]


def test_login_with_wrong_password(client, staff):
    response = client.post(reverse("accounts:login"), {"username": staff.email, "password": "nope-nope-nope"})
    assert response.context["form"].has_error("__all__", "invalid_login")
    assert not get_user(client).is_authenticated


def test_logout_is_post_only(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert get_user(client).is_authenticated


def test_logout(client_for, staff):
    client = client_for(staff)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert not get_user(client).is_authenticated
    assert len(list(response.context["messages"])) == 1


def test_password_reset_goes_through_the_outbox(client, staff, settings):
    settings.SITE_URL = "https://inspira.example.se"
    response = client.post(reverse("accounts:password_reset"), {"email": staff.email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # not sent by the request itself
    item = OutboxItem.objects.get()
    assert item.key.startswith(f"password-reset:{staff.pk}:")
    assert item.payload["to"] == [staff.email]
    link = re.search(r"https://inspira\.example\.se/konto/losenord/nytt/\S+/\S+/", item.payload["text"])
    assert link
    assert link.group(0).split("/")[-2] not in item.key  # the token stays out of the key
    assert link.group(0) in item.payload["html"]


def test_password_reset_is_sent_after_commit(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": staff.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff.email]


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "ingen@example.se"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert not OutboxItem.objects.exists()


def test_password_reset_link_sets_a_new_password(client, staff):
    client.post(reverse("accounts:password_reset"), {"email": staff.email})
    text = OutboxItem.objects.get().payload["text"]
    path = re.search(r"(/konto/losenord/nytt/\S+/\S+/)", text).group(1)
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response.url
    assert client.get(form_url).context["validlink"] is True
    new = "Ett-helt-nytt-losenord-2025"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.url == reverse("accounts:password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password(new)


def test_password_reset_bad_link_explains(client, staff):
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_password_reset_pages_render(client, db):
    for name in ["password_reset", "password_reset_done", "password_reset_complete"]:
        assert client.get(reverse(f"accounts:{name}")).status_code == 200


def test_password_change(client_for, staff):
    client = client_for(staff)
    new = "Ett-helt-nytt-losenord-2025"
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new)
    assert get_user(client) == staff  # still logged in


def test_password_change_needs_the_old_password(client_for, staff):
    new = "Ett-helt-nytt-losenord-2025"
    response = client_for(staff).post(reverse("accounts:password_change"),
                                      {"old_password": "wrong", "new_password1": new, "new_password2": new})
    assert response.context["form"].has_error("old_password")
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_inactive_person_gets_no_reset_email(client, db):
    UserFactory(email="inaktiv@example.se", is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "inaktiv@example.se"})
    assert not OutboxItem.objects.exists()
