"""State changes for people and memberships. Views check who may act; the services check
it again for the rules that must hold whatever calls them."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership, User
from inspira.accounts.permissions import can_manage_membership, can_set_membership_role
from inspira.core.addresses import normalise_email
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.models import OutboxItem

VERIFY_EMAIL_SALT = "inspira.accounts.verify-email"
# A new verification link is sent at most this often to one person, so the resend form
# cannot be used to flood someone's inbox.
VERIFY_RESEND_INTERVAL = timedelta(minutes=1)


class AccountError(Exception):
    """Message is translated; views show it as is."""


def _digest(value: str) -> str:
    # Outbox keys are shown to administrators; a digest keeps secret links out of them.
    return hashlib.sha256(value.encode()).hexdigest()[:20]


# --- Sign-up and email verification -------------------------------------------------------

def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFY_EMAIL_SALT).sign(str(user.pk))


def verification_user(token: str, *, max_age: int | None = None) -> User:
    """The person a verification token was made for.

    Raises ``signing.SignatureExpired`` for an old link and ``signing.BadSignature`` for a
    damaged one (or a person who no longer exists).
    """
    signer = signing.TimestampSigner(salt=VERIFY_EMAIL_SALT)
    value = signer.unsign(token, max_age=settings.EMAIL_VERIFICATION_MAX_AGE if max_age is None else max_age)
    try:
        return User.objects.get(pk=int(value))
    except (ValueError, User.DoesNotExist) as exc:
        raise signing.BadSignature("No such person") from exc


def verification_email_send(*, user: User, language: str = "sv") -> OutboxItem:
    token = verification_token(user)
    return email_enqueue(
        key=f"verify-email:{user.pk}:{_digest(token)}",
        to=[user.email],
        template="verify_email",
        context={
            "name": user.name,
            "verify_url": absolute_url("accounts:verify_email", token=token),
            "valid_days": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 86400),
            "schools": [m.school.name for m in user.memberships.select_related("school")],
        },
        language=language,
    )


@transaction.atomic
def signup_create(*, school, name: str, email: str, phone: str = "", password: str, language: str = "sv") -> User:
    """A teacher's own sign-up: an inactive person with a pending membership at ``school``,
    and an email with the link that activates the account."""
    email = normalise_email(email)
    try:
        # A savepoint, so a sign-up racing another with the same address fails cleanly.
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, name=name.strip(),
                                            phone=phone.strip(), is_active=False)
    except IntegrityError as exc:
        raise AccountError(_("There is already an account with this email address.")) from exc
    membership = Membership.objects.create(user=user, school=school, role=Membership.Role.STAFF)
    audit_record(actor=user, action="accounts.signup", obj=membership,
                 summary=_("%(email)s signed up at %(school)s") % {"email": user.email, "school": school.name},
                 data={"school": school.pk})
    verification_email_send(user=user, language=language)
    return user


def verification_resend(*, email: str, language: str = "sv", now=None) -> bool:
    """Send a new verification link if ``email`` belongs to a person still waiting to
    verify. The caller shows the same message either way. Returns True if sent."""
    now = now or timezone.now()
    user = User.objects.filter(
        email__iexact=normalise_email(email), is_active=False, email_verified_at__isnull=True
    ).first()
    if user is None:
        return False
    recently = OutboxItem.objects.filter(
        key__startswith=f"verify-email:{user.pk}:", created_at__gte=now - VERIFY_RESEND_INTERVAL
    ).exists()
    if recently:
        return False
    verification_email_send(user=user, language=language)
    return True


@transaction.atomic
def email_verify(*, user: User, now=None) -> bool:
    """Activate the person whose verification link was followed. Returns False if the
    address was verified before: following the link again changes nothing (and so never
    re-activates a person an administrator has deactivated since)."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = now
    user.is_active = True
    user.save(update_fields=["email_verified_at", "is_active"])
    audit_record(actor=user, action="accounts.email_verified", obj=user,
                 summary=_("%(email)s verified their email address") % {"email": user.email})
    # Only now is the person real enough to be worth the principal's attention.
    for membership in user.memberships.filter(confirmed_at__isnull=True).select_related("school"):
        _notify_principals(membership)
    return True


# --- A person's own details -----------------------------------------------------------------

@transaction.atomic
def profile_update(*, user: User, name: str, phone: str) -> User:
    changed = [field for field, value in (("name", name.strip()), ("phone", phone.strip()))
               if getattr(user, field) != value]
    user.name = name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["name", "phone"])
    if changed:
        # Which fields, not their values: the trail outlives a person's erasure.
        audit_record(actor=user, action="accounts.profile_updated", obj=user,
                     summary=_("Changed their own details: %(fields)s") % {
                         "fields": ", ".join(str(User._meta.get_field(field).verbose_name) for field in changed)},
                     data={"fields": changed})
    return user


@transaction.atomic
def password_change(*, form) -> User:
    """Save a person's new password (Django's ``PasswordChangeForm``, already valid)."""
    user = form.save()
    audit_record(actor=user, action="accounts.password_changed", obj=user, summary=_("Changed their password"))
    return user


@transaction.atomic
def membership_request(*, user: User, school) -> Membership:
    """A logged-in person asks to join another school; the principal confirms."""
    if Membership.objects.filter(user=user, school=school).exists():
        raise AccountError(_("You are already connected to this school, or have asked to be."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, school=school, role=Membership.Role.STAFF)
    except IntegrityError as exc:  # a double click that got past the check above
        raise AccountError(_("You are already connected to this school, or have asked to be.")) from exc
    audit_record(actor=user, action="membership.requested", obj=membership,
                 summary=_("%(email)s asked to join %(school)s") % {"email": user.email, "school": school.name},
                 data={"school": school.pk})
    _notify_principals(membership)
    return membership


def _notify_principals(membership: Membership) -> None:
    principals = list(
        User.objects.filter(
            is_active=True,
            memberships__school=membership.school_id,
            memberships__role=Membership.Role.PRINCIPAL,
            memberships__confirmed_at__isnull=False,
        ).values_list("email", flat=True)
    )
    if not principals:
        return  # administrators see everyone waiting on their page
    email_enqueue(
        key=f"membership-requested:{membership.pk}",
        to=principals,
        template="membership_requested",
        context={
            "person_name": membership.user.name,
            "person_email": membership.user.email,
            "school_name": membership.school.name,
            "members_url": absolute_url("accounts:school_members", school_id=membership.school_id),
        },
    )


# --- Principals and administrators handle memberships ----------------------------------------

def _locked(membership: Membership) -> Membership:
    # Locked and read again, so the checks below see what another request may just have done.
    return Membership.objects.select_for_update(of=("self",)).select_related("user", "school").get(pk=membership.pk)


def _tell_person(*, membership: Membership, event: str, key: str, actor: User) -> None:
    email_enqueue(
        key=key,
        to=[membership.user.email],
        template=f"membership_{event}",
        context={
            "name": membership.user.name,
            "school_name": membership.school.name,
            "role": membership.get_role_display(),
            "actor_name": actor.name,
            "dashboard_url": absolute_url("core:dashboard"),
            "join_url": absolute_url("accounts:join_school"),
        },
    )


@transaction.atomic
def membership_confirm(*, membership: Membership, actor: User, now=None) -> bool:
    """Confirm that the person works at the school. Returns False if it already was."""
    membership = _locked(membership)
    if not can_manage_membership(actor, membership):
        raise PermissionDenied
    if membership.is_confirmed:
        return False
    membership.confirmed_at = now or timezone.now()
    membership.confirmed_by = actor
    membership.save(update_fields=["confirmed_at", "confirmed_by"])
    audit_record(actor=actor, action="membership.confirmed", obj=membership,
                 summary=_("%(email)s confirmed at %(school)s") % {
                     "email": membership.user.email, "school": membership.school.name},
                 data={"school": membership.school_id, "user": membership.user_id, "role": membership.role})
    _tell_person(membership=membership, event="confirmed", key=f"membership-confirmed:{membership.pk}", actor=actor)
    return True


@transaction.atomic
def membership_reject(*, membership: Membership, actor: User) -> None:
    """Turn down a request to join: the pending membership is deleted. The person keeps
    their account, with whatever other memberships they have (possibly none)."""
    membership = _locked(membership)
    if not can_manage_membership(actor, membership):
        raise PermissionDenied
    if membership.is_confirmed:
        raise AccountError(_("This person is already confirmed at the school."))
    event = audit_record(actor=actor, action="membership.rejected", obj=membership,
                         summary=_("%(email)s not confirmed at %(school)s") % {
                             "email": membership.user.email, "school": membership.school.name},
                         data={"school": membership.school_id, "user": membership.user_id})
    _tell_person(membership=membership, event="rejected", key=f"membership-rejected:{membership.pk}:{event.pk}",
                 actor=actor)
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> bool:
    """Appoint or unappoint a site contact (principal or administrator), or make or unmake
    a principal (administrators only). Returns False if the role was already ``role``."""
    if role not in Membership.Role.values:
        raise AccountError(_("Choose a role from the list."))
    membership = _locked(membership)
    if not can_set_membership_role(actor, membership, role):
        raise PermissionDenied
    if not membership.is_confirmed:
        raise AccountError(_("Confirm that the person works at the school before giving them a role."))
    if membership.role == role:
        return False
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    event = audit_record(actor=actor, action="membership.role_changed", obj=membership,
                         summary=_("%(email)s at %(school)s: %(old)s → %(new)s") % {
                             "email": membership.user.email, "school": membership.school.name,
                             "old": Membership.Role(old_role).label, "new": Membership.Role(role).label},
                         data={"school": membership.school_id, "user": membership.user_id,
                               "old_role": old_role, "role": role})
    _tell_person(membership=membership, event="role_changed", key=f"membership-role:{membership.pk}:{event.pk}",
                 actor=actor)
    return True


# --- Administrators manage people --------------------------------------------------------------

@transaction.atomic
def person_update(*, person: User, role: str, is_active: bool, actor: User) -> bool:
    """Set a person's central role and whether they may log in. Returns False if nothing changed."""
    if not actor.is_administrator:
        raise PermissionDenied
    if role not in User.Role.values:
        raise AccountError(_("Choose a role from the list."))
    if person.pk == actor.pk and (role != User.Role.ADMINISTRATOR or not is_active):
        # Otherwise the last administrator could lock everyone out of the administration.
        raise AccountError(_("You cannot remove your own administrator role or deactivate yourself. "
                             "Ask another administrator."))
    person = User.objects.select_for_update().get(pk=person.pk)
    changes = {}
    if person.role != role:
        changes["role"] = [person.role, role]
        person.role = role
    if person.is_active != is_active:
        changes["is_active"] = [person.is_active, is_active]
        person.is_active = is_active
    if not changes:
        return False
    person.save(update_fields=list(changes))
    audit_record(actor=actor, action="person.updated", obj=person,
                 summary=f"{person.email}: " + ", ".join(_person_change_text(k, a, b) for k, (a, b) in changes.items()),
                 data=changes)
    return True


def _person_change_text(field: str, old, new) -> str:
    """One change of ``person_update`` for the audit trail, in the words of the page, not its codes."""
    if field == "role":
        return _("central role %(old)s → %(new)s") % {"old": User.Role(old).label, "new": User.Role(new).label}
    yes_no = {True: _("yes"), False: _("no")}
    return _("may log in: %(old)s → %(new)s") % {"old": yes_no[bool(old)], "new": yes_no[bool(new)]}


@transaction.atomic
def membership_add(*, person: User, school, role: str, actor: User, now=None) -> Membership:
    """An administrator connects a person to a school, confirmed at once. A pending request
    for the same school is confirmed with the role given."""
    if not actor.is_administrator:
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise AccountError(_("Choose a role from the list."))
    now = now or timezone.now()
    membership = Membership.objects.select_for_update().filter(user=person, school=school).first()
    if membership is not None and membership.is_confirmed:
        raise AccountError(_("This person is already confirmed at the school. Change the role on the "
                             "school's member page."))
    if membership is None:
        membership = Membership(user=person, school=school, requested_at=now)
    membership.role = role
    membership.confirmed_at = now
    membership.confirmed_by = actor
    membership.save()
    event = audit_record(actor=actor, action="membership.added", obj=membership,
                         summary=_("%(email)s added at %(school)s as %(role)s") % {
                             "email": person.email, "school": school.name, "role": Membership.Role(role).label},
                         data={"school": school.pk, "user": person.pk, "role": role})
    membership = Membership.objects.select_related("user", "school").get(pk=membership.pk)
    _tell_person(membership=membership, event="confirmed", key=f"membership-added:{membership.pk}:{event.pk}",
                 actor=actor)
    return membership
