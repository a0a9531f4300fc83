"""CSV files of visits for the administration, made to open straight in Swedish Excel.

Swedish Excel reads a CSV file as Windows-1252 with “;” between fields unless told otherwise: the
byte order mark makes it read UTF-8 (å, ä, ö, the dash in times), and the semicolon is the list
separator of its Swedish locale (the comma is the decimal sign). Dates are ISO (2026-03-14), which
Excel recognises as dates. A field that starts like a formula (=, +, -, @) is prefixed with an
apostrophe so a school's name or a visitor's message can never run as a formula on someone's machine.
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.spreadsheets import spreadsheet_text

BOM = "\ufeff"
DELIMITER = ";"
_cell = spreadsheet_text


def csv_text(rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    response = HttpResponse(csv_text(rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def bookings_table(bookings) -> Iterable[list]:
    """The header and one row per booking (``selectors.bookings_search`` loads what the rows need)."""
    yield [
        _("Date"), _("Starts"), _("Ends"), _("Half-day"), _("Inspiration site"), _("Host school"),
        _("Visiting school"), _("Participants"), _("Status"), _("Booked by"), _("Booked"), _("Contact person"),
        _("Contact's email address"), _("Contact's phone"), _("Outcome recorded"), _("Outcome recorded by"),
        _("Feedback rating"),
    ]
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
