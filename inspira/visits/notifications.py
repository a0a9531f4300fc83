"""The emails of visits, each recorded in the outbox under a key that names its event.

Services call these inside the transaction that makes the change, so an email is promised
exactly when the change commits; the outbox's job sends it, once per key even if the job (or
the task that called us) runs again. Keys that a later change must be able to send again carry
the calendar sequence (an updated or cancelled .ics) or the visit date (a reminder).
"""

from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.core.addresses import normalise_email
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.visits import ics
from inspira.visits.models import Booking, WaitingListEntry

ICS_FILENAME = "studiebesok.ics"


def _emails_with_role(school_id: int, roles) -> list[str]:
    return list(
        Membership.objects.filter(school_id=school_id, role__in=roles, confirmed_at__isnull=False,
                                  user__is_active=True)
        .order_by("user__email").values_list("user__email", flat=True)
    )


def host_emails(certification) -> list[str]:
    """The site contacts of the certified school; its principal if it has none; else the school."""
    return (_emails_with_role(certification.school_id, [Membership.Role.SITE_CONTACT])
            or _emails_with_role(certification.school_id, [Membership.Role.PRINCIPAL])
            or [certification.school.contact_email])


def principal_emails(school) -> list[str]:
    return _emails_with_role(school.pk, [Membership.Role.PRINCIPAL]) or [school.contact_email]


def visitor_emails(booking: Booking) -> list[str]:
    emails = [booking.contact_email, booking.booked_by.email]
    return list(dict.fromkeys(normalise_email(e) for e in emails if e))


def _organizer_email(certification) -> str:
    return host_emails(certification)[0]


def _context(booking: Booking, **extra) -> dict:
    occasion = booking.occasion
    certification = occasion.certification
    return {
        "site_name": certification.display_name,
        "host_school": certification.school.name,
        "school_name": booking.school.name,
        "date": occasion.date,
        "start_time": occasion.start_time,
        "end_time": occasion.end_time,
        "slot": occasion.get_slot_display(),
        "place": occasion.place,
        "note": occasion.note,
        "participants": booking.participants,
        "participant_names": booking.participant_names,
        "contact_name": booking.contact_name,
        "contact_email": booking.contact_email,
        "contact_phone": booking.contact_phone,
        "message": booking.message,
        "booked_by": booking.booked_by.name,
        "booking_url": absolute_url("visits:booking", booking.pk),
        **extra,
    }


def _ics(booking: Booking, method: str, *, organizer_email: str | None = None) -> list[tuple[str, bytes, str]]:
    content = booking_calendar_file(booking, method=method, organizer_email=organizer_email)
    return [(ICS_FILENAME, content, f"text/calendar; method={method}")]


def booking_calendar_file(booking: Booking, *, method: str = ics.REQUEST, organizer_email: str | None = None) -> bytes:
    return ics.booking_ics(booking, method=method,
                           organizer_email=organizer_email or _organizer_email(booking.occasion.certification))


def booking_confirmed(booking: Booking) -> None:
    """The visitors and the host each get the confirmation with the calendar file (one file, the
    same event for both; the host's addresses are looked up once, as its organiser too)."""
    hosts = host_emails(booking.occasion.certification)
    calendar = _ics(booking, ics.REQUEST, organizer_email=hosts[0])
    context = _context(booking)
    email_enqueue(key=f"booking-confirmed:{booking.pk}", to=visitor_emails(booking),
                  template="visit_booking_confirmed", context=context, attachments=calendar)
    email_enqueue(key=f"booking-confirmed-host:{booking.pk}", to=hosts,
                  template="visit_booking_host", context=context, attachments=calendar)


def booking_to_principal(booking: Booking) -> None:
    """The visiting school's principal is told of every booking: it commits the school to pay."""
    email_enqueue(
        key=f"booking-principal:{booking.pk}", to=principal_emails(booking.school),
        template="visit_booking_principal",
        context=_context(
            booking, needs_approval=booking.status == Booking.Status.HELD, hold_expires_at=booking.hold_expires_at,
            approve_url=absolute_url("visits:booking_approve", booking.pk),
        ),
    )


def booking_updated(booking: Booking) -> None:
    """The occasion changed (time, place): an updated calendar file with a higher sequence."""
    if booking.status != Booking.Status.CONFIRMED:
        return  # a held booking has had no calendar file yet; the confirmation will carry the new details
    email_enqueue(key=f"booking-updated:{booking.pk}:{booking.sequence}", to=visitor_emails(booking),
                  template="visit_booking_updated", context=_context(booking),
                  attachments=_ics(booking, ics.REQUEST))


def booking_cancelled(booking: Booking, *, had_calendar: bool, by_host: bool, tell_host: bool) -> None:
    """The visitors are told, with a calendar cancellation if they had the event; the host too,
    unless the host cancelled it."""
    context = _context(booking, reason=booking.cancellation_reason, by_host=by_host,
                       hold_expired=booking.cancelled_by_id is None and not by_host)
    calendar = _ics(booking, ics.CANCEL) if had_calendar else None
    email_enqueue(key=f"booking-cancelled:{booking.pk}:{booking.sequence}", to=visitor_emails(booking),
                  template="visit_booking_cancelled", context=context, attachments=calendar)
    if tell_host and had_calendar:
        email_enqueue(key=f"booking-cancelled-host:{booking.pk}:{booking.sequence}",
                      to=host_emails(booking.occasion.certification), template="visit_booking_cancelled_host",
                      context=context, attachments=calendar)


def booking_reminder(booking: Booking) -> None:
    email_enqueue(key=f"booking-reminder:{booking.pk}:{booking.occasion.date:%Y%m%d}", to=visitor_emails(booking),
                  template="visit_booking_reminder", context=_context(booking),
                  attachments=_ics(booking, ics.REQUEST))


def waiting_list_offer(entry: WaitingListEntry) -> None:
    occasion = entry.occasion
    certification = occasion.certification
    to = list(dict.fromkeys(normalise_email(e) for e in (entry.contact_email, entry.user.email) if e))
    email_enqueue(
        key=f"waiting-offer:{entry.pk}", to=to, template="visit_waiting_offer",
        context={
            "site_name": certification.display_name,
            "school_name": entry.school.name,
            "date": occasion.date,
            "start_time": occasion.start_time,
            "end_time": occasion.end_time,
            "place": occasion.place,
            "participants": entry.participants,
            "contact_name": entry.contact_name,
            "offer_expires_at": timezone.localtime(entry.offer_expires_at),
            "offer_url": absolute_url("visits:waiting_entry", entry.pk),
        },
    )


def feedback_request(booking: Booking, *, token: str, open_until) -> None:
    """“Dela med er – och få tillbaka!”: the visitors are asked for feedback once the host has recorded
    the visit as completed. One email per visit, even if a completion is undone and made again."""
    email_enqueue(
        key=f"booking-feedback:{booking.pk}", to=visitor_emails(booking), template="visit_feedback_request",
        context=_context(booking, feedback_url=absolute_url("visits:feedback", token), open_until=open_until),
    )
