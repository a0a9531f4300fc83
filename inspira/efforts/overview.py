"""The centre's overview of the tailor-made efforts (issue 15, item 8): every effort by state, area and
unit, the late proposal clocks first.

The order needs each clock, and a clock is derived from its log (``clock.derive``), never stored. So the
clocks of the efforts that may still owe a proposal (a planning meeting booked, a proposal being
prepared) are derived first by ``selectors.clock_states``, in three queries whatever their number: their
pks, their logs and the centre's closed days. The list is then ordered in the database by what that gave
(late, warned, the rest by newest) and paginated there, so a page reads only its own rows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from inspira.core.search import text_matches
from inspira.efforts import clock as proposal_clock
from inspira.efforts.models import Effort
from inspira.efforts.selectors import clock_states

# The efforts whose proposal may still be owed: only their clocks decide the order.
CLOCK_STATES = (Effort.State.PLANNING, Effort.State.PROPOSAL)
LATE, WARNED, OTHER = 0, 1, 2


def urgency(clock: proposal_clock.Clock, today: date) -> int:
    """LATE: the deadline has passed without a proposal; WARNED: within the warning days; else OTHER."""
    if clock.met_on is None and clock.is_late(today):
        return LATE
    if clock.needs_warning(today):
        return WARNED
    return OTHER


@dataclass(frozen=True)
class Filters:
    state: str = ""
    area: object = None
    school: object = None
    text: str = ""

    @property
    def any(self) -> bool:
        return bool(self.state or self.area or self.school or self.text)


def tailor_made() -> QuerySet:
    return Effort.objects.filter(cooperation__isnull=True)


def _narrowed(filters: Filters, *, with_state: bool = True) -> QuerySet:
    efforts = tailor_made()
    if with_state and filters.state:
        efforts = efforts.filter(state=filters.state)
    if filters.area is not None:
        efforts = efforts.filter(area=filters.area)
    if filters.school is not None:
        efforts = efforts.filter(schools=filters.school)
    if filters.text:
        # A subquery, not a join: an effort of two matching units stays one row.
        matching = Effort.objects.filter(text_matches(filters.text, "title", "need", "schools__name"))
        efforts = efforts.filter(pk__in=matching.values("pk"))
    return efforts


@dataclass(frozen=True)
class Overview:
    efforts: QuerySet  # filtered and ordered: late, warned, then newest first
    late: frozenset[int]
    warned: frozenset[int]
    clocks: dict[int, proposal_clock.Clock]


def overview(filters: Filters, *, today: date) -> Overview:
    """The filtered tailor-made efforts, late clocks first, then those warned, then the newest."""
    efforts = _narrowed(filters)
    # The clocks of the efforts that may owe a proposal, in three queries whatever their number: their pks,
    # their logs and the closed days (an effort without a log has no deadline, so it stays OTHER).
    clocks = clock_states(efforts.filter(state__in=CLOCK_STATES).only("pk"))
    late = frozenset(pk for pk, c in clocks.items() if urgency(c, today) == LATE)
    warned = frozenset(pk for pk, c in clocks.items() if urgency(c, today) == WARNED)
    whens = []
    if late:
        whens.append(When(pk__in=late, then=Value(LATE)))
    if warned:
        whens.append(When(pk__in=warned, then=Value(WARNED)))
    ordered = efforts.annotate(
        urgency=Case(*whens, default=Value(OTHER), output_field=IntegerField())
    ).order_by("urgency", "-created_at", "-pk")
    return Overview(efforts=ordered, late=late, warned=warned, clocks=clocks)


def with_details(efforts) -> QuerySet:
    """What a row shows, in the page's own queries: the area, the responsible and the units."""
    return efforts.select_related("area", "leader").prefetch_related("schools")


def state_counts(filters: Filters) -> dict[str, int]:
    """How many efforts are in each state, under the filters other than the state (so each count says
    what choosing that state would show)."""
    rows = (_narrowed(filters, with_state=False).order_by().values("state")
            .annotate(n=Count("pk")))
    found = {row["state"]: row["n"] for row in rows}
    return {value: found.get(value, 0) for value in Effort.State.values}
