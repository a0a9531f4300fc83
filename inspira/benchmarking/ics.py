"""Calendar files (.ics) of a group's visits: full-day entries (DATE values, so a visit stays on its
day whatever the time zone or the summer-time change), one UID per visit (``Visit.uid``) and its
SEQUENCE (``Visit.sequence``), so a moved visit replaces the earlier entry and a cancelled one takes
it away. The same conventions as the events' files (``inspira.events.ics``)."""

from datetime import UTC, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from inspira.core.calendar_files import stockholm_timezone
from inspira.core.links import absolute_url

PRODID = "-//Inspira//Benchmarking//SV"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
MIMETYPE = "text/calendar; method={method}"


def visit_uid(visit) -> str:
    return str(visit.uid)


def visit_filename(visit) -> str:
    return f"besok-{visit.date.isoformat()}.ics"


def _address(school) -> str:
    parts = [school.name, school.street_address, " ".join(p for p in (school.postal_code, school.city) if p)]
    return ", ".join(p for p in parts if p)


def visit_ics(visit, *, method: str = REQUEST, now=None, language: str = "sv") -> bytes:
    """One visit as an invitation (REQUEST) or its removal (CANCEL). ``visit`` comes with
    ``host__school`` and ``host__user`` loaded."""
    now = now or timezone.now()
    school = visit.host.school
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", method)
        calendar.add_component(stockholm_timezone())
        entry = CalendarEvent()
        entry.add("uid", visit_uid(visit))
        entry.add("sequence", visit.sequence)
        entry.add("dtstamp", now.astimezone(UTC))
        # A whole day: DTSTART and DTEND as dates (DTEND is the next day, exclusive).
        entry.add("dtstart", visit.date)
        entry.add("dtend", visit.date + timedelta(days=1))
        entry.add("summary", gettext("Benchmarking visit at %(school)s") % {"school": school.name})
        entry.add("location", _address(school))
        entry.add("description", gettext("A school visit of your benchmarking group. Host: %(host)s.")
                  % {"host": visit.host.user.name if visit.host.user else school.name})
        entry.add("url", absolute_url("benchmarking:my_dates", visit.group.round_id))
        cancelled = method == CANCEL
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        entry.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        calendar.add_component(entry)
        return calendar.to_ical()


def visit_attachment(visit, *, method: str = REQUEST, now=None) -> tuple[str, bytes, str]:
    return (visit_filename(visit), visit_ics(visit, method=method, now=now), MIMETYPE.format(method=method))
