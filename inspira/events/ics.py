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


REQUEST = "REQUEST"
CANCEL = "CANCEL"


def registration_sequence(registration) -> int:
    """The calendar SEQUENCE of a person's copy of the event: the event's own (it rises when the
    organiser changes or cancels it) plus the registration's (it rises when the person cancels, and a
    new registration continues after the earlier ones), so every later file supersedes the last."""
    return registration.event.sequence + registration.sequence


def registration_ics(registration, *, method: str = REQUEST, organizer_email: str = "", now=None,
                     language: str = "sv") -> bytes:
    """The event as an invitation (REQUEST) or its removal (CANCEL) for one registered person. The
    UID is the event's, as in the public feed, so a subscribed calendar and the invitation are one
    event. The online link is never written: it is shown on the event page shortly before the start."""
    now = now or timezone.now()
    event = registration.event
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", method)
        calendar.add_component(stockholm_timezone())
        entry = CalendarEvent()
        entry.add("uid", event_uid(event))
        entry.add("sequence", registration_sequence(registration))
        entry.add("dtstamp", now.astimezone(UTC))
        entry.add("dtstart", timezone.localtime(event.starts_at))
        entry.add("dtend", timezone.localtime(event.ends_at))
        entry.add("summary", event.title)
        if event.place:
            entry.add("location", event.place)
        entry.add("description", event.description)
        entry.add("url", absolute_url("events:event", event.pk))
        if organizer_email:
            entry.add("organizer", f"mailto:{organizer_email}")
        cancelled = method == CANCEL
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        entry.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        calendar.add_component(entry)
        return calendar.to_ical()
