"""The public calendar as a calendar file (RFC 5545, METHOD:PUBLISH) that calendar programs can
subscribe to, one per programme. The same conventions as the visits' calendar files: a stable UID
per event, its SEQUENCE, and Stockholm wall-clock times with a VTIMEZONE stating the EU summer-time
rule. The online link is never written: the feed is public."""

from datetime import UTC

from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from inspira.core.calendar_files import stockholm_timezone, uid_domain
from inspira.core.links import absolute_url
from inspira.programmes.catalog import INFO

PRODID = "-//Inspira//Kalender//SV"


def event_uid(event) -> str:
    return f"event-{event.uid}@{uid_domain()}"


def programme_feed(programme_key: str, events, *, now=None, language: str = "sv") -> bytes:
    """The public events of one programme (``events`` from ``selectors.public_events``)."""
    now = now or timezone.now()
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", str(INFO[programme_key].name))
        calendar.add_component(stockholm_timezone())
        for event in events:
            entry = CalendarEvent()
            entry.add("uid", event_uid(event))
            entry.add("sequence", event.sequence)
            entry.add("dtstamp", now.astimezone(UTC))
            entry.add("dtstart", timezone.localtime(event.starts_at))
            entry.add("dtend", timezone.localtime(event.ends_at))
            entry.add("summary", event.title)
            entry.add("categories", [str(event.get_kind_display())])
            if event.place:
                entry.add("location", event.place)
            entry.add("description", event.description)
            entry.add("url", absolute_url("events:calendar") + f"#event-{event.pk}")
            entry.add("status", "CONFIRMED")
            entry.add("transp", "OPAQUE")
            calendar.add_component(entry)
        return calendar.to_ical()
