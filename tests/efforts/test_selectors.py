"""The clocks of many efforts at once, late cases first, in a constant number of queries."""

from datetime import date, timedelta

import pytest

from inspira.efforts.models import Effort
from inspira.efforts.selectors import clock_states, late_efforts, late_first
from tests.efforts.factories import EffortFactory, clock_entry, closed_day, efforts_on

TODAY = date(2027, 3, 17)


@pytest.fixture(autouse=True)
def _on(db):
    efforts_on()


def started_on(day: date, **fields) -> Effort:
    effort = EffortFactory(**fields)
    clock_entry(effort, "started", day)
    return effort


def test_clock_states_counts_closed_days_and_pauses():
    plain = started_on(date(2027, 3, 1))
    paused = started_on(date(2027, 3, 1))
    clock_entry(paused, "paused", date(2027, 3, 4), reason="Sjuk")
    not_started = EffortFactory()
    closed_day(date(2027, 3, 2))
    clocks = clock_states(Effort.objects.all())
    assert clocks[plain.pk].deadline == date(2027, 3, 16)
    assert clocks[paused.pk].deadline is None
    assert clocks[not_started.pk].started_on is None


def test_late_efforts_lists_the_open_late_ones_longest_overdue_first():
    on_time = started_on(date(2027, 3, 10))
    late = started_on(date(2027, 3, 2))  # deadline 16 March
    later = started_on(date(2027, 2, 15))  # deadline 1 March
    met_late = started_on(date(2027, 2, 15))
    clock_entry(met_late, "met", date(2027, 3, 3))
    paused_after = started_on(date(2027, 2, 22))  # deadline 8 March, paused after it
    clock_entry(paused_after, "paused", date(2027, 3, 10), reason="Väntar")
    withdrawn = started_on(date(2027, 2, 1), state=Effort.State.WITHDRAWN, withdrawn_reason="Rektor slutade")
    assert [e.pk for e, _c in late_efforts(today=TODAY)] == [later.pk, paused_after.pk, late.pk]
    assert on_time.pk not in {e.pk for e, _c in late_efforts(today=TODAY)}
    assert withdrawn.pk not in {e.pk for e, _c in late_efforts(today=TODAY)}
    ordered = late_first([on_time, late, met_late, later], today=TODAY)
    assert [e.pk for e, _c in ordered] == [later.pk, late.pk, on_time.pk, met_late.pk]


def test_the_number_of_queries_does_not_grow_with_the_efforts(django_assert_num_queries):
    def build(n):
        for i in range(n):
            effort = started_on(date(2027, 2, 1) + timedelta(days=i))
            clock_entry(effort, "extended", date(2027, 2, 2), working_days=2, reason="Mer tid")
            clock_entry(effort, "paused", date(2027, 3, 1) + timedelta(days=i), reason="Sjuk")
            clock_entry(effort, "resumed", date(2027, 3, 3) + timedelta(days=i))
        closed_day(date(2027, 2, 10) + timedelta(days=n))

    build(2)
    # The efforts, their schools and areas and leaders, their logs, the closed days.
    with django_assert_num_queries(4):
        small = late_efforts(today=TODAY)
    build(10)
    with django_assert_num_queries(4):
        large = late_efforts(today=TODAY)
    assert len(large) > len(small) > 0
    efforts = list(Effort.objects.all())
    with django_assert_num_queries(2):  # the logs and the closed days
        clock_states(efforts)
