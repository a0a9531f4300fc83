from django.urls import reverse

from inspira.accounts.models import Membership
from inspira.core.models import AuditEvent
from tests.factories import MembershipFactory, SchoolFactory, UserFactory


def test_profile_requires_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_profile_shows_memberships_with_status(client_for, staff, other_school):
    MembershipFactory(user=staff, school=other_school, confirmed_at=None)
    response = client_for(staff).get(reverse("accounts:profile"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Vasaskolan" in content and other_school.name in content
    statuses = {m.school.name: m.is_confirmed for m in response.context["memberships"]}
    assert statuses == {"Vasaskolan": True, other_school.name: False}


def test_profile_without_schools_shows_empty_state(client_for, db):
    response = client_for(UserFactory()).get(reverse("accounts:profile"))
    assert 'class="empty-state"' in response.content.decode()


def test_profile_updates_name_and_phone(client_for, staff):
    response = client_for(staff).post(reverse("accounts:profile"), {"name": "Lars Larsson", "phone": ""})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.name, staff.phone) == ("Lars Larsson", "")


def test_profile_cannot_change_email_or_role(client_for, staff):
    client_for(staff).post(reverse("accounts:profile"), {
        "name": "Lars", "phone": "", "email": "ny@example.se", "role": "administrator", "is_active": "on",
    })
    staff.refresh_from_db()
    assert staff.email == "larare@example.se"
    assert staff.role == ""


def test_profile_requires_a_name(client_for, staff):
    response = client_for(staff).post(reverse("accounts:profile"), {"name": "", "phone": ""})
    assert response.status_code == 200
    assert response.context["form"].has_error("name")
    staff.refresh_from_db()
    assert staff.name == "Lars Lärare"


# --- Joining another school -----------------------------------------------------------------------

def test_join_school_requires_login(client, school):
    response = client.post(reverse("accounts:join_school"), {"school": school.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Membership.objects.exists()


def test_join_school_searches_like_sign_up(client_for, staff, other_school):
    response = client_for(staff).get(reverse("accounts:join_school"), {"q": other_school.unit_code})
    assert response.context["schools"] == [other_school]


def test_join_school_marks_schools_already_joined(client_for, staff, school):
    response = client_for(staff).get(reverse("accounts:join_school"), {"q": "Vasa"})
    assert response.context["schools"] == [school]
    assert school.pk in response.context["my_school_ids"]
    assert 'name="school"' not in response.content.decode()


def test_join_school_creates_a_pending_membership(client_for, staff, other_school):
    response = client_for(staff).post(reverse("accounts:join_school"), {"school": other_school.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(user=staff, school=other_school)
    assert membership.confirmed_at is None
    assert membership.role == Membership.Role.STAFF
    assert AuditEvent.objects.filter(action="membership.requested", actor=staff).exists()


def test_join_school_tells_the_principal(client_for, staff, other_school, outbox_emails):
    principal = MembershipFactory(school=other_school, role=Membership.Role.PRINCIPAL).user
    client_for(staff).post(reverse("accounts:join_school"), {"school": other_school.pk})
    emails = outbox_emails("membership-requested:")
    assert [e.payload["to"] for e in emails] == [[principal.email]]


def test_join_school_makes_no_duplicates(client_for, staff, school, other_school):
    client = client_for(staff)
    client.post(reverse("accounts:join_school"), {"school": other_school.pk})
    response = client.post(reverse("accounts:join_school"), {"school": other_school.pk}, follow=True)
    client.post(reverse("accounts:join_school"), {"school": school.pk})
    assert Membership.objects.filter(user=staff).count() == 2
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_join_unknown_school_is_404(client_for, staff):
    assert client_for(staff).post(reverse("accounts:join_school"), {"school": 999}).status_code == 404


def test_pending_join_grants_nothing(client_for, staff, other_school):
    client = client_for(staff)
    client.post(reverse("accounts:join_school"), {"school": other_school.pk})
    MembershipFactory(school=other_school, confirmed_at=None)
    assert client.get(reverse("accounts:school_members", args=[other_school.pk])).status_code == 403


def test_search_results_are_limited(client_for, staff):
    SchoolFactory.create_batch(21, name="Lika skola")
    response = client_for(staff).get(reverse("accounts:join_school"), {"q": "lika"})
    assert len(response.context["schools"]) == 20
    assert response.context["more"] is True
