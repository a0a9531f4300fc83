"""The public calendar as a calendar file (RFC 5545, METHOD:PUBLISH) that calendar programs can
subscribe to, one per programme. The same conventions as the visits' calendar files: a stable UID
per event, its SEQUENCE, and Stockholm wall-clock times with a VTIMEZONE stating the EU summer-time
rule. The online link is never written: the programme feeds are public, and a person's own feed
(``personal_feed``) is reached by an address that may end up shared."""

from datetime import UTC

from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from inspira.core.calendar_files import stockholm_timezone, uid_domain
from inspira.core.links import absolute_url
from inspira.programmes.catalog import INFO

PRODID = "-//Inspira//Kalender//SV"


def event_uid(event) -> str:
    return f"event-{event.uid}@{uid_domain()}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add_component(stockholm_timezone())
    return calendar


def _entry(event, *, now) -> CalendarEvent:
    """One event as a calendar entry. Never its online link: no feed is the place for it. A cancelled
    event stays in a feed as CANCELLED (with a higher SEQUENCE), so calendar programs take it away."""
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
    if event.is_public and not event.is_cancelled:  # the public calendar lists neither others nor cancelled ones
        entry.add("url", absolute_url("events:calendar") + f"#event-{event.pk}")
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    entry.add("transp", "OPAQUE")
    return entry


def programme_feed(programme_key: str, events, *, now=None, language: str = "sv") -> bytes:
    """The public events of one programme (``events`` from ``selectors.public_events``)."""
    now = now or timezone.now()
    with translation.override(language):
        calendar = _calendar(str(INFO[programme_key].name))
        for event in events:
            calendar.add_component(_entry(event, now=now))
        return calendar.to_ical()


def personal_feed(events, *, now=None, language: str = "sv") -> bytes:
    """A person's own events (``feeds.feed_events``): those they hold a place on."""
    now = now or timezone.now()
    with translation.override(language):
        calendar = _calendar(gettext("My events – Inspira"))
        for event in events:
            calendar.add_component(_entry(event, now=now))
        return calendar.to_ical()
