"""Two-factor sign-in (TOTP), required for the central roles and for the Django admin's users.

Administrators, the director and finance reach personal data, decisions and money, and the Django
admin (is_staff, is_superuser) can change anyone's role and permissions, so after the
password they enter a code from an authenticator app (django-otp's TOTP device). At enrolment
they also get single-use recovery codes (django-otp's static device) for the day the phone is
lost; if those are gone too, an administrator resets their two-factor sign-in and they enrol
again at their next login. Staff of schools are not asked for a second step.

Verification is kept in the session (``django_otp.login``) and ends with it: logging out
flushes the session. OTPMiddleware looks the device up again on every request, so a reset
takes effect at once, even for a session that was verified before.
"""

from base64 import b32encode

import django_otp
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspira.accounts.models import User
from inspira.core.audit import audit_record

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TwoFactorError(Exception):
    """Message is translated; views show it on the code field."""


def required_for(user) -> bool:
    """Whether ``user`` must pass the second step: active people with a central role, and active
    people who may use the Django admin, where roles and permissions are edited."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_central or user.is_staff or user.is_superuser))


def totp_device(user) -> TOTPDevice | None:
    """The person's confirmed authenticator device, or None if they have not enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Enrolment --------------------------------------------------------------------------------------

def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device a person is setting up. The same one on every visit to the page,
    so a QR code scanned before a reload still matches."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps take it when typed, in blocks of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The setup link as a QR code: an SVG data: URI for an <img>, which the CSP allows."""
    import segno  # only the enrolment page needs it

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the device with a code from the app; returns the new recovery codes (shown once).

    Refused if the person already has a confirmed device: otherwise someone who knows only the
    password could enrol a phone of their own instead of entering the code.
    """
    if has_device(user):
        raise TwoFactorError(_("Two-factor sign-in is already set up for your account."))
    _verify(user=user, device=device, code=code, wrong=WRONG_CODE)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # one enrolment at a time per person
        if has_device(user):
            raise TwoFactorError(_("Two-factor sign-in is already set up for your account."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="two_factor.enrolled", obj=user,
                     summary=_("%(email)s set up two-factor sign-in") % {"email": user.email})
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    # The same device with new tokens: a session verified with a recovery code stays verified.
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_code_display(code: str) -> str:
    """A recovery code as shown: two blocks of four, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}"


# --- Verifying a login ---------------------------------------------------------------------------------

WRONG_CODE = "wrong-code"
WRONG_RECOVERY_CODE = "wrong-recovery-code"


def _wrong(which: str) -> TwoFactorError:
    if which == WRONG_RECOVERY_CODE:
        return TwoFactorError(_("The recovery code is not right, or it has been used already."))
    return TwoFactorError(_("The code is not right. Check that you typed the code the app shows now, "
                            "and try again."))


# Wrong codes in a row that are only called wrong: a typo, or a code that changed while it was typed,
# should say just that and let the person try again at once. After one more, django-otp's throttle
# applies (a wait that doubles with every further wrong code).
FREE_WRONG_CODES = 2


def _verify(*, user: User, device, code: str, wrong: str):
    """Check ``code`` against ``device``. After more than ``FREE_WRONG_CODES`` wrong codes in a row,
    django-otp's throttling: after n failed codes, no code is tried (not even a right one) until
    2^(n-1) seconds after the last failure.

    Never call this inside a transaction that the error rolls back: the failure count must stay.
    """
    # The first wrong codes start no wait: forget when the last one came (the count stays, so
    # the throttle still starts at the next). django-otp locks and re-reads the row to verify.
    type(device).objects.filter(pk=device.pk, throttling_failure_count__lte=FREE_WRONG_CODES).update(
        throttling_failure_timestamp=None)
    device.refresh_from_db()
    allowed, data = device.verify_is_allowed()
    if not allowed:
        until = timezone.localtime(data["locked_until"])
        raise TwoFactorError(_(
            "Too many wrong codes in a row. For your security, wait until %(time)s and try again."
        ) % {"time": formats.time_format(until, "H:i:s")})
    # Locks the device row, so the throttling and "each code once" hold against parallel tries.
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        raise _wrong(wrong)
    return verified


def code_verify(*, user: User, code: str) -> TOTPDevice:
    """Check a code from the person's authenticator app; returns the device that accepted it.

    The app's code for the step before or after the current one is accepted too (django-otp's
    tolerance of one time step), for a phone whose clock is a little off. A code is accepted
    only once.
    """
    device = totp_device(user)
    if device is None:
        raise TwoFactorError(_("Two-factor sign-in is not set up for your account."))
    return _verify(user=user, device=device, code=code.replace(" ", ""), wrong=WRONG_CODE)


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_verify(*, user: User, code: str) -> StaticDevice:
    """Check a single-use recovery code; a code that worked is used up."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        raise TwoFactorError(_("You have no recovery codes. Ask an administrator to reset your two-factor sign-in."))
    device = _verify(user=user, device=device, code=normalise_recovery_code(code), wrong=WRONG_RECOVERY_CODE)
    audit_record(actor=user, action="two_factor.recovery_code_used", obj=user,
                 summary=_("%(email)s logged in with a recovery code") % {"email": user.email},
                 data={"codes_left": device.token_set.count()})
    return device


def recovery_codes_renew(*, user: User, code: str) -> list[str]:
    """New recovery codes, replacing the old ones; asks for a code from the app first, so a
    session left open on someone's computer cannot be used to take them."""
    code_verify(user=user, code=code)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="two_factor.recovery_codes_renewed", obj=user,
                     summary=_("%(email)s made new recovery codes") % {"email": user.email})
    return codes


# --- Administrators -------------------------------------------------------------------------------------

@transaction.atomic
def two_factor_reset(*, person: User, actor: User) -> bool:
    """Remove a person's authenticator and recovery codes (a lost phone). They set up a new app
    at their next request. Returns False if there was nothing to remove."""
    if not actor.is_administrator:
        raise PermissionDenied
    if person.pk == actor.pk:
        # Otherwise a session left open could be used to move an administrator's second step
        # to another phone.
        raise TwoFactorError(_("You cannot reset your own two-factor sign-in. Ask another administrator."))
    person = User.objects.select_for_update().get(pk=person.pk)
    removed, _by_model = TOTPDevice.objects.filter(user=person).delete()
    removed_static, _by_model = StaticDevice.objects.filter(user=person).delete()
    if not removed and not removed_static:
        return False
    audit_record(actor=actor, action="two_factor.reset", obj=person,
                 summary=_("%(email)s: two-factor sign-in reset") % {"email": person.email})
    return True
