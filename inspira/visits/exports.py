"""The rows of the administration's CSV file of visits (``inspira.core.spreadsheets`` writes it)."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def bookings_header() -> list[str]:
    return [
        _("Date"), _("Starts"), _("Ends"), _("Half-day"), _("Inspiration site"), _("Host school"),
        _("Visiting school"), _("Participants"), _("Status"), _("Booked by"), _("Booked"), _("Contact person"),
        _("Contact's email address"), _("Contact's phone"), _("Outcome recorded"), _("Outcome recorded by"),
        _("Feedback rating"),
    ]


def bookings_rows(bookings) -> Iterable[list]:
    """One row per booking (``selectors.bookings_search`` loads what the rows need)."""
    for booking in bookings:
        occasion = booking.occasion
        feedback = getattr(booking, "feedback", None)
        yield [
            occasion.date.isoformat(), occasion.start_time.strftime("%H:%M"), occasion.end_time.strftime("%H:%M"),
            occasion.get_slot_display(), occasion.certification.display_name, occasion.certification.school.name,
            booking.school.name, booking.participants, booking.status_label, booking.booked_by.name,
            _local(booking.created_at), booking.contact_name, booking.contact_email, booking.contact_phone,
            _local(booking.outcome_marked_at), booking.outcome_marked_by.name if booking.outcome_marked_by else "",
            feedback.rating if feedback else "",
        ]
