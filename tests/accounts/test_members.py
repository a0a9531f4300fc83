"""A school's members: who may see them, and confirming, turning down and roles."""

import pytest
from django.urls import reverse

from inspira.accounts import services
from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
from tests.factories import MembershipFactory, SchoolFactory, UserFactory


@pytest.fixture
def waiting(school):
    """A verified person waiting for confirmation at ``school``."""
    return MembershipFactory(school=school, confirmed_at=None,
                             user=UserFactory(email="vantar@example.se", name="Vera Väntar"))


@pytest.fixture
def other_principal(other_school):
    return MembershipFactory(school=other_school, role=Membership.Role.PRINCIPAL,
                             user=UserFactory(email="rektor2@example.se")).user


@pytest.fixture
def site_contact(school):
    return MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT,
                             user=UserFactory(email="kontakt@example.se")).user


def members_url(school):
    return reverse("accounts:school_members", args=[school.pk])


def post(client, name, membership, **data):
    return client.post(reverse(f"accounts:{name}", args=[membership.pk]), data)


# --- Who may see a school's members -----------------------------------------------------------------

@pytest.mark.parametrize("who", ["principal", "administrator", "director", "finance"])
def test_members_page_is_open_to_principal_and_central_roles(request, client_for, school, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(members_url(school)).status_code == 200


@pytest.mark.parametrize("who", ["staff", "site_contact"])
def test_members_page_is_closed_to_other_school_roles(request, client_for, school, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(members_url(school)).status_code == 403


def test_staff_cannot_see_another_schools_members(client_for, staff, other_school):
    assert client_for(staff).get(members_url(other_school)).status_code == 403


def test_principal_cannot_see_another_schools_members(client_for, principal, other_school):
    assert client_for(principal).get(members_url(other_school)).status_code == 403


def test_pending_principal_cannot_see_members(client_for, school):
    pending = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL, confirmed_at=None).user
    assert client_for(pending).get(members_url(school)).status_code == 403


def test_anonymous_is_sent_to_login(client, school, waiting):
    response = client.get(members_url(school))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    for name in ["membership_confirm", "membership_reject", "membership_set_role"]:
        response = post(client, name, waiting, role="site_contact")
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


def test_director_sees_members_but_no_actions(client_for, director, school, waiting, staff):
    response = client_for(director).get(members_url(school))
    content = response.content.decode()
    assert response.context["can_manage"] is False
    assert reverse("accounts:membership_confirm", args=[waiting.pk]) not in content
    assert [m.user for m in response.context["waiting"]] == [waiting.user]


def test_members_page_lists_confirmed_and_waiting(client_for, principal, staff, school, waiting):
    response = client_for(principal).get(members_url(school))
    assert {m.user for m in response.context["page_obj"]} == {principal, staff}
    assert [m.user for m in response.context["waiting"]] == [waiting.user]
    assert reverse("accounts:membership_confirm", args=[waiting.pk]) in response.content.decode()


def test_members_page_leaves_out_unverified_sign_ups(client_for, principal, school):
    MembershipFactory(school=school, confirmed_at=None, user=UserFactory(is_active=False, email_verified_at=None))
    assert client_for(principal).get(members_url(school)).context["waiting"] == []


def test_members_page_shows_empty_states(client_for, administrator, db):
    empty = SchoolFactory()
    content = client_for(administrator).get(members_url(empty)).content.decode()
    assert content.count('class="empty-state"') == 2


def test_members_page_for_unknown_school_is_404(client_for, administrator):
    assert client_for(administrator).get(reverse("accounts:school_members", args=[999])).status_code == 404


# session, person, school, waiting, count, page; and a principal's own roles, or an administrator's
# two-factor device
@pytest.mark.parametrize(("who", "queries"), [("principal", 7), ("administrator", 7)])
def test_members_page_query_count(request, client_for, school, django_assert_num_queries, who, queries):
    user = request.getfixturevalue(who)
    for _ in range(30):
        MembershipFactory(school=school)
    for _ in range(5):
        MembershipFactory(school=school, confirmed_at=None)
    client = client_for(user)
    with django_assert_num_queries(queries):
        response = client.get(members_url(school))
    assert len(response.context["page_obj"].object_list) == 25
    assert len(response.context["waiting"]) == 5


# --- Confirming -----------------------------------------------------------------------------------------

def test_principal_confirms_a_waiting_person(client_for, principal, waiting, outbox_emails):
    response = post(client_for(principal), "membership_confirm", waiting)
    assert response.status_code == 302
    assert response.url == members_url(waiting.school)
    waiting.refresh_from_db()
    assert waiting.confirmed_at is not None
    assert waiting.confirmed_by == principal
    assert AuditEvent.objects.filter(action="membership.confirmed", actor=principal,
                                     object_id=str(waiting.pk)).count() == 1
    emails = outbox_emails("membership-confirmed:")
    assert len(emails) == 1
    assert emails[0].payload["to"] == [waiting.user.email]


def test_administrator_confirms_at_any_school(client_for, administrator, waiting):
    post(client_for(administrator), "membership_confirm", waiting)
    waiting.refresh_from_db()
    assert waiting.is_confirmed


def test_confirming_twice_is_harmless(client_for, principal, waiting, outbox_emails):
    client = client_for(principal)
    post(client, "membership_confirm", waiting)
    waiting.refresh_from_db()
    first = waiting.confirmed_at
    assert post(client, "membership_confirm", waiting).status_code == 302
    waiting.refresh_from_db()
    assert waiting.confirmed_at == first
    assert len(outbox_emails("membership-confirmed:")) == 1


def test_confirmed_person_may_act_for_the_school(client_for, principal, waiting):
    from inspira.accounts.permissions import can_act_for_school

    assert not can_act_for_school(waiting.user, waiting.school)
    post(client_for(principal), "membership_confirm", waiting)
    user = User.objects.get(pk=waiting.user_id)
    assert can_act_for_school(user, waiting.school)


def test_principal_cannot_confirm_at_another_school(client_for, other_principal, waiting, outbox_emails):
    response = post(client_for(other_principal), "membership_confirm", waiting)
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None
    assert outbox_emails() == []
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["staff", "site_contact", "director", "finance"])
def test_others_cannot_confirm(request, client_for, waiting, who):
    user = request.getfixturevalue(who)
    assert post(client_for(user), "membership_confirm", waiting).status_code == 403
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


def test_staff_of_another_school_cannot_confirm(client_for, other_school, waiting):
    outsider = MembershipFactory(school=other_school).user
    assert post(client_for(outsider), "membership_confirm", waiting).status_code == 403
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


def test_pending_principal_cannot_confirm(client_for, school, waiting):
    pending = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL, confirmed_at=None).user
    assert post(client_for(pending), "membership_confirm", waiting).status_code == 403
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


def test_principal_cannot_confirm_someone_as_principal(client_for, principal, school):
    # Only administrators make principals, also by confirming a request to be one.
    asking = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL, confirmed_at=None)
    assert post(client_for(principal), "membership_confirm", asking).status_code == 403
    asking.refresh_from_db()
    assert asking.confirmed_at is None


def test_confirm_is_post_only(client_for, principal, waiting):
    assert client_for(principal).get(reverse("accounts:membership_confirm", args=[waiting.pk])).status_code == 405


def test_confirm_service_checks_permission(other_principal, waiting):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.membership_confirm(membership=waiting, actor=other_principal)
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


# --- Turning down -------------------------------------------------------------------------------------

def test_principal_turns_down_a_request(client_for, principal, waiting, outbox_emails):
    user = waiting.user
    response = post(client_for(principal), "membership_reject", waiting)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=waiting.pk).exists()
    assert User.objects.filter(pk=user.pk).exists()  # the account remains, with no school
    assert not user.memberships.exists()
    assert AuditEvent.objects.filter(action="membership.rejected", actor=principal).count() == 1
    emails = outbox_emails("membership-rejected:")
    assert len(emails) == 1
    assert emails[0].payload["to"] == [user.email]


def test_turning_down_keeps_other_memberships(client_for, principal, waiting, other_school):
    MembershipFactory(user=waiting.user, school=other_school)
    post(client_for(principal), "membership_reject", waiting)
    assert list(waiting.user.memberships.values_list("school", flat=True)) == [other_school.pk]


def test_confirmed_membership_cannot_be_turned_down(client_for, principal, staff, school):
    membership = staff.memberships.get(school=school)
    response = post(client_for(principal), "membership_reject", membership)
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_principal_cannot_turn_down_at_another_school(client_for, other_principal, waiting):
    assert post(client_for(other_principal), "membership_reject", waiting).status_code == 403
    assert Membership.objects.filter(pk=waiting.pk).exists()


def test_turning_down_a_removed_request_is_404(client_for, principal, waiting):
    client = client_for(principal)
    post(client, "membership_reject", waiting)
    assert post(client, "membership_reject", waiting).status_code == 404


# --- Roles --------------------------------------------------------------------------------------------------

def test_principal_appoints_and_unappoints_a_site_contact(client_for, principal, staff, school, outbox_emails):
    membership = staff.memberships.get(school=school)
    client = client_for(principal)
    post(client, "membership_set_role", membership, role="site_contact")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.SITE_CONTACT
    post(client, "membership_set_role", membership, role="staff")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAFF
    assert AuditEvent.objects.filter(action="membership.role_changed").count() == 2
    assert len(outbox_emails("membership-role:")) == 2


def test_setting_the_same_role_changes_nothing(client_for, principal, staff, school, outbox_emails):
    membership = staff.memberships.get(school=school)
    post(client_for(principal), "membership_set_role", membership, role="staff")
    assert not AuditEvent.objects.exists()
    assert outbox_emails() == []


def test_principal_cannot_make_a_principal(client_for, principal, staff, school):
    membership = staff.memberships.get(school=school)
    assert post(client_for(principal), "membership_set_role", membership, role="principal").status_code == 403
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAFF


def test_principal_cannot_unmake_a_principal(client_for, principal, school):
    colleague = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL)
    assert post(client_for(principal), "membership_set_role", colleague, role="staff").status_code == 403
    own = principal.memberships.get(school=school)
    assert post(client_for(principal), "membership_set_role", own, role="staff").status_code == 403
    colleague.refresh_from_db()
    own.refresh_from_db()
    assert colleague.role == own.role == Membership.Role.PRINCIPAL


def test_administrator_makes_and_unmakes_a_principal(client_for, administrator, staff, school):
    membership = staff.memberships.get(school=school)
    client = client_for(administrator)
    post(client, "membership_set_role", membership, role="principal")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.PRINCIPAL
    post(client, "membership_set_role", membership, role="staff")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAFF


def test_principal_cannot_set_roles_at_another_school(client_for, other_principal, staff, school):
    membership = staff.memberships.get(school=school)
    assert post(client_for(other_principal), "membership_set_role", membership, role="site_contact").status_code == 403
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAFF


def test_site_contact_cannot_set_roles(client_for, site_contact, staff, school):
    membership = staff.memberships.get(school=school)
    assert post(client_for(site_contact), "membership_set_role", membership, role="site_contact").status_code == 403


def test_unknown_role_is_refused(client_for, principal, staff, school):
    membership = staff.memberships.get(school=school)
    response = post(client_for(principal), "membership_set_role", membership, role="king")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAFF


def test_waiting_person_gets_no_role_before_confirmation(client_for, principal, waiting):
    post(client_for(principal), "membership_set_role", waiting, role="site_contact")
    waiting.refresh_from_db()
    assert waiting.role == Membership.Role.STAFF


def test_principal_is_offered_only_the_roles_they_may_give(client_for, principal, staff, school):
    response = client_for(principal).get(members_url(school))
    rows = {m.user: m for m in response.context["page_obj"]}
    assert [value for value, _label in rows[staff].role_choices] == ["staff", "site_contact"]
    assert rows[principal].role_choices == []


@pytest.mark.parametrize("value", [" ", "abc", "9" * 30, "-1"])
def test_joining_with_a_school_id_that_is_not_one_answers_not_found(client_for, staff, value):
    from django.urls import reverse

    from inspira.accounts.models import Membership

    before = Membership.objects.count()
    response = client_for(staff).post(reverse("accounts:join_school"), {"school": value})
    assert response.status_code == 404
    assert Membership.objects.count() == before
