"""The selection's objective, checked against a brute force over every subset."""

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from inspira.benchmarking.selection import (
    ADMITTED,
    FULL,
    SCHOOL_LIMIT,
    Candidate,
    group_count,
    objective_key,
    objective_of,
    select,
)


def brute_force(candidates, max_participants, group_size):
    """The best groupable subset by the docstring's objective: (admitted, schools, deferred, -order_sum)."""
    best = None
    for size in range(0, min(max_participants, len(candidates)) + 1):
        cap = group_count(size, group_size)
        for subset in combinations(candidates, size):
            schools = [c.school for c in subset]
            if any(schools.count(s) > cap for s in schools):
                continue
            ids = [c.id for c in subset]
            key = objective_key(objective_of(ids, candidates))
            if best is None or key > best[0]:
                best = (key, set(ids))
    return best


candidate_lists = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 20), st.booleans()), min_size=0, max_size=10,
).map(lambda rows: [Candidate(id=i + 1, school=s, order=o, deferred=d) for i, (s, o, d) in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(candidate_lists, st.integers(1, 10), st.integers(2, 4))
def test_the_greedy_finds_the_brute_force_optimum(candidates, max_participants, group_size):
    result = select(candidates, max_participants=max_participants, group_size=group_size)
    key, ids = brute_force(candidates, max_participants, group_size)
    assert objective_key(result.objective) == key
    # The weights are all different, so the optimum is the one set.
    assert set(result.admitted) == ids
    assert sorted(result.admitted + result.not_admitted) == sorted(c.id for c in candidates)
    assert set(result.reasons) == {c.id for c in candidates}


def _c(id, school, order, deferred=False):
    return Candidate(id=id, school=school, order=order, deferred=deferred)


def test_distinct_schools_come_before_registration_order():
    # School A registered first and most, but B and C get a place before A's second teacher.
    candidates = [_c(1, "A", 1), _c(2, "A", 2), _c(3, "A", 3), _c(4, "B", 4), _c(5, "C", 5)]
    result = select(candidates, max_participants=3, group_size=3)
    assert result.admitted == [1, 4, 5]
    assert result.objective == {"admitted": 3, "schools": 3, "deferred": 0, "order_sum": 1 + 4 + 5}


def test_deferred_come_before_registration_order_among_equals():
    candidates = [_c(1, "A", 1), _c(2, "B", 2), _c(3, "C", 3, deferred=True), _c(4, "C", 4)]
    result = select(candidates, max_participants=2, group_size=2)
    # Two places, three schools: the deferred teacher of C goes before A and B.
    assert result.admitted == [3, 1]
    assert result.objective["deferred"] == 1


def test_a_deferred_teacher_is_their_schools_first():
    candidates = [_c(1, "A", 1), _c(2, "A", 2, deferred=True), _c(3, "B", 3)]
    result = select(candidates, max_participants=2, group_size=2)
    assert result.admitted == [2, 3]


def test_registration_order_breaks_the_last_tie():
    candidates = [_c(3, "C", 30), _c(1, "A", 10), _c(2, "B", 20)]
    result = select(candidates, max_participants=2, group_size=3)
    assert result.admitted == [1, 2] and result.not_admitted == [3]
    assert result.reasons == {1: ADMITTED, 2: ADMITTED, 3: FULL}


def test_no_school_above_the_number_of_groups():
    # 6 places in groups of 3 make two groups: A's third teacher cannot be placed.
    candidates = [_c(i, "A", i) for i in range(1, 6)] + [_c(10 + i, s, 10 + i) for i, s in enumerate("BCDE")]
    result = select(candidates, max_participants=6, group_size=3)
    assert result.admitted == [1, 10, 11, 12, 13, 2] and result.groups == 2
    assert result.reasons[3] == FULL


def test_the_count_is_the_largest_that_can_be_grouped():
    # Six from A to D cannot be grouped (two groups: A's three do not fit) and neither can five (one
    # group: A's two do not fit), so four are admitted, one from each school, as one group.
    candidates = [_c(i, "A", i) for i in range(1, 6)] + [_c(10, "B", 10), _c(11, "C", 11), _c(12, "D", 12)]
    result = select(candidates, max_participants=6, group_size=3)
    assert result.admitted == [1, 10, 11, 12] and result.groups == 1
    assert result.reasons[2] == SCHOOL_LIMIT


def test_too_few_schools_admit_fewer_and_say_why():
    # Two schools cannot fill groups of three: one group of two, one from each school.
    candidates = [_c(i, "A", i) for i in range(1, 4)] + [_c(i, "B", i) for i in range(4, 7)]
    result = select(candidates, max_participants=6, group_size=3)
    assert result.admitted == [1, 4] and result.groups == 1
    assert {result.reasons[i] for i in result.not_admitted} == {SCHOOL_LIMIT}
    assert result.not_admitted == [2, 3, 5, 6]


def test_the_not_admitted_are_listed_deferred_first():
    candidates = [_c(1, "A", 1), _c(2, "A", 2), _c(3, "A", 3, deferred=True)]
    result = select(candidates, max_participants=1, group_size=2)
    assert result.admitted == [3] and result.not_admitted == [1, 2]


def test_nobody_registered():
    result = select([], max_participants=30, group_size=3)
    assert (result.admitted, result.not_admitted, result.objective["admitted"]) == ([], [], 0)
