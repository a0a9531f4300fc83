"""The emails of event registrations, each recorded in the outbox under a key that names what
happened. The services call these inside the transaction that makes the change, so an email is
promised exactly when the change commits. Keys a later change must be able to send again carry the
calendar sequence (an updated or cancelled .ics) or the event's day (a reminder).

The online link is never in these emails: the registered see it on the event's page from shortly
before the start (``permissions.event_online_link_visible``)."""

from django.conf import settings
from django.utils import timezone

from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.events import ics

ICS_FILENAME = "traff.ics"


def _to(registration) -> list[str]:
    user = registration.user
    return [user.email] if user is not None and user.is_active and user.email else []


def _context(registration, **extra) -> dict:
    event = registration.event
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return {
        "name": registration.user.name if registration.user else "",
        "title": event.title,
        "starts_at": starts,
        "ends_at": ends,
        "place": event.place,
        "is_online": bool(event.online_link),
        "is_group": registration.is_group,
        "school_name": registration.school.name if registration.school_id else "",
        "participants": registration.participants,
        "participant_names": registration.participant_names,
        "event_url": absolute_url("events:event", event.pk),
        **extra,
    }


def _calendar(registration, method: str) -> list[tuple[str, bytes, str]]:
    content = ics.registration_ics(registration, method=method, organizer_email=settings.PROGRAMME_CONTACT_EMAIL)
    return [(ICS_FILENAME, content, f"text/calendar; method={method}")]


def _send(registration, *, key: str, template: str, context: dict, calendar: str | None = None) -> None:
    to = _to(registration)
    if not to:
        return  # an erased or deactivated person: nobody to tell
    email_enqueue(key=key, to=to, template=template, context=context,
                  attachments=_calendar(registration, calendar) if calendar else None)


def _seq(registration) -> int:
    return ics.registration_sequence(registration)


def registration_confirmed(registration) -> None:
    _send(registration, key=f"event-registered:{registration.pk}:{_seq(registration)}",
          template="event_registration_confirmed", calendar=ics.REQUEST,
          context=_context(registration, cancel_until=timezone.localtime(
              registration.event.cancellation_deadline or registration.event.starts_at)))


def waiting_joined(registration, *, position: int | None) -> None:
    _send(registration, key=f"event-waiting:{registration.pk}", template="event_waiting_joined",
          context=_context(registration, position=position))


def offer_made(registration) -> None:
    _send(registration, key=f"event-offer:{registration.pk}:{registration.offered_at:%Y%m%d%H%M%S}",
          template="event_offer", context=_context(
              registration, offer_expires_at=timezone.localtime(registration.offer_expires_at)))


def registration_cancelled(registration, *, by_organiser: bool, had_calendar: bool, reason: str = "") -> None:
    _send(registration, key=f"event-registration-cancelled:{registration.pk}:{_seq(registration)}",
          template="event_registration_cancelled", calendar=ics.CANCEL if had_calendar else None,
          context=_context(registration, by_organiser=by_organiser, reason=reason))


def event_changed(registration) -> None:
    _send(registration, key=f"event-changed:{registration.pk}:{_seq(registration)}", template="event_changed",
          calendar=ics.REQUEST, context=_context(registration))


def event_cancelled(registration, *, had_calendar: bool) -> None:
    _send(registration, key=f"event-cancelled:{registration.pk}:{_seq(registration)}", template="event_cancelled",
          calendar=ics.CANCEL if had_calendar else None,
          context=_context(registration, reason=registration.event.cancellation_reason))


def reminder(registration) -> None:
    day = timezone.localdate(registration.event.starts_at)
    _send(registration, key=f"event-reminder:{registration.pk}:{day:%Y%m%d}", template="event_reminder",
          calendar=ics.REQUEST, context=_context(registration))
