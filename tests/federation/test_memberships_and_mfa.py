"""School unit codes propose memberships (confirmed at once only when trusted); affiliations count only when
trusted; the identity provider's MFA stands in for Inspira's second factor only when trusted."""

import pytest
from django.urls import reverse

from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
from inspira.federation import services
from inspira.federation.models import FederationMembershipConfirmation, IdentityProviderTrust
from tests.factories import SchoolFactory, UserFactory, member
from tests.federation.inprocess import staff_ava

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(db):
    return SchoolFactory(name="Vasaskolan", unit_code="12345678"), SchoolFactory(name="Ålstensskolan",
                                                                                 unit_code="87654321")


def _trust(federation, **trusts):
    return IdentityProviderTrust.objects.create(entity_id=federation.idp_id, **trusts)


def _codes(*codes):
    return staff_ava(sisSchoolUnitCode=list(codes))


def test_untrusted_school_codes_only_propose_memberships(saml_login, schools, federation):
    principal = member(schools[0], Membership.Role.PRINCIPAL, email="rektor@example.se")
    saml_login(_codes("12345678", "99999999"))

    user = User.objects.get(email="anna.larare@kommun.example")
    membership = Membership.objects.get(user=user)
    assert membership.school == schools[0] and not membership.is_confirmed
    assert membership.role == Membership.Role.STAFF
    assert not FederationMembershipConfirmation.objects.exists()
    assert "membership.requested" in AuditEvent.objects.values_list("action", flat=True)
    from inspira.core.models import OutboxItem
    assert OutboxItem.objects.filter(key=f"membership-requested:{membership.pk}").exists()
    assert principal  # the principal is told, as after a sign-up


def test_trusted_school_codes_confirm_at_once_as_the_federation(saml_login, schools, federation):
    _trust(federation, trust_school_codes=True)
    saml_login(_codes("12345678", "87654321"))

    memberships = Membership.objects.filter(user__email="anna.larare@kommun.example").order_by("school__unit_code")
    assert [m.school for m in memberships] == list(schools)
    assert all(m.is_confirmed and m.confirmed_by is None and m.role == Membership.Role.STAFF for m in memberships)
    assert FederationMembershipConfirmation.objects.filter(idp_entity_id=federation.idp_id).count() == 2
    assert sorted(AuditEvent.objects.filter(action="federation.membership_confirmed")
                  .values_list("object_id", flat=True)) == sorted(str(m.pk) for m in memberships)


def test_affiliations_are_ignored_unless_trusted(saml_login, schools, federation):
    saml_login(staff_ava(sisSchoolUnitCode=["12345678"], eduPersonScopedAffiliation=["student@kommun.example"]))
    assert Membership.objects.filter(school=schools[0]).count() == 1  # untrusted: the principal decides


def test_a_trusted_affiliation_of_a_pupil_connects_to_no_school(saml_login, schools, federation):
    _trust(federation, trust_school_codes=True, trust_affiliation=True)
    saml_login(staff_ava(sisSchoolUnitCode=["12345678"], eduPersonScopedAffiliation=["student@kommun.example"]))
    assert not Membership.objects.exists()


def test_a_trusted_staff_affiliation_outside_the_providers_scope_does_not_count(saml_login, schools, federation):
    _trust(federation, trust_school_codes=True, trust_affiliation=True)
    saml_login(staff_ava(sisSchoolUnitCode=["12345678"], eduPersonScopedAffiliation=["staff@annan.example"]))
    assert not Membership.objects.exists()


def test_a_trusted_staff_affiliation_connects_as_school_staff_never_more(saml_login, schools, federation):
    _trust(federation, trust_school_codes=True, trust_affiliation=True)
    saml_login(staff_ava(sisSchoolUnitCode=["12345678"], eduPersonScopedAffiliation=["faculty@kommun.example"]))
    membership = Membership.objects.get()
    assert membership.is_confirmed and membership.role == Membership.Role.STAFF
    assert User.objects.get(email="anna.larare@kommun.example").role == ""


def test_a_membership_turned_down_is_not_proposed_again(client, saml_login, schools, federation):
    saml_login(_codes("12345678"))
    Membership.objects.all().delete()  # the principal turned it down
    client.logout()
    saml_login(_codes("12345678", "87654321"))
    assert [m.school for m in Membership.objects.all()] == [schools[1]]


def test_a_school_added_later_is_proposed_at_the_next_sign_in(client, saml_login, federation):
    saml_login(_codes("11223344"))
    assert not Membership.objects.exists()
    school = SchoolFactory(unit_code="11223344")
    client.logout()
    saml_login(_codes("11223344"))
    assert Membership.objects.get().school == school


# --- The second factor -----------------------------------------------------------------------------------------

@pytest.fixture
def central(db):
    return UserFactory(email="anna.larare@kommun.example", role=User.Role.ADMINISTRATOR)


def _sign_in_linked(client, saml_login, **answer_kw):
    from tests.factories import PASSWORD

    response, _answer = saml_login(staff_ava(), **answer_kw)
    if response["Location"] == reverse("federation:link"):
        response = client.post(reverse("federation:link"), {"password": PASSWORD})
    return response


def test_a_central_role_still_enters_its_own_code_after_signing_in(client, saml_login, central, federation):
    _trust(federation, trust_mfa=True)
    _sign_in_linked(client, saml_login)  # no MFA asserted
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_mfa_of_an_untrusted_provider_does_not_stand_in(client, saml_login, central, federation):
    _sign_in_linked(client, saml_login, mfa=True)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_trusted_mfa_stands_in_for_the_second_factor(client, saml_login, central, federation):
    _trust(federation, trust_mfa=True)
    _sign_in_linked(client, saml_login, mfa=True)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_ending_the_trust_in_mfa_ends_what_it_verified(client, saml_login, central, federation, administrator):
    _trust(federation, trust_mfa=True)
    _sign_in_linked(client, saml_login, mfa=True)
    assert client.get(reverse("core:dashboard")).status_code == 200

    services.trust_update(entity_id=federation.idp_id, name="Testkommunen", actor=administrator, trust_mfa=False)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_school_staff_are_not_asked_for_a_second_factor(client, saml_login, federation):
    saml_login(staff_ava())
    assert client.get(reverse("core:dashboard")).status_code == 200


# --- Trust settings -------------------------------------------------------------------------------------------------

def test_only_administrators_change_trust(federation, central, director):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.trust_update(entity_id=federation.idp_id, name="x", actor=director, trust_mfa=True)
    assert not IdentityProviderTrust.objects.exists()


def test_a_trust_change_is_audited_and_an_unchanged_one_is_not(federation, administrator):
    assert services.trust_update(entity_id=federation.idp_id, name="Testkommunen", actor=administrator,
                                 trust_school_codes=True, trust_affiliation=False, trust_mfa=False)
    assert not services.trust_update(entity_id=federation.idp_id, name="Testkommunen", actor=administrator,
                                     trust_school_codes=True, trust_affiliation=False, trust_mfa=False)
    event = AuditEvent.objects.get(action="federation.trust_changed")
    assert event.actor == administrator and event.data["trust_school_codes"] == [False, True]
    trust = IdentityProviderTrust.objects.get()
    assert trust.trust_school_codes and trust.updated_by == administrator and trust.name == "Testkommunen"
