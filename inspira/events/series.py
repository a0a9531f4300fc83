"""Event series: events repeated by a rule ("every second Tuesday this term").

A series is created in one transaction: the series row, then one ordinary Event per date through
``services.event_create``, so every event rule holds for each of them and each gets its audit row.
Nothing is half-saved: if one date breaks a rule, no event and no series is stored.

The municipality's closed days (``schools.ClosedPeriod`` without a school: breaks, study days) are
left out of a series. Its events are for teachers, who are not at work on a break either, and a
closed day is easy to miss in a long rule; the preview lists every date the rule gives, with the
closed ones marked and the closure's name, so the organiser sees what is left out and can add a
single event on such a day if it is wanted after all.

Times are Stockholm wall-clock times (``rules.local_instant``): 15:00 stays 15:00 on both sides of
the DST change.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.events import services
from inspira.events.models import Event, EventSeries
from inspira.events.rules import EventInputError, event_errors, local_instant
from inspira.schools.selectors import closed_days

# A term has at most about 20 weeks; a year of weekly dates is the most a rule may give, so that a
# slip in the last date cannot create hundreds of events.
MAX_DATES = 53
MAX_INTERVAL_WEEKS = 8

# The details every event of the series shares (the names of Event's fields).
SHARED_FIELDS = ("title", "description", "kind", "place", "online_link", "district", "capacity",
                 "quota_per_school", "is_public")


@dataclass(frozen=True)
class SeriesDate:
    day: datetime.date
    closed: str  # the closure's name ("Höstlov"), or "" when the day is open

    @property
    def is_closed(self) -> bool:
        return bool(self.closed)


def rule_days(*, weekday: int, interval_weeks: int, first_date: datetime.date,
              last_date: datetime.date) -> list[datetime.date]:
    """The dates the rule gives: the first ``weekday`` on or after ``first_date``, then every
    ``interval_weeks`` weeks up to ``last_date`` (inclusive)."""
    day = first_date + datetime.timedelta(days=(weekday - first_date.weekday()) % 7)
    step = datetime.timedelta(weeks=interval_weeks)
    days = []
    while day <= last_date and len(days) <= MAX_DATES:
        days.append(day)
        day += step
    return days


def rule_errors(rule: dict) -> dict[str, list[str]]:
    """What is wrong with a series' rule (empty when nothing is). Field names are the model's."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    first, last = rule.get("first_date"), rule.get("last_date")
    interval = rule.get("interval_weeks")
    weekday = rule.get("weekday")
    start, end = rule.get("start_time"), rule.get("end_time")
    if interval is not None and not 1 <= interval <= MAX_INTERVAL_WEEKS:
        add("interval_weeks", _("Choose from every week to every %(weeks)s weeks.") % {"weeks": MAX_INTERVAL_WEEKS})
    if weekday is not None and weekday not in range(7):
        add("weekday", _("Choose a weekday."))
    if start and end and end <= start:
        add("end_time", _("The event must end after it starts."))
    if first and last and last < first:
        add("last_date", _("The last date must not be before the first."))
    elif first and last and interval and weekday in range(7) and not errors:
        days = rule_days(weekday=weekday, interval_weeks=interval, first_date=first, last_date=last)
        if not days:
            add("last_date", _("The rule gives no date between the first and the last date."))
        elif len(days) > MAX_DATES:
            add("last_date", _("A series can have at most %(count)s dates.") % {"count": MAX_DATES})
        elif start and end:
            for day in days:
                for name, at in (("start_time", start), ("end_time", end)):
                    if local_instant(day, at) is None:
                        add(name, _("The clocks change at this time of night on %(day)s; choose another time.")
                            % {"day": day.isoformat()})
    return errors


def series_preview(*, weekday: int, interval_weeks: int, first_date: datetime.date,
                   last_date: datetime.date) -> list[SeriesDate]:
    """Every date the rule gives, each with the name of the municipality's closure on it (if any)."""
    days = rule_days(weekday=weekday, interval_weeks=interval_weeks, first_date=first_date, last_date=last_date)
    if not days:
        return []
    closed = closed_days(None, days[0], days[-1])
    return [SeriesDate(day, closed.get(day, "")) for day in days]


def _check(rule: dict, shared: dict) -> None:
    errors = rule_errors(rule)
    # The shared details must keep the event rules too; their errors are shown at the same fields.
    details = dict(shared)
    details.setdefault("place", "")
    details.setdefault("online_link", "")
    for name, messages in event_errors(details).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise EventInputError(errors)


@transaction.atomic
def series_create(*, programme, actor, weekday: int, interval_weeks: int, first_date: datetime.date,
                  last_date: datetime.date, start_time: datetime.time, end_time: datetime.time,
                  **shared) -> EventSeries:
    """The series and its events, all or nothing. Closed days are left out (see the module's note)."""
    unknown = set(shared) - set(SHARED_FIELDS)
    if unknown:
        raise TypeError(f"series_create() got unexpected fields {sorted(unknown)}")
    rule = {"weekday": weekday, "interval_weeks": interval_weeks, "first_date": first_date,
            "last_date": last_date, "start_time": start_time, "end_time": end_time}
    _check(rule, shared)
    dates = series_preview(weekday=weekday, interval_weeks=interval_weeks, first_date=first_date,
                           last_date=last_date)
    open_days = [d.day for d in dates if not d.is_closed]
    if not open_days:
        raise EventInputError({"last_date": [_("Every date of the rule is a closed day.")]})
    shared = {"place": "", "online_link": ""} | shared
    series = EventSeries.objects.create(programme=programme, created_by=actor if actor.is_authenticated else None,
                                        **rule, **shared)
    for day in open_days:
        event = services.event_create(programme=programme, actor=actor, starts_at=local_instant(day, start_time),
                                      ends_at=local_instant(day, end_time), **shared)
        # event_create knows nothing of series (a single event is the ordinary case): the link is
        # set here, in the same transaction.
        Event.objects.filter(pk=event.pk).update(series=series, series_date=day)
    audit_record(actor=actor, action="event_series.created", obj=series, summary=f"{series.title} ({programme.name})",
                 data={"programme": programme.key, "dates": [day.isoformat() for day in open_days],
                       "closed_days_left_out": [d.day.isoformat() for d in dates if d.is_closed]})
    return series


def series_event_moved(event: Event, series: EventSeries) -> bool:
    """Whether the event no longer keeps its series' rule: another date or other times."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return (start.date() != event.series_date or start.time() != series.start_time
            or end.time() != series.end_time)


# --- Reads ---------------------------------------------------------------------------------------------------

def series_managed(programme_ids):
    return EventSeries.objects.filter(programme_id__in=programme_ids).select_related("programme").order_by(
        "-first_date", "pk")


def series_events(series: EventSeries):
    """The series' events in date order (a moved one where its new date puts it)."""
    return series.events.order_by("starts_at", "pk")


def with_state(events, series: EventSeries) -> list[dict]:
    """The rows of the series page: each event with whether it was moved (cancelled ones say so
    themselves)."""
    return [{"event": event, "moved": not event.is_cancelled and series_event_moved(event, series)}
            for event in events]
