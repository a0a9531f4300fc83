"""Each person's participation record: the events they attended and the study visits they made, for
their own record of professional development (the page /mitt-deltagande/ and its certificate).

It lives in the portal, above both events and visits in the dependency order. What counts:

- an event counts when the person's *own* registration (not a group's) is confirmed and marked
  attended by the organiser. A group registration records how many came, not who: it proves nothing
  about the person who registered the group, so it is not listed. A no-show (attended False) or a
  registration whose attendance was never marked is not listed either, nor is a cancelled event.
- a study visit counts when the person booked it and the site recorded it as carried out (status
  completed). The participants' names on a booking are free text, not accounts: a name there cannot
  honestly be tied to one person (two teachers may share a name), so being named is not enough.

The record is the person's history: it stays when a programme is switched off, like invoices do.
Constant queries whatever its length (tests/portal/test_participation.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from inspira.events.models import Registration
from inspira.visits.models import Booking


def _hours(duration: timedelta) -> float:
    # Half hours are as fine as a record of professional development needs.
    return round(duration.total_seconds() / 1800) / 2


def attended_events(user) -> QuerySet[Registration]:
    return (Registration.objects.filter(user=user, is_group=False, status=Registration.Status.CONFIRMED,
                                        attended=True, event__cancelled_at__isnull=True)
            .select_related("event__programme").order_by("-event__starts_at", "-pk"))


def completed_visits(user) -> QuerySet[Booking]:
    return (Booking.objects.filter(booked_by=user, status=Booking.Status.COMPLETED)
            .select_related("occasion__certification__school", "school")
            .order_by("-occasion__date", "-occasion__start_time", "-pk"))


@dataclass(frozen=True)
class EventLine:
    title: str
    programme: str
    starts_at: datetime
    hours: float


@dataclass(frozen=True)
class VisitLine:
    site: str
    school: str
    date: object
    hours: float


def event_lines(registrations) -> list[EventLine]:
    return [EventLine(title=r.event.title, programme=r.event.programme.name,
                      starts_at=timezone.localtime(r.event.starts_at),
                      hours=_hours(r.event.ends_at - r.event.starts_at)) for r in registrations]


def visit_lines(bookings) -> list[VisitLine]:
    return [VisitLine(site=b.occasion.certification.display_name, school=b.school.name, date=b.occasion.date,
                      hours=_hours(b.occasion.ends_at - b.occasion.starts_at)) for b in bookings]
