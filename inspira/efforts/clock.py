"""The proposal clock (seed 001, step 5): the centre presents a proposal within two weeks of the
planning meeting.

The clock is the effort's log of ``ClockEvent`` rows; the deadline is derived from it, never stored:

- **started** on day S (the planning meeting's day): the clock counts the working days after S;
- **paused** on day P with a reason: from P on, no day counts...
- ...until **resumed** on day R: R counts again (when it is a working day);
- **extended** by n working days with a reason: the allowance grows by n;
- **met** on day M: the proposal was presented; the clock stops, on time if M is not after the deadline.

The deadline is the day the allowance (``INSPIRA_PROPOSAL_WORKING_DAYS``, ten by default: "two
weeks", plus the extensions) runs out, counting only working days of the Swedish calendar
(``core.workdays``: weekdays that are not public holidays or the de-facto holidays midsummer eve,
Christmas eve and New Year's eve) on which the centre is open (``ClosedDay``). While the clock is
paused there is no deadline; the page says so.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings

from inspira.core.workdays import is_working_day, working_days_after, working_days_before

# A guard on the walk to the deadline: no allowance with its extensions comes near this many days.
_MAX_DAYS = 10 * 366
# One extension at most (the allowance is "two weeks"; a year's working days is more than any case needs).
MAX_EXTENSION = 100


def allowance() -> int:
    """Working days the centre has for a proposal: the setting, ten ("two weeks") by default."""
    return settings.INSPIRA_PROPOSAL_WORKING_DAYS


def warning_days() -> int:
    """The coordinator is warned this many working days before the deadline."""
    return settings.INSPIRA_PROPOSAL_WARNING_DAYS


def working_day_test(closed_days: Iterable[date] = ()) -> Callable[[date], bool]:
    """Whether a day counts: a Swedish working day on which the centre is open."""
    closed = frozenset(closed_days)
    return lambda day: day not in closed and is_working_day(day)


# Counting over the centre's calendar (``working_day_test``) is core.workdays' counting with a narrower test.
add_working_days = working_days_after
subtract_working_days = working_days_before


@dataclass(frozen=True)
class Clock:
    """What the log says. ``deadline`` is None before the clock starts, and while it is paused unless the
    allowance ran out before the pause (a pause does not make a late clock punctual)."""

    started_on: date | None
    deadline: date | None
    paused_since: date | None
    met_on: date | None
    working_days: int  # the allowance: the setting plus the extensions
    warn_on: date | None  # the day the coordinator is warned
    # Whether a day counts on this clock (a working day outside the pauses); None for the empty clock.
    counts: Callable[[date], bool] | None = field(default=None, compare=False, repr=False)

    @property
    def is_running(self) -> bool:
        return self.started_on is not None and self.met_on is None and self.paused_since is None

    def is_late(self, today: date) -> bool:
        """Past the deadline without a proposal, or the proposal came after it."""
        if self.deadline is None:
            return False
        if self.met_on is not None:
            return self.met_on > self.deadline
        return today > self.deadline

    def needs_warning(self, today: date) -> bool:
        """The deadline is near (on or after the warning day) and no proposal has come yet."""
        return self.is_running and self.warn_on is not None and self.warn_on <= today <= self.deadline

    def working_days_left(self, today: date) -> int | None:
        """The days that still count from tomorrow up to and including the deadline (0 on the deadline
        and after it); None while there is no deadline or once the proposal has come."""
        if self.deadline is None or self.met_on is not None or self.counts is None:
            return None
        day, left = max(today, self.started_on), 0
        while day < self.deadline:
            day += timedelta(days=1)
            if self.counts(day):
                left += 1
        return left


EMPTY = Clock(started_on=None, deadline=None, paused_since=None, met_on=None, working_days=0, warn_on=None)


def derive(entries: Iterable, *, is_working: Callable[[date], bool], working_days: int | None = None) -> Clock:
    """The clock of ``entries``: objects with ``kind``, ``day`` and ``working_days`` (ClockEvent rows, in
    the order they were recorded). Entries before the start, or that do not fit the clock's state (a
    resume while running, a second start), are ignored; the services never record them."""
    allowance_days = allowance() if working_days is None else working_days
    started_on = paused_since = met_on = None
    paused: list[tuple[date, date]] = []  # [from, until) days that do not count
    for entry in entries:
        kind = entry.kind
        if kind == "started" and started_on is None:
            started_on = entry.day
        elif started_on is None or met_on is not None:
            continue
        elif kind == "paused" and paused_since is None:
            paused_since = entry.day
        elif kind == "resumed" and paused_since is not None:
            if entry.day > paused_since:
                paused.append((paused_since, entry.day))
            paused_since = None
        elif kind == "extended":
            allowance_days += entry.working_days
        elif kind == "met":
            met_on = entry.day
    if started_on is None:
        return EMPTY
    if paused_since is not None and met_on is not None:
        # Presented while paused: the pause ended that day (the proposal is on time unless the
        # allowance had run out before the pause).
        if met_on > paused_since:
            paused.append((paused_since, met_on))
        paused_since = None

    def counts(day: date) -> bool:
        return is_working(day) and not any(start <= day < until for start, until in paused)

    deadline = started_on
    remaining = allowance_days
    for _step in range(_MAX_DAYS):
        if remaining <= 0:
            break
        deadline += timedelta(days=1)
        if paused_since is not None and deadline >= paused_since:
            # Paused with days left: no deadline until the clock is resumed.
            return Clock(started_on=started_on, deadline=None, paused_since=paused_since, met_on=None,
                         working_days=allowance_days, warn_on=None, counts=counts)
        if counts(deadline):
            remaining -= 1
    warn_on = subtract_working_days(deadline, warning_days(), counts)
    return Clock(started_on=started_on, deadline=deadline, paused_since=paused_since, met_on=met_on,
                 working_days=allowance_days, warn_on=max(warn_on, started_on), counts=counts)


def clock_of(effort, *, closed_days: Iterable[date] | None = None) -> Clock:
    """The effort's clock, with the centre's closed days (read from the database unless given, e.g. once
    for a whole list)."""
    from inspira.efforts.models import ClosedDay

    if closed_days is None:
        closed_days = ClosedDay.objects.values_list("day", flat=True)
    entries = getattr(effort, "_prefetched_objects_cache", {}).get("clock_events")
    if entries is None:
        entries = effort.clock_events.order_by("at", "pk")
    else:
        entries = sorted(entries, key=lambda e: (e.at, e.pk))
    return derive(entries, is_working=working_day_test(closed_days))


# --- Recording (the actions; the views and other services call these) ------------------------------------

class ClockError(Exception):
    """Why the clock cannot do that now; translated, shown as is."""


def _state(effort) -> Clock:
    return clock_of(effort)


def clock_may_start(*, effort) -> bool:
    return not effort.clock_events.exists()


def clock_may_pause(*, effort) -> bool:
    return _state(effort).is_running


def clock_may_resume(*, effort) -> bool:
    clock = _state(effort)
    return clock.paused_since is not None and clock.met_on is None


def clock_may_extend(*, effort) -> bool:
    clock = _state(effort)
    return clock.started_on is not None and clock.met_on is None


def clock_may_meet(*, effort) -> bool:
    clock = _state(effort)
    return clock.started_on is not None and clock.met_on is None


def _record(*, effort, kind: str, day: date, actor, working_days: int = 0, reason: str = ""):
    from inspira.core.audit import audit_record
    from inspira.efforts.models import ClockEvent

    entry = ClockEvent.objects.create(effort=effort, kind=kind, day=day, working_days=working_days,
                                      reason=reason, actor=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action=f"effort.clock_{kind}", obj=effort, summary=f"{effort.title}: {day.isoformat()}",
                 data={"day": day.isoformat(), "working_days": working_days})
    return entry


def _lock(effort):
    from inspira.efforts.models import Effort

    return Effort.objects.select_for_update().get(pk=effort.pk)


def clock_start(*, effort, day: date, actor):
    """Start the clock on the planning meeting's day (the notes of the meeting are recorded)."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    with transaction.atomic():
        effort = _lock(effort)
        if not clock_may_start(effort=effort):
            raise ClockError(_("The proposal clock has already started."))
        return _record(effort=effort, kind="started", day=day, actor=actor)


def _last_day(effort) -> date | None:
    """The latest day the log has recorded (extensions aside): a new entry cannot take effect before it,
    or the log would say the clock was paused before it was resumed."""
    from django.db.models import Max

    return (effort.clock_events.exclude(kind="extended").aggregate(last=Max("day"))["last"])


def clock_pause(*, effort, day: date, reason: str, actor):
    from django.db import transaction
    from django.utils.translation import gettext as _

    with transaction.atomic():
        effort = _lock(effort)
        if not clock_may_pause(effort=effort):
            raise ClockError(_("The proposal clock is not running, so it cannot be paused."))
        if day < _last_day(effort):
            raise ClockError(_("The clock cannot be paused before the last day in its log."))
        if not reason.strip():
            raise ClockError(_("Say why the clock is paused."))
        return _record(effort=effort, kind="paused", day=day, reason=reason.strip(), actor=actor)


def clock_resume(*, effort, day: date, actor):
    from django.db import transaction
    from django.utils.translation import gettext as _

    with transaction.atomic():
        effort = _lock(effort)
        if not clock_may_resume(effort=effort):
            raise ClockError(_("The proposal clock is not paused."))
        if day < _state(effort).paused_since:
            raise ClockError(_("The clock cannot be resumed before the day it was paused."))
        return _record(effort=effort, kind="resumed", day=day, actor=actor)


def clock_extend(*, effort, working_days: int, reason: str, actor, day: date | None = None):
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    with transaction.atomic():
        effort = _lock(effort)
        if not clock_may_extend(effort=effort):
            raise ClockError(_("Only a running or paused clock can be extended."))
        if working_days < 1:
            raise ClockError(_("Extend by at least one working day."))
        if working_days > MAX_EXTENSION:
            raise ClockError(_("Extend by at most %(n)s working days at a time.") % {"n": MAX_EXTENSION})
        if not reason.strip():
            raise ClockError(_("Say why the time is extended."))
        return _record(effort=effort, kind="extended", day=day or timezone.localdate(),
                       working_days=working_days, reason=reason.strip(), actor=actor)


def clock_meet(*, effort, day: date, actor):
    """The proposal was presented: the clock stops (the proposal service calls this for the first version)."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    with transaction.atomic():
        effort = _lock(effort)
        if not clock_may_meet(effort=effort):
            raise ClockError(_("The proposal clock is not running."))
        if day < _last_day(effort):
            raise ClockError(_("The proposal cannot be recorded before the last day in the clock's log."))
        return _record(effort=effort, kind="met", day=day, actor=actor)
