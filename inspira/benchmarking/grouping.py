"""Divide the admitted into groups: a CP-SAT model (OR-Tools), a pure function, no database.

The model
---------
``n`` people make ``G = max(1, n // size)`` groups, each of ``floor(n / G)`` or ``ceil(n / G)``
members (sizes differ by at most one; fewer than two groups' worth of people make one group).

Hard: every member of a group comes from a different school. If some school has more than ``G``
people the input cannot be grouped, and the result says so (status ``INFEASIBLE``, with the school).

Soft, as a penalty to minimise (``penalty_of`` computes it for any partition; the solver minimises
exactly this, and the tests check its value against a brute force over all partitions):

* ``W_REPEAT`` (1000) for every pair of people in one group who were in one group in an earlier round
  of the programme (``earlier_pairs``).
* ``W_BAND`` (10) for every member by which a group's count of a grade band falls outside
  ``[floor(n_b / G), ceil(n_b / G)]``, where ``n_b`` is how many of the ``n`` teach that band: each
  group gets as near its share of every band as whole people allow.
* ``W_DISTRICT`` (4) for every member of a group beyond the first from the same district.
* ``W_FORM`` (2) for every member of a group beyond the first whose school has the same school forms
  (a school's set of forms is its kind: compulsory only, compulsory and upper secondary, ...).

So a repeated pair is avoided at almost any price, balance by band goes before district, and
district before school form.

The solver
----------
One worker and a fixed seed, so the same input gives the same groups when the solver finishes within
the time limit; a greedy feasible solution (school by school, round robin over the groups) is given
as a hint, and is returned (status ``FEASIBLE``, ``details["method"]`` says so) should the solver find
nothing within the time limit, which only very large rounds (hundreds admitted) come near. Groups
are numbered by their smallest member's place in the input, which removes the groups' symmetry.
OR-Tools is imported inside ``group`` (it takes seconds), never when a page loads.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

W_REPEAT = 1000
W_BAND = 10
W_DISTRICT = 4
W_FORM = 2

OPTIMAL = "OPTIMAL"
FEASIBLE = "FEASIBLE"
INFEASIBLE = "INFEASIBLE"
UNKNOWN = "UNKNOWN"
SOLVER_NAME = "OR-Tools CP-SAT"
LARGE = 90  # people; above it the solver is tuned to find solutions fast rather than prove optimality


@dataclass(frozen=True)
class Person:
    id: int
    school: Hashable
    band: Hashable = ""
    district: Hashable = None
    form: Hashable = None  # the school's kind (e.g. a sorted tuple of its school forms)
    user: Hashable = None  # who it is across rounds (earlier pairs are by person)


@dataclass
class Grouping:
    groups: list[list[int]]  # ids, each group in input order, groups by their first member
    status: str
    objective: int | None
    solver_name: str = SOLVER_NAME
    solver_version: str = ""
    seed: int = 0
    seconds: float = 0.0
    message: str = ""
    details: dict = field(default_factory=dict)


def group_sizes(n: int, size: int) -> tuple[int, int, int]:
    """(number of groups, smallest size, largest size)."""
    count = max(1, n // size)
    return count, n // count, -(-n // count)


def _pair(a, b) -> frozenset:
    return frozenset((a, b))


def penalty_of(groups: Iterable[Iterable[Person]], *, earlier_pairs: Iterable[tuple] = ()) -> int:
    """The penalty of a partition, as the docstring states it (``earlier_pairs``: pairs of ``user``)."""
    groups = [list(g) for g in groups]
    everyone = [p for g in groups for p in g]
    count = len(groups)
    earlier = {_pair(a, b) for a, b in earlier_pairs}
    bands: dict[Hashable, int] = {}
    for p in everyone:
        bands[p.band] = bands.get(p.band, 0) + 1
    total = 0
    for members in groups:
        for a, b in combinations(members, 2):
            if a.user is not None and b.user is not None and _pair(a.user, b.user) in earlier:
                total += W_REPEAT
        for band, n_b in bands.items():
            c = sum(1 for p in members if p.band == band)
            total += W_BAND * (max(0, c - -(-n_b // count)) + max(0, n_b // count - c))
        for weight, attribute in ((W_DISTRICT, "district"), (W_FORM, "form")):
            values: dict[Hashable, int] = {}
            for p in members:
                value = getattr(p, attribute)
                if value is not None:
                    values[value] = values.get(value, 0) + 1
            total += weight * sum(c - 1 for c in values.values())
    return total


def greedy_groups(people: list[Person], size: int) -> list[list[int]] | None:
    """A feasible grouping (indices into ``people``), or None if a school has more than G people:
    deal school by school, round robin over the groups; groups numbered by their first member."""
    count, _, _ = group_sizes(len(people), size)
    by_school: dict[Hashable, list[int]] = {}
    for i, p in enumerate(people):
        by_school.setdefault(p.school, []).append(i)
    if any(len(members) > count for members in by_school.values()):
        return None
    order = [i for members in sorted(by_school.values(), key=len, reverse=True) for i in members]
    groups: list[list[int]] = [[] for _ in range(count)]
    for k, i in enumerate(order):
        groups[k % count].append(i)
    return sorted((sorted(g) for g in groups), key=lambda g: g[0] if g else len(people))


def group(people: Iterable[Person], *, size: int, earlier_pairs: Iterable[tuple] = (), seed: int = 1,
          time_limit: float = 3.0) -> Grouping:
    """Divide ``people`` into groups (see the module's docstring). ``earlier_pairs`` holds pairs of
    ``Person.user`` who shared a group in an earlier round."""
    started = time.perf_counter()
    import ortools
    from ortools.sat.python import cp_model

    # The time limit is for building and solving: the import (seconds, once a process) is not the
    # solver's to spend, or a worker's first run would leave it nothing.
    ready = time.perf_counter()

    people = list(people)
    n = len(people)
    result = Grouping(groups=[], status=INFEASIBLE, objective=None, solver_version=ortools.__version__, seed=seed)
    if n == 0:
        result.status, result.objective = OPTIMAL, 0
        return result
    count, smallest, largest = group_sizes(n, size)
    hint = greedy_groups(people, size)
    if hint is None:
        per_school: dict[Hashable, int] = {}
        for p in people:
            per_school[p.school] = per_school.get(p.school, 0) + 1
        school, most = max(per_school.items(), key=lambda item: item[1])
        result.message = (f"School {school} has {most} participants but there are only {count} groups: "
                          "a group takes one member of a school.")
        result.details = {"school": school, "members": most, "groups": count}
        result.seconds = time.perf_counter() - started
        return result

    model = cp_model.CpModel()
    # x[i][g]: person i is in group g; only g <= i (groups numbered by their smallest member).
    x = [{g: model.new_bool_var("") for g in range(min(i, count - 1) + 1)} for i in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i].values())
    members_of = [[(i, x[i][g]) for i in range(n) if g in x[i]] for g in range(count)]
    for g in range(count):
        model.add_linear_constraint(cp_model.LinearExpr.sum([v for _, v in members_of[g]]), smallest, largest)

    def values_of(attribute):
        values: dict[Hashable, list[int]] = {}
        for i, p in enumerate(people):
            value = getattr(p, attribute)
            if value is not None:
                values.setdefault(value, []).append(i)
        return values

    for members in values_of("school").values():
        for g in range(count):
            in_group = [x[i][g] for i in members if g in x[i]]
            if len(in_group) > 1:
                model.add_at_most_one(in_group)

    terms = []
    for members in values_of("band").values():
        low, high = len(members) // count, -(-len(members) // count)
        for g in range(count):
            c = cp_model.LinearExpr.sum([x[i][g] for i in members if g in x[i]])
            over = model.new_int_var(0, n, "")
            under = model.new_int_var(0, n, "")
            model.add(over >= c - high)
            model.add(under >= low - c)
            terms += [W_BAND * over, W_BAND * under]
    for weight, attribute in ((W_DISTRICT, "district"), (W_FORM, "form")):
        for members in values_of(attribute).values():
            if len(members) < 2:
                continue
            for g in range(count):
                in_group = [x[i][g] for i in members if g in x[i]]
                if len(in_group) < 2:
                    continue
                extra = model.new_int_var(0, len(in_group), "")
                model.add(extra >= cp_model.LinearExpr.sum(in_group) - 1)
                terms.append(weight * extra)
    earlier = {_pair(a, b) for a, b in earlier_pairs}
    index_of_user: dict[Hashable, list[int]] = {}
    for i, p in enumerate(people):
        if p.user is not None:
            index_of_user.setdefault(p.user, []).append(i)
    repeated = 0
    for pair in earlier:
        if len(pair) != 2:
            continue
        a, b = tuple(pair)
        for i in index_of_user.get(a, []):
            for j in index_of_user.get(b, []):
                together = model.new_bool_var("")
                for g in range(count):
                    if g in x[i] and g in x[j]:
                        model.add_bool_or([x[i][g].negated(), x[j][g].negated(), together])
                terms.append(W_REPEAT * together)
                repeated += 1
    model.minimize(cp_model.LinearExpr.sum(terms))

    for g, members in enumerate(hint):
        for i in members:
            for h, var in x[i].items():
                model.add_hint(var, h == g)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # Probing at the root costs more than it saves here (measured: 0.08 s against 0.03 s for 25 people).
    solver.parameters.cp_model_probing_level = 0
    if n > LARGE:
        # Hundreds of people: presolve and the LP relaxation cost seconds before the first solution;
        # without them the hint is found at once and improved from there.
        solver.parameters.linearization_level = 0
        solver.parameters.cp_model_presolve = False
    solver.parameters.max_time_in_seconds = max(0.05, time_limit - (time.perf_counter() - ready))
    code = solver.solve(model)
    result.status = {cp_model.OPTIMAL: OPTIMAL, cp_model.FEASIBLE: FEASIBLE,
                     cp_model.INFEASIBLE: INFEASIBLE}.get(code, UNKNOWN)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        groups = [[people[i].id for i in range(n) if g in x[i] and solver.boolean_value(x[i][g])]
                  for g in range(count)]
        result.groups = groups
        result.objective = round(solver.objective_value)
        result.details = {"bound": round(solver.best_objective_bound), "groups": count,
                          "earlier_pairs_present": repeated}
    elif code == cp_model.INFEASIBLE:
        result.message = "No grouping satisfies the rule of one member per school."
    else:
        # No solution within the time (only very large rounds): the greedy one is feasible; say so.
        result.groups = [[people[i].id for i in members] for members in hint]
        result.status = FEASIBLE
        result.objective = penalty_of([[people[i] for i in members] for members in hint], earlier_pairs=earlier)
        result.details = {"groups": count, "earlier_pairs_present": repeated,
                          "method": "greedy: the solver found no solution within the time limit"}
    result.seconds = time.perf_counter() - started
    return result
