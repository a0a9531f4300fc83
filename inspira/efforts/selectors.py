"""Reads of development efforts that pages and jobs share."""

from datetime import date

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from inspira.efforts.clock import Clock, clock_of
from inspira.efforts.models import ClockEvent, ClosedDay, Effort


def closed_days() -> frozenset[date]:
    """The centre's closed days, read once for a whole list."""
    return frozenset(ClosedDay.objects.values_list("day", flat=True))


def clock_states(efforts, *, closed: frozenset[date] | None = None) -> dict[int, Clock]:
    """The proposal clock of each effort, by the effort's pk, in two queries however many there are: the
    efforts' logs (unless already prefetched) and the closed days (unless given)."""
    efforts = list(efforts)
    missing = [e for e in efforts if "clock_events" not in getattr(e, "_prefetched_objects_cache", {})]
    if missing:
        prefetch_related_objects(missing, Prefetch("clock_events", queryset=ClockEvent.objects.order_by("at", "pk")))
    if closed is None:
        closed = closed_days() if efforts else frozenset()
    return {effort.pk: clock_of(effort, closed_days=closed) for effort in efforts}


def open_clock_efforts():
    """Tailor-made efforts whose clock has started and no proposal has come yet (not ended or withdrawn)."""
    return (Effort.objects.filter(cooperation__isnull=True, clock_events__kind=ClockEvent.Kind.STARTED)
            .exclude(state__in=[Effort.State.ENDED, Effort.State.WITHDRAWN])
            .exclude(clock_events__kind=ClockEvent.Kind.MET)
            .distinct())


def _overdue(clock: Clock, today: date) -> bool:
    """No proposal yet and the deadline has passed (also when the clock was paused after it)."""
    return clock.met_on is None and clock.is_late(today)


def late_first(efforts, *, today: date | None = None) -> list[tuple[Effort, Clock]]:
    """Each effort with its clock, the late ones first (longest overdue first), the rest in the order given:
    for the overview, which lists late cases first."""
    today = today or timezone.localdate()
    efforts = list(efforts)
    clocks = clock_states(efforts)
    pairs = [(effort, clocks[effort.pk]) for effort in efforts]
    late = sorted((pair for pair in pairs if _overdue(pair[1], today)), key=lambda pair: (pair[1].deadline, pair[0].pk))
    return late + [pair for pair in pairs if not _overdue(pair[1], today)]


def late_efforts(efforts=None, *, today: date | None = None) -> list[tuple[Effort, Clock]]:
    """The efforts whose proposal is late today, longest overdue first. ``efforts`` defaults to every
    tailor-made effort with an open clock."""
    today = today or timezone.localdate()
    if efforts is None:
        efforts = open_clock_efforts().select_related("area", "leader").prefetch_related("schools")
    return [pair for pair in late_first(efforts, today=today) if _overdue(pair[1], today)]


# An effort still going somewhere: asked for, being planned or prepared, or running.
OPEN_STATES = (Effort.State.REQUESTED, Effort.State.PLANNING, Effort.State.PROPOSAL, Effort.State.RUNNING)


def open_efforts_of_schools(school_ids):
    """Which open efforts each of ``school_ids`` takes part in: rows of the efforts' school list, each
    with its effort and programme, for the list of closed schools."""
    return (Effort.schools.through.objects.filter(school_id__in=school_ids, effort__state__in=OPEN_STATES)
            .select_related("effort__programme").order_by("effort__title", "effort_id"))
