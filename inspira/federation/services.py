"""Signing in through Skolfederation: who the assertion's person is, what they get, what the
administration trusts. The assertion's signature, audience, lifetime and the answer to our own request
are checked by pysaml2 before anything here runs (views.AssertionConsumer)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership, User
from inspira.accounts.services import AccountError, membership_request
from inspira.core.addresses import normalise_email
from inspira.core.audit import audit_record
from inspira.federation.attributes import STAFF_AFFILIATIONS, Person, read_assertion, scope_matches
from inspira.federation.metadata import IdentityProvider, identity_providers
from inspira.federation.models import (
    FederatedIdentity,
    FederationMembershipConfirmation,
    FederationMfaDevice,
    IdentityProviderTrust,
)
from inspira.schools.models import School


class SignInRefused(Exception):
    """Message is translated; the refusal page shows it as is."""


@dataclass
class LinkRequired(Exception):  # noqa: N818 (not an error: a step the person takes)
    """An account with the person's (verified) address exists: they confirm it with its password first."""

    user: User
    idp_entity_id: str
    person: Person


def trust_of(idp_entity_id: str) -> IdentityProviderTrust:
    """The administration's trust in an identity provider; an unsaved row trusting nothing if none."""
    return (IdentityProviderTrust.objects.filter(entity_id=idp_entity_id).first()
            or IdentityProviderTrust(entity_id=idp_entity_id))


def person_from(session_info: dict, provider: IdentityProvider | None) -> Person:
    """The assertion's person, refused if it lacks an ePPN or asserts one outside the provider's scopes."""
    refs = [entry[0] for entry in session_info.get("authn_info") or () if entry]
    person = read_assertion(session_info.get("ava") or {}, refs)
    user_part, at, scope = person.eppn.rpartition("@")
    if not person.eppn or not at or not user_part or not scope:
        raise SignInRefused(_("Your organisation's login service did not say who you are "
                              "(eduPersonPrincipalName is missing). Contact your organisation's IT support."))
    if not scope_matches(scope, list(provider.scopes) if provider else []):
        raise SignInRefused(_("Your organisation's login service gave an identity outside its own domain, "
                              "which Inspira does not accept. Contact your organisation's IT support."))
    return person


@transaction.atomic
def federated_person(*, session_info: dict, now=None) -> User:
    """The person an assertion names: their linked account, or a new one. Proposes memberships of their
    schools and writes the sign-in to the audit trail.

    Raises ``LinkRequired`` when an account with the same verified address exists but is not linked yet,
    and ``SignInRefused`` when the sign-in cannot go through.
    """
    now = now or timezone.now()
    idp = session_info["issuer"]
    provider = identity_providers().get(idp)
    person = person_from(session_info, provider)
    identity = (FederatedIdentity.objects.select_for_update().select_related("user")
                .filter(idp_entity_id=idp, eppn=person.eppn).first())
    created = False
    if identity is None:
        if not person.email:
            raise SignInRefused(_("Your organisation's login service did not give your email address, which "
                                  "Inspira needs for a new account. Contact your organisation's IT support."))
        existing = User.objects.filter(email__iexact=normalise_email(person.email)).first()
        if existing is not None:
            if not existing.is_active or existing.email_verified_at is None:
                raise SignInRefused(_(
                    "There is an account with your email address that cannot be used yet (it is not activated, "
                    "or it has been closed). Activate it with the link in the email you got, or contact the "
                    "administration."))
            raise LinkRequired(user=existing, idp_entity_id=idp, person=person)
        user = _account_create(person=person, idp=idp, provider=provider, now=now)
        identity = FederatedIdentity.objects.create(user=user, idp_entity_id=idp, eppn=person.eppn, created_at=now)
        created = True
    user = identity.user
    if not user.is_active:
        raise SignInRefused(_("Your Inspira account has been closed. Contact the administration if you "
                              "need it again."))
    _signed_in(identity=identity, person=person, provider=provider, now=now, new=created)
    return user


def _account_create(*, person: Person, idp: str, provider: IdentityProvider | None, now) -> User:
    # The identity provider vouches for the address (a municipality's own directory), so it counts as
    # verified; the account has no password until the person sets one ("Forgot your password?").
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=person.email, password=None, name=person.name or person.email,
                                            email_verified_at=now)
    except IntegrityError as exc:  # the same address signed up at the same moment
        raise SignInRefused(_("Signing in did not work this time. Try again.")) from exc
    audit_record(actor=user, action="federation.account_created", obj=user,
                 summary=_("%(email)s got an account by signing in through %(idp)s") % {
                     "email": user.email, "idp": provider.name if provider else idp},
                 data={"idp": idp})
    return user


@transaction.atomic
def identity_link(*, user: User, idp_entity_id: str, person: Person, now=None) -> FederatedIdentity:
    """Link a federation login to an existing account, once its password has been given (the view checks
    it through django-axes, so guesses are throttled)."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise SignInRefused(_("Your Inspira account has been closed. Contact the administration if you "
                              "need it again."))
    if FederatedIdentity.objects.filter(idp_entity_id=idp_entity_id, eppn=person.eppn).exists():
        raise SignInRefused(_("This login is already linked to an account. Sign in again."))
    provider = identity_providers().get(idp_entity_id)
    try:
        with transaction.atomic():
            identity = FederatedIdentity.objects.create(user=user, idp_entity_id=idp_entity_id, eppn=person.eppn,
                                                        created_at=now)
    except IntegrityError as exc:
        raise SignInRefused(_("This login is already linked to an account. Sign in again.")) from exc
    audit_record(actor=user, action="federation.linked", obj=user,
                 summary=_("%(email)s linked their login at %(idp)s to their account") % {
                     "email": user.email, "idp": provider.name if provider else idp_entity_id},
                 data={"idp": idp_entity_id})
    _signed_in(identity=identity, person=person, provider=provider, now=now, new=False)
    return identity


def _signed_in(*, identity: FederatedIdentity, person: Person, provider: IdentityProvider | None, now,
               new: bool) -> None:
    identity.last_login_at = now
    identity.save(update_fields=["last_login_at"])
    trust = trust_of(identity.idp_entity_id)
    _memberships_from(identity=identity, person=person, provider=provider, trust=trust, now=now)
    audit_record(actor=identity.user, action="federation.signed_in", obj=identity.user,
                 summary=_("%(email)s signed in through %(idp)s") % {
                     "email": identity.user.email, "idp": provider.name if provider else identity.idp_entity_id},
                 data={"idp": identity.idp_entity_id, "mfa": person.mfa, "new_account": new})


def is_staff_by_affiliation(person: Person, provider: IdentityProvider | None) -> bool:
    """Whether the person's affiliations (those within the provider's scopes) make them school staff."""
    scopes = list(provider.scopes) if provider else []
    return any(affiliation in STAFF_AFFILIATIONS and scope_matches(scope, scopes)
               for affiliation, scope in person.affiliations)


def _memberships_from(*, identity: FederatedIdentity, person: Person, provider, trust: IdentityProviderTrust,
                      now) -> None:
    """Memberships of the schools whose unit codes the assertion gives, each proposed once per login.

    Untrusted school codes make a request the principal confirms, as a sign-up does; codes of an identity
    provider trusted for them make the membership confirmed at once, recorded as confirmed by the federation.
    A provider trusted for affiliations connects only staff, faculty and employees (docs/decisions.md).
    The role is always school staff: the federation never makes anyone a principal, a site contact or a
    central role.
    """
    seen = set(identity.proposed_school_codes)
    codes = [code for code in person.school_codes if code not in seen]
    if not codes:
        return
    schools = list(School.objects.filter(unit_code__in=codes).order_by("unit_code"))
    identity.proposed_school_codes = [*identity.proposed_school_codes, *(s.unit_code for s in schools)]
    identity.save(update_fields=["proposed_school_codes"])
    if trust.trust_affiliation and not is_staff_by_affiliation(person, provider):
        return
    user = identity.user
    for school in schools:
        if Membership.objects.filter(user=user, school=school).exists():
            continue
        if trust.trust_school_codes:
            membership = Membership.objects.create(user=user, school=school, role=Membership.Role.STAFF,
                                                   requested_at=now, confirmed_at=now, confirmed_by=None)
            FederationMembershipConfirmation.objects.create(membership=membership,
                                                            idp_entity_id=identity.idp_entity_id, confirmed_at=now)
            audit_record(actor=user, action="federation.membership_confirmed", obj=membership,
                         summary=_("%(email)s confirmed at %(school)s by the federation (%(idp)s)") % {
                             "email": user.email, "school": school.name,
                             "idp": provider.name if provider else identity.idp_entity_id},
                         data={"school": school.pk, "user": user.pk, "idp": identity.idp_entity_id,
                               "role": Membership.Role.STAFF})
        else:
            try:
                membership_request(user=user, school=school)
            except AccountError:
                continue  # asked for just now, in another request


# --- The second factor ------------------------------------------------------------------------------------------

def mfa_trusted(*, idp_entity_id: str, person: Person) -> bool:
    """Whether this sign-in stands in for Inspira's own second factor: the identity provider asserted the
    REFEDS MFA profile and the administration trusts its MFA."""
    return person.mfa and trust_of(idp_entity_id).trust_mfa


def mfa_device(*, user: User, idp_entity_id: str) -> FederationMfaDevice:
    device, _created = FederationMfaDevice.objects.get_or_create(
        user=user, idp_entity_id=idp_entity_id,
        defaults={"name": idp_entity_id[:64], "confirmed": True})
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


# --- The administration's trust ------------------------------------------------------------------------------------

TRUST_FIELDS = ("trust_school_codes", "trust_affiliation", "trust_mfa")


@transaction.atomic
def trust_update(*, entity_id: str, name: str, actor: User, now=None, **trusts: bool) -> bool:
    """Set what an identity provider is trusted for. Returns False if nothing changed. Turning off the trust
    in its MFA ends at once the sessions that it verified (their device is unconfirmed)."""
    if not actor.is_administrator:
        raise PermissionDenied
    unknown = set(trusts) - set(TRUST_FIELDS)
    if unknown:
        raise ValueError(f"unknown trust settings: {unknown}")
    trust = IdentityProviderTrust.objects.select_for_update().filter(entity_id=entity_id).first()
    if trust is None:
        trust = IdentityProviderTrust(entity_id=entity_id)
    changes = {field: [getattr(trust, field), bool(trusts[field])] for field in TRUST_FIELDS
               if field in trusts and getattr(trust, field) != bool(trusts[field])}
    if not changes:
        return False
    for field, (_old, new) in changes.items():
        setattr(trust, field, new)
    trust.name = name[:300] or trust.name
    trust.updated_at = now or timezone.now()
    trust.updated_by = actor
    trust.save()
    if changes.get("trust_mfa") == [True, False]:
        FederationMfaDevice.objects.filter(idp_entity_id=entity_id).update(confirmed=False)
    yes_no = {True: _("yes"), False: _("no")}
    audit_record(actor=actor, action="federation.trust_changed", obj=trust,
                 summary=f"{trust}: " + ", ".join(
                     f"{IdentityProviderTrust._meta.get_field(field).verbose_name} {yes_no[old]} → {yes_no[new]}"
                     for field, (old, new) in changes.items()),
                 data={"entity_id": entity_id, **changes})
    return True
