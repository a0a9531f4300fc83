"""Membership of the teacher panel: joining with consent, settings, renewing, leaving and lapsing."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.panel import invitations, permissions
from inspira.panel.models import ConsentText, Member


def latest_consent_text() -> ConsentText | None:
    return ConsentText.objects.order_by("-version").first()


def _consent_until(now):
    return now + timedelta(days=settings.INSPIRA_PANEL_CONSENT_DAYS)


def _require_latest(consent_text: ConsentText) -> None:
    latest = latest_consent_text()
    if latest is None or consent_text.pk != latest.pk:
        raise ValidationError(_("The consent text has changed. Read the new text and agree to it again."),
                              code="stale_consent")


@transaction.atomic
def member_join(*, user, school_form, district, subjects, frequency_days: int, focus_groups: bool,
                consent_text: ConsentText, now=None) -> Member:
    """Join the panel: consent to ``consent_text``, the version shown in the form, which must be the latest."""
    now = now or timezone.now()
    if not permissions.may_join(user):
        raise PermissionDenied
    _require_latest(consent_text)
    try:
        with transaction.atomic():
            member = Member.objects.create(
                user=user, school_form=school_form, district=district, frequency_days=frequency_days,
                focus_groups=focus_groups, consent_text=consent_text, consented_at=now,
                consent_until=_consent_until(now), joined_at=now)
    except IntegrityError as exc:  # a second open period at the same moment: the partial unique index
        raise PermissionDenied from exc
    member.subjects.set(subjects)
    user.__dict__.pop("_panel_member_cache", None)
    return member


@transaction.atomic
def member_update(*, member: Member, school_form, district, subjects, frequency_days: int,
                  focus_groups: bool) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is not None:
        raise PermissionDenied
    member.school_form = school_form
    member.district = district
    member.frequency_days = frequency_days
    member.focus_groups = focus_groups
    member.save(update_fields=["school_form", "district", "frequency_days", "focus_groups"])
    member.subjects.set(subjects)
    return member


@transaction.atomic
def member_renew(*, member: Member, consent_text: ConsentText, now=None) -> Member:
    """Consent again, to the latest text: the consent holds for another period from now."""
    now = now or timezone.now()
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active(now):
        raise PermissionDenied
    _require_latest(consent_text)
    member.consent_text = consent_text
    member.consented_at = now
    member.consent_until = _consent_until(now)
    member.renewal_reminded_at = None
    member.save(update_fields=["consent_text", "consented_at", "consent_until", "renewal_reminded_at"])
    return member


def _end(member: Member, ending: str, now) -> dict[str, int]:
    member.ended_at = now
    member.ending = ending
    member.save(update_fields=["ended_at", "ending"])
    return invitations.pending_invitations_cancel(member=member, now=now)


@transaction.atomic
def member_leave(*, member: Member, now=None) -> dict[str, int]:
    """Leave the panel: the membership ends now and every pending invitation is withdrawn at once."""
    now = now or timezone.now()
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is not None:
        raise PermissionDenied
    return _end(member, Member.Ending.LEFT, now)


def members_lapse(now=None) -> list[int]:
    """End the memberships whose consent has run out (each in a transaction of its own)."""
    now = now or timezone.now()
    ended = []
    for pk in Member.objects.filter(ended_at__isnull=True, consent_until__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            member = Member.objects.select_for_update().get(pk=pk)
            if member.ended_at is None and member.consent_until <= now:
                _end(member, Member.Ending.LAPSED, now)
                ended.append(pk)
    return ended


def renewal_reminders_send(now=None) -> list[int]:
    """Email the members whose consent ends within the reminder period, once per consent period."""
    now = now or timezone.now()
    window = now + timedelta(days=settings.INSPIRA_PANEL_RENEWAL_REMINDER_DAYS)
    sent = []
    due = Member.objects.filter(ended_at__isnull=True, renewal_reminded_at__isnull=True,
                                consent_until__gt=now, consent_until__lte=window, user__isnull=False)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=pk)
            if member.renewal_reminded_at is not None or member.ended_at is not None:
                continue
            email_enqueue(
                key=f"panel-renewal:{member.pk}:{member.consented_at.isoformat()}",
                to=[member.user.email], template="panel_renewal_reminder",
                context={"name": member.user.get_full_name() or member.user.email,
                         "until": timezone.localtime(member.consent_until).date(),
                         "renew_url": settings.SITE_URL.rstrip("/") + reverse("panel:renew")})
            member.renewal_reminded_at = now
            member.save(update_fields=["renewal_reminded_at"])
            sent.append(pk)
    return sent


@transaction.atomic
def consent_text_publish(*, actor, body: str, now=None) -> ConsentText:
    """A new version of the consent text (append-only): those joining or renewing agree to it."""
    if not permissions.may_coordinate(actor):
        raise PermissionDenied
    now = now or timezone.now()
    # Lock the versions so two coordinators publishing at once cannot take the same number.
    list(ConsentText.objects.select_for_update().values_list("pk", flat=True))
    version = (ConsentText.objects.aggregate(m=Max("version"))["m"] or 0) + 1
    text = ConsentText.objects.create(version=version, body=body, published_at=now, published_by=actor)
    audit_record(actor=actor, action="panel.consent_text_published", obj=text,
                 summary=_("Consent text version %(version)s") % {"version": version})
    return text
