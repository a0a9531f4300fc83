"""What the framework and its add-ons keep about a person: sessions, login records (django-axes),
two-factor devices (django-otp, when installed), the Django admin's log, and the erasure records."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.models import Erasure
from inspira.privacy.scrub import scrub_rows

ACTIONS = [Action(LogEntry, "user", "action_time"), Action(Erasure, "erased_by", "erased_at")]
LOGIN_RECORDS = (AccessLog, AccessAttempt, AccessFailureLog)


def otp_device_models() -> list:
    """django-otp's device models (TOTP, static codes, ...), if django-otp is installed."""
    if not apps.is_installed("django_otp"):
        return []
    from django_otp.models import Device

    return [model for model in apps.get_models() if issubclass(model, Device)]


def _otp_fields() -> dict[str, set[str]]:
    return {model._meta.label: {"user", "name"} for model in otp_device_models()}


def user_sessions(user):
    """The person's sessions. Session data is signed and encoded: each row is decoded to find them."""
    key = str(user.pk)
    return [s.pk for s in Session.objects.all().iterator() if s.get_decoded().get("_auth_user_id") == key]


def export(user, scrubber) -> list[Category]:
    logins = []
    for model in LOGIN_RECORDS:
        for record in model.objects.filter(username__iexact=user.email).order_by("attempt_time"):
            logins.append(row(kind=str(model._meta.verbose_name), at=record.attempt_time,
                              ip_address=record.ip_address, user_agent=record.user_agent))
    devices = [
        row(device=str(model._meta.verbose_name), name=device.name, confirmed=device.confirmed)
        for model in otp_device_models() for device in model.objects.filter(user=user)
    ]
    return [
        Category("logins", _("Log-ins and failed log-in attempts"), _("Removed."), logins),
        Category("two_factor_devices", _("Two-factor devices"), _("Removed."), devices),
        Category("platform_actions", _("Technical administration you did"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    user = ctx.user
    ctx.counts["sessions_deleted"] += Session.objects.filter(pk__in=user_sessions(user)).delete()[0]
    for model in LOGIN_RECORDS:
        ctx.counts["login_records_deleted"] += model.objects.filter(username__iexact=ctx.subject.email).delete()[0]
    for model in otp_device_models():
        ctx.counts["two_factor_devices_deleted"] += model.objects.filter(user=user).delete()[0]
    ctx.counts["admin_log_scrubbed"] += scrub_rows(LogEntry.objects.all(), ["object_repr", "change_message"],
                                                   ctx.scrubber)


AREA = Area(
    name="platform",
    export=export,
    erase=erase,
    fields=merge(
        {"admin.LogEntry": ["object_repr", "change_message"], "privacy.Erasure": ["user"]},
        action_fields(ACTIONS),
    ),
    dynamic_fields=_otp_fields,
)
