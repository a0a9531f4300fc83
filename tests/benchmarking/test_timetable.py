"""The timetable's rules: working days, members' unavailable days, closed days, gaps, the per-school cap."""

from datetime import date, timedelta

import pytest

from inspira.benchmarking.timetable import (
    GAPS,
    INFEASIBLE,
    NO_DAY,
    OPTIMAL,
    SCHOOL_LIMIT,
    Member,
    inputs_for_round,
    plan,
    spread_penalty,
)
from inspira.core.workdays import is_working_day

MONDAY = date(2027, 9, 6)  # a week without holidays
FRIDAY = MONDAY + timedelta(days=4)


def _plan(groups, starts=MONDAY, ends=FRIDAY, gap=1, cap=1, closed=None):
    return plan(groups, starts=starts, ends=ends, min_days_between=gap, max_away_per_school=cap,
                closed_days=closed or {}, time_limit=10)


def _dates(result, group=0):
    return {v["host"]: v["date"] for v in result.visits if v["group"] == group}


def test_every_member_hosts_one_visit_on_a_working_day():
    groups = [[Member(1, "A"), Member(2, "B"), Member(3, "C")]]
    result = _plan(groups, starts=MONDAY, ends=MONDAY + timedelta(days=27), gap=7)
    assert result.status == OPTIMAL and sorted(_dates(result)) == [1, 2, 3]
    assert all(is_working_day(d) for d in _dates(result).values())


def test_no_visit_on_any_members_unavailable_day():
    away = frozenset(MONDAY + timedelta(days=i) for i in range(3))
    groups = [[Member(1, "A"), Member(2, "B", unavailable=away)]]
    result = _plan(groups)
    assert set(_dates(result).values()) == {MONDAY + timedelta(days=3), FRIDAY}


def test_no_visit_on_a_holiday():
    # Ascension Day 2027 is a Thursday: four visits in that week take the four other days.
    monday = date(2027, 5, 3)
    holiday = date(2027, 5, 6)
    assert not is_working_day(holiday)
    groups = [[Member(i, f"S{i}") for i in range(4)]]
    result = _plan(groups, starts=monday, ends=monday + timedelta(days=4))
    assert result.status == OPTIMAL
    assert sorted(_dates(result).values()) == [monday, monday + timedelta(days=1), monday + timedelta(days=2),
                                               monday + timedelta(days=4)]


def test_no_visit_on_a_weekend_or_a_holiday_across_a_window():
    # Epiphany (Wednesday 6 January 2027) and the weekends are never chosen.
    groups = [[Member(i * 3 + k, f"S{i * 3 + k}") for k in range(3)] for i in range(3)]
    result = _plan(groups, starts=date(2027, 1, 4), ends=date(2027, 1, 15))
    assert result.status in (OPTIMAL, "FEASIBLE") and len(result.visits) == 9
    assert all(is_working_day(v["date"]) for v in result.visits)
    assert date(2027, 1, 6) not in {v["date"] for v in result.visits}


def test_no_visit_on_the_host_schools_closed_days():
    closed = {"A": {MONDAY + timedelta(days=i) for i in range(4)}}
    groups = [[Member(1, "A"), Member(2, "B")]]
    result = _plan(groups, closed=closed)
    assert _dates(result)[1] == FRIDAY
    # Only the host's calendar counts: B's visit may be on a day A is closed.
    assert _dates(result)[2] != FRIDAY


def test_a_groups_visits_keep_the_gap():
    groups = [[Member(1, "A"), Member(2, "B"), Member(3, "C")]]
    result = _plan(groups, starts=MONDAY, ends=MONDAY + timedelta(days=20), gap=7)
    days = sorted(_dates(result).values())
    assert days[1] - days[0] >= timedelta(days=7) and days[2] - days[1] >= timedelta(days=7)


def test_a_group_whose_gaps_do_not_fit_is_named():
    groups = [[Member(1, "A"), Member(2, "B")], [Member(3, "C"), Member(4, "D"), Member(5, "E")]]
    result = _plan(groups, starts=MONDAY, ends=MONDAY + timedelta(days=11), gap=7)
    assert result.status == INFEASIBLE and result.visits == []
    assert result.unplaced == [{"group": 1, "host": None, "reason": GAPS}]
    assert "Group 2" in result.message


def test_a_visit_without_any_possible_day_is_named():
    everything = frozenset(MONDAY + timedelta(days=i) for i in range(5))
    groups = [[Member(1, "A"), Member(2, "B")], [Member(3, "C"), Member(4, "D", unavailable=everything)]]
    result = _plan(groups)
    assert result.status == INFEASIBLE
    assert result.unplaced == [{"group": 1, "host": 3, "reason": NO_DAY}, {"group": 1, "host": 4, "reason": NO_DAY}]


def test_at_most_so_many_teachers_of_one_school_away_on_a_day():
    # Two groups share school S; over four days S's two teachers are never away on the same day.
    groups = [[Member(1, "S"), Member(2, "A")], [Member(3, "S"), Member(4, "B")]]
    result = _plan(groups, ends=MONDAY + timedelta(days=3))
    assert result.status == OPTIMAL
    assert not set(_dates(result, 0).values()) & set(_dates(result, 1).values())


def test_the_per_school_cap_is_reported_when_it_cannot_be_kept():
    # Two days, two groups of two that both have a teacher of S: four days away for S, room for two.
    groups = [[Member(1, "S"), Member(2, "A")], [Member(3, "S"), Member(4, "B")]]
    result = _plan(groups, ends=MONDAY + timedelta(days=1))
    assert result.status == INFEASIBLE
    assert result.unplaced == [{"group": None, "host": None, "reason": SCHOOL_LIMIT}]
    # With two allowed away a day it fits.
    assert _plan(groups, ends=MONDAY + timedelta(days=1), cap=2).status == OPTIMAL


def test_the_visits_are_spread_over_the_window():
    groups = [[Member(1, "A"), Member(2, "B"), Member(3, "C")]]
    starts, ends = MONDAY, MONDAY + timedelta(days=62)
    result = _plan(groups, starts=starts, ends=ends, gap=7)
    assert result.objective == 0 == spread_penalty(result.visits, starts=starts, ends=ends, groups=groups)
    days = sorted(_dates(result).values())
    assert days[1] - days[0] >= timedelta(days=21) and days[2] - days[1] >= timedelta(days=21)


@pytest.mark.django_db
def test_the_round_gives_the_members_unavailable_days_and_the_schools_closed_days():
    from tests.benchmarking.factories import InterestFactory, RoundFactory
    from tests.factories import ClosedPeriodFactory

    round = RoundFactory(visit_window_starts=MONDAY, visit_window_ends=FRIDAY, min_days_between_visits=1)
    first = InterestFactory(round=round, unavailable_days=[MONDAY.isoformat(), "not a date"])
    second = InterestFactory(round=round)
    ClosedPeriodFactory(school=second.school, starts_on=MONDAY + timedelta(days=1), ends_on=FRIDAY)
    inputs = inputs_for_round(round, [[first, second]])
    assert inputs["groups"][0][0].unavailable == {MONDAY}
    assert inputs["closed_days"][second.school_id] == {MONDAY + timedelta(days=i) for i in range(1, 5)}
    assert inputs["closed_days"][first.school_id] == set()
    result = plan(**inputs)
    # The second's school is open on Monday only, and the first cannot be away on Monday.
    assert result.status == INFEASIBLE and result.unplaced[0]["host"] == second.pk


def test_without_a_solution_in_time_the_greedy_timetable_keeps_every_rule(monkeypatch):
    from ortools.sat.python import cp_model

    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *args, **kwargs: cp_model.UNKNOWN)
    # Two groups sharing school S in a short window: the greedy cannot reach zero, so the solver is asked.
    groups = [[Member(1, "S"), Member(2, "A"), Member(3, "B")], [Member(4, "S"), Member(5, "C")]]
    result = _plan(groups, ends=MONDAY + timedelta(days=11), gap=2)
    assert result.status == "FEASIBLE" and len(result.visits) == 5
    assert result.objective == spread_penalty(result.visits, starts=MONDAY, ends=MONDAY + timedelta(days=11),
                                              groups=groups)
    assert not set(_dates(result, 0).values()) & set(_dates(result, 1).values())
    assert all(is_working_day(v["date"]) for v in result.visits)
