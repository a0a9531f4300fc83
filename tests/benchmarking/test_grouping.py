"""The grouping: the solver's optimum equals a brute force over every partition on small cases."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspira.benchmarking.grouping import (
    FEASIBLE,
    INFEASIBLE,
    OPTIMAL,
    SOLVER_NAME,
    W_REPEAT,
    Person,
    group,
    group_sizes,
    penalty_of,
)


def partitions(items, count, smallest, largest):
    """Every partition of ``items`` into ``count`` groups of ``smallest``..``largest`` (groups unordered)."""
    if not items:
        if count == 0:
            yield []
        return
    if count == 0:
        return
    first, rest = items[0], items[1:]
    for k in range(smallest - 1, largest):
        for companions in combinations(rest, k):
            remaining = [i for i in rest if i not in companions]
            for others in partitions(remaining, count - 1, smallest, largest):
                yield [[first, *companions], *others]


def brute_force(people, size, earlier_pairs):
    count, smallest, largest = group_sizes(len(people), size)
    best = None
    for partition in partitions(people, count, smallest, largest):
        if any(len({p.school for p in members}) < len(members) for members in partition):
            continue
        value = penalty_of(partition, earlier_pairs=earlier_pairs)
        best = value if best is None else min(best, value)
    return best


def assert_one_per_school(people, result):
    by_id = {p.id: p for p in people}
    assert sorted(i for g in result.groups for i in g) == sorted(by_id)
    for members in result.groups:
        schools = [by_id[i].school for i in members]
        assert len(schools) == len(set(schools))


people_lists = st.integers(2, 9).flatmap(lambda n: st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(["F-3", "4-6", "7-9"]), st.integers(0, 2), st.integers(0, 1)),
    min_size=n, max_size=n,
)).map(lambda rows: [Person(id=i + 10, school=s, band=b, district=d, form=f, user=100 + i)
                     for i, (s, b, d, f) in enumerate(rows)])


@settings(max_examples=80, deadline=None)
@given(people_lists, st.integers(2, 4), st.data())
def test_the_solver_finds_the_brute_force_optimum(people, size, data):
    users = [p.user for p in people]
    all_pairs = list(combinations(users, 2))
    earlier = data.draw(st.lists(st.sampled_from(all_pairs), max_size=4)) if all_pairs else []
    result = group(people, size=size, earlier_pairs=earlier, seed=7, time_limit=10)
    best = brute_force(people, size, earlier)
    if best is None:
        assert result.status == INFEASIBLE and result.groups == []
        return
    assert result.status == OPTIMAL
    by_id = {p.id: p for p in people}
    assert result.objective == penalty_of([[by_id[i] for i in g] for g in result.groups], earlier_pairs=earlier)
    assert result.objective == best
    assert_one_per_school(people, result)
    count, smallest, largest = group_sizes(len(people), size)
    assert len(result.groups) == count
    assert all(smallest <= len(g) <= largest for g in result.groups)


def _people(schools, **fields):
    return [Person(id=i + 1, school=s, user=i + 1, **fields) for i, s in enumerate(schools)]


def test_a_school_with_more_people_than_groups_is_reported_infeasible():
    people = _people(["A", "A", "A", "B", "C", "D"])  # two groups of three, three from A
    result = group(people, size=3)
    assert result.status == INFEASIBLE and result.groups == []
    assert "A" in result.message and result.details == {"school": "A", "members": 3, "groups": 2}


def test_an_earlier_pair_is_split_when_it_can_be():
    people = _people(["A", "B", "C", "D"])
    result = group(people, size=2, earlier_pairs=[(1, 2), (3, 4), (1, 3)])
    assert result.status == OPTIMAL and result.objective == 0
    assert sorted(map(sorted, result.groups)) == [[1, 4], [2, 3]]


def test_a_repeated_pair_costs_its_weight_when_it_cannot_be_avoided():
    people = _people(["A", "B"])
    result = group(people, size=3, earlier_pairs=[(1, 2)])
    assert result.groups == [[1, 2]] and result.objective == W_REPEAT


def test_grade_bands_are_spread_over_the_groups():
    people = [Person(id=i, school=i, band="F-3" if i < 2 else "7-9") for i in range(4)]
    result = group(people, size=2)
    assert result.objective == 0
    assert all({i < 2 for i in g} == {True, False} for g in result.groups)


def test_few_people_make_one_group_and_sizes_differ_by_at_most_one():
    assert group_sizes(5, 3) == (1, 5, 5)
    assert group_sizes(7, 3) == (2, 3, 4)
    assert group_sizes(31, 3) == (10, 3, 4)
    assert group_sizes(2, 3) == (1, 2, 2)


def test_the_same_input_gives_the_same_groups_and_the_solver_is_named():
    people = [Person(id=i, school=i % 7, band=["F-3", "4-6"][i % 2], district=i % 3, user=i) for i in range(21)]
    first, second = group(people, size=3, seed=3), group(people, size=3, seed=3)
    assert first.groups == second.groups and first.objective == second.objective
    assert first.status in (OPTIMAL, FEASIBLE)
    assert (first.solver_name, first.seed) == (SOLVER_NAME, 3) and first.solver_version.startswith("9.")
    assert_one_per_school(people, first)


def test_nobody_to_group():
    assert group([], size=3).groups == []


@pytest.mark.parametrize("n", [30])
def test_thirty_people_from_thirty_schools_are_grouped_optimally(n):
    people = [Person(id=i, school=i, band=["F-3", "4-6", "7-9"][i % 3], district=i % 5, form=i % 2, user=i)
              for i in range(n)]
    result = group(people, size=3, time_limit=5)
    assert result.status == OPTIMAL and len(result.groups) == 10
    assert_one_per_school(people, result)


def test_without_a_solution_in_time_the_greedy_groups_are_returned_and_said_so(monkeypatch):
    from ortools.sat.python import cp_model

    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *args, **kwargs: cp_model.UNKNOWN)
    people = [Person(id=i, school=i % 4, band="F-3", user=i) for i in range(9)]
    result = group(people, size=3, earlier_pairs=[(0, 3)])
    assert result.status == FEASIBLE and result.details["method"].startswith("greedy")
    assert_one_per_school(people, result)
    by_id = {p.id: p for p in people}
    assert result.objective == penalty_of([[by_id[i] for i in g] for g in result.groups], earlier_pairs=[(0, 3)])
