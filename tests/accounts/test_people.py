import pytest
from django.urls import reverse

from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
from tests.factories import MembershipFactory, SchoolFactory, UserFactory


def edit_url(person):
    return reverse("accounts:person_edit", args=[person.pk])


@pytest.mark.parametrize("who", ["principal", "staff", "director", "finance"])
def test_people_pages_are_for_administrators_only(request, client_for, administrator, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("accounts:people")).status_code == 403
    assert client.get(edit_url(administrator)).status_code == 403
    assert client.post(edit_url(administrator), {"form": "person", "person-role": ""}).status_code == 403
    administrator.refresh_from_db()
    assert administrator.role == User.Role.ADMINISTRATOR


def test_people_pages_send_anonymous_to_login(client, staff):
    for url in [reverse("accounts:people"), edit_url(staff)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_people_lists_roles_and_schools(client_for, administrator, staff, principal):
    response = client_for(administrator).get(reverse("accounts:people"))
    content = response.content.decode()
    assert {administrator, staff, principal} == set(response.context["page_obj"])
    assert "Vasaskolan" in content


def test_people_search_by_name_and_email(client_for, administrator, staff, principal):
    client = client_for(administrator)
    assert list(client.get(reverse("accounts:people"), {"q": "lärare"}).context["page_obj"]) == [staff]
    assert list(client.get(reverse("accounts:people"), {"q": "Rut Rek"}).context["page_obj"]) == [principal]


def test_people_search_without_match_shows_empty_state(client_for, administrator):
    response = client_for(administrator).get(reverse("accounts:people"), {"q": "finns-inte"})
    assert 'class="empty-state"' in response.content.decode()


def test_people_is_paginated(client_for, administrator):
    UserFactory.create_batch(30)
    client = client_for(administrator)
    assert len(client.get(reverse("accounts:people")).context["page_obj"]) == 25
    assert len(client.get(reverse("accounts:people"), {"page": 2}).context["page_obj"]) == 6


def test_people_query_count(client_for, administrator, django_assert_num_queries):
    schools = SchoolFactory.create_batch(3)
    for i in range(30):
        person = MembershipFactory(school=schools[i % 3]).user
        MembershipFactory(school=schools[(i + 1) % 3], user=person, confirmed_at=None)
    client = client_for(administrator)
    # session, person, two-factor device, count, page, memberships with their schools, how they sign in
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:people"))
    assert len(response.context["page_obj"]) == 25


# --- Editing a person --------------------------------------------------------------------------------

def test_administrator_sets_central_role_and_active_flag(client_for, administrator, staff):
    response = client_for(administrator).post(edit_url(staff), {"form": "person", "person-role": "finance"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.role == User.Role.FINANCE
    assert staff.is_active is False  # an unticked box
    event = AuditEvent.objects.get(action="person.updated")
    assert event.actor == administrator
    assert event.data == {"role": ["", "finance"], "is_active": [True, False]}


def test_saving_without_changes_is_not_audited(client_for, administrator, staff):
    client_for(administrator).post(edit_url(staff), {"form": "person", "person-role": "", "person-is_active": "on"})
    assert not AuditEvent.objects.exists()


def test_unknown_central_role_is_refused(client_for, administrator, staff):
    response = client_for(administrator).post(edit_url(staff), {"form": "person", "person-role": "king",
                                                                "person-is_active": "on"})
    assert response.status_code == 200
    assert response.context["person_form"].has_error("role")
    staff.refresh_from_db()
    assert staff.role == ""


def test_administrator_cannot_demote_or_deactivate_themselves(client_for, administrator):
    client = client_for(administrator)
    response = client.post(edit_url(administrator), {"form": "person", "person-role": "", "person-is_active": "on"})
    assert response.status_code == 200
    assert response.context["person_form"].non_field_errors()
    response = client.post(edit_url(administrator), {"form": "person", "person-role": "administrator"})
    assert response.context["person_form"].non_field_errors()
    administrator.refresh_from_db()
    assert administrator.role == User.Role.ADMINISTRATOR and administrator.is_active


def test_administrator_connects_a_person_to_a_school(client_for, administrator, other_school, outbox_emails):
    person = UserFactory()
    response = client_for(administrator).post(edit_url(person), {
        "form": "membership", "membership-school": other_school.pk, "membership-role": "principal",
    })
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.school, membership.role) == (other_school, Membership.Role.PRINCIPAL)
    assert membership.is_confirmed and membership.confirmed_by == administrator
    assert AuditEvent.objects.filter(action="membership.added", actor=administrator).count() == 1
    assert [e.payload["to"] for e in outbox_emails("membership-added:")] == [[person.email]]


def test_connecting_confirms_a_waiting_request(client_for, administrator, school):
    waiting = MembershipFactory(school=school, confirmed_at=None)
    client_for(administrator).post(edit_url(waiting.user), {
        "form": "membership", "membership-school": school.pk, "membership-role": "site_contact",
    })
    waiting.refresh_from_db()
    assert waiting.is_confirmed and waiting.role == Membership.Role.SITE_CONTACT
    assert Membership.objects.filter(user=waiting.user).count() == 1


def test_connecting_twice_is_refused(client_for, administrator, staff, school):
    response = client_for(administrator).post(edit_url(staff), {
        "form": "membership", "membership-school": school.pk, "membership-role": "principal",
    })
    assert response.status_code == 200
    assert response.context["membership_form"].non_field_errors()
    assert staff.memberships.get().role == Membership.Role.STAFF


def test_person_edit_page_shows_memberships(client_for, administrator, staff):
    response = client_for(administrator).get(edit_url(staff))
    assert response.status_code == 200
    assert [m.school.name for m in response.context["memberships"]] == ["Vasaskolan"]


def test_person_edit_unknown_person_is_404(client_for, administrator):
    assert client_for(administrator).get(reverse("accounts:person_edit", args=[999])).status_code == 404
