"""Propose the dates of the groups' visits: a CP-SAT model (OR-Tools) on plain data (``plan``);
``inputs_for_round`` reads what it needs of a round from the database.

The model
---------
Each group makes one full-day visit to each member's school (the member hosts it). A visit's date is
a day of the round's visit window that is

* a working day (``core.workdays``: a weekday that is not a Swedish public or de-facto holiday),
* not an unavailable day of any member of the group (a member takes part in all the group's visits),
* not a closed day of the host's school (its breaks and study days, and the municipality's);

and, across visits,

* two visits of one group are at least ``min_days_between`` calendar days apart (7: the same weekday
  a week later; at least 1, a group makes one visit a day);
* on any day, at most ``max_away_per_school`` teachers of one school are away for visits, counting
  every member of a group on each of its visit days, the host too (their class needs a substitute
  all the same, and the days are what the school claims substitute costs for).

Objective (minimised): the visits of a group are spread over the window. With ``L`` the window's
length in days and ``k`` the group's visits, evenly spaced targets would be ``L // k`` days apart;
for every pair of a group's visits that are closer than that, the days short count:
``sum over groups, over pairs of its visits, of max(0, L // k - |day_a - day_b|)``
(``spread_penalty`` computes it). Zero means every group's visits are at least a ``k``-th of the
window apart.

When no timetable exists the result says which group could not be placed: a visit with no possible
day at all (``no_day``), a group whose days cannot keep the gaps (``gaps``), or, when every group
could be placed on its own, the limit per school and day (``school_limit``).

One worker, a fixed seed and a time limit, as for the groups; a greedy timetable (group by group,
each visit on the possible day nearest to evenly spaced targets) is the hint, and is returned should
the solver find nothing within the time limit. When the greedy timetable's penalty is already zero it
is optimal (no penalty is below zero) and the solver is not asked. OR-Tools is imported inside ``plan``.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from inspira.core.workdays import is_working_day

OPTIMAL = "OPTIMAL"
FEASIBLE = "FEASIBLE"
INFEASIBLE = "INFEASIBLE"
UNKNOWN = "UNKNOWN"

NO_DAY = "no_day"
GAPS = "gaps"
SCHOOL_LIMIT = "school_limit"


@dataclass(frozen=True)
class Member:
    id: int
    school: Hashable
    unavailable: frozenset = frozenset()  # dates


@dataclass
class Timetable:
    visits: list[dict]  # {"group": index, "host": member id, "date": date}, by group then date
    status: str
    objective: int | None
    seed: int = 0
    seconds: float = 0.0
    unplaced: list[dict] = field(default_factory=list)  # {"group": index, "host": id or None, "reason": code}
    message: str = ""


def working_days(starts: date, ends: date) -> list[date]:
    days, day = [], starts
    while day <= ends:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def spread_penalty(visits: Iterable[dict], *, starts: date, ends: date, groups: list[list[Member]]) -> int:
    """The objective of a timetable, as the docstring states it."""
    length = (ends - starts).days + 1
    by_group: dict[int, list[date]] = {}
    for visit in visits:
        by_group.setdefault(visit["group"], []).append(visit["date"])
    total = 0
    for g, dates in by_group.items():
        target = length // max(1, len(groups[g]))
        total += sum(max(0, target - abs((a - b).days)) for a, b in combinations(dates, 2))
    return total


def _penalty_of_choice(chosen: dict, groups, starts, ends) -> int:
    visits = [{"group": g, "host": groups[g][h].id, "date": d} for (g, h), d in chosen.items()]
    return spread_penalty(visits, starts=starts, ends=ends, groups=groups)


def _allowed_days(groups, days, closed_days) -> list[list[list[date]]]:
    """For each group and each member (as host), the days its visit may be on."""
    allowed = []
    for members in groups:
        unavailable = set().union(*(m.unavailable for m in members)) if members else set()
        allowed.append([[d for d in days if d not in unavailable and d not in closed_days.get(host.school, ())]
                        for host in members])
    return allowed


def _greedy(groups, allowed, gap, cap, starts, ends):
    """Group by group, each visit on the possible day nearest to evenly spaced targets, keeping the
    gaps and the per-school cap; None if it gets stuck. The solver's hint, and its fallback."""
    length = (ends - starts).days + 1
    away: dict[tuple, int] = {}
    chosen: dict[tuple[int, int], date] = {}
    for g, members in enumerate(groups):
        k = len(members)
        targets = [starts + timedelta(days=(2 * j + 1) * length // (2 * k)) for j in range(k)]
        taken: list[date] = []
        # The visit with the fewest possible days first; it takes the day that adds the least penalty,
        # then the one nearest a free target.
        for h in sorted(range(k), key=lambda h: len(allowed[g][h])):
            options = [d for d in allowed[g][h]
                       if all(abs((d - t).days) >= gap for t in taken)
                       and all(away.get((m.school, d), 0) < cap for m in members)]
            if not options:
                return None
            spacing = length // k
            d = min(options, key=lambda d: (sum(max(0, spacing - abs((d - t).days)) for t in taken),
                                            min(abs((d - t).days) for t in targets), d))
            targets.remove(min(targets, key=lambda t: abs((d - t).days)))
            taken.append(d)
            chosen[(g, h)] = d
            for m in members:
                away[(m.school, d)] = away.get((m.school, d), 0) + 1
    return chosen


def _solve(groups, allowed, *, starts, ends, gap, cap, seed, time_limit, with_cap=True, hint=None):
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    length = (ends - starts).days + 1
    picks: dict[tuple[int, int], dict[date, object]] = {}
    day_of: dict[tuple[int, int], object] = {}
    terms = []
    for g, members in enumerate(groups):
        for h in range(len(members)):
            picks[(g, h)] = {d: model.new_bool_var("") for d in allowed[g][h]}
            model.add_exactly_one(picks[(g, h)].values())
            offsets = [(d - starts).days for d in allowed[g][h]]
            day = model.new_int_var(min(offsets), max(offsets), "")
            model.add(day == cp_model.LinearExpr.weighted_sum(list(picks[(g, h)].values()), offsets))
            day_of[(g, h)] = day
        if len(members) > 1:
            model.add_no_overlap([model.new_fixed_size_interval_var(day_of[(g, h)], gap, "")
                                  for h in range(len(members))])
            target = length // len(members)
            for a, b in combinations(range(len(members)), 2):
                distance = model.new_int_var(0, length, "")
                model.add_abs_equality(distance, day_of[(g, a)] - day_of[(g, b)])
                short = model.new_int_var(0, target, "")
                model.add(short >= target - distance)
                terms.append(short)
    if with_cap:
        away: dict[tuple, list] = {}
        for g, members in enumerate(groups):
            for h in range(len(members)):
                for d, var in picks[(g, h)].items():
                    for m in members:
                        away.setdefault((m.school, d), []).append(var)
        for variables in away.values():
            if len(variables) > cap:
                model.add(cp_model.LinearExpr.sum(variables) <= cap)
    model.minimize(cp_model.LinearExpr.sum(terms))
    if hint:
        for key, chosen in hint.items():
            for d, var in picks[key].items():
                model.add_hint(var, d == chosen)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # Probing at the root costs more than it saves here (measured: 0.7 s against 0.2 s for ten groups).
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    code = solver.solve(model)
    status = {cp_model.OPTIMAL: OPTIMAL, cp_model.FEASIBLE: FEASIBLE,
              cp_model.INFEASIBLE: INFEASIBLE}.get(code, UNKNOWN)
    if status not in (OPTIMAL, FEASIBLE):
        return status, None, None
    chosen = {key: next(d for d, var in options.items() if solver.boolean_value(var))
              for key, options in picks.items()}
    return status, chosen, round(solver.objective_value)


def plan(groups: list[list[Member]], *, starts: date, ends: date, min_days_between: int,
         max_away_per_school: int, closed_days: dict | None = None, seed: int = 1,
         time_limit: float = 2.0) -> Timetable:
    """Dates for every group's visits (see the module's docstring). ``closed_days`` maps a school to
    the set of its closed dates."""
    started = time.perf_counter()
    closed_days = closed_days or {}
    gap = max(1, min_days_between)
    cap = max_away_per_school
    days = working_days(starts, ends)
    allowed = _allowed_days(groups, days, closed_days)
    # The time limit starts here: the holiday calendar above is built once a process, not each time.
    ready = time.perf_counter()
    result = Timetable(visits=[], status=INFEASIBLE, objective=None, seed=seed)

    unplaced = [{"group": g, "host": groups[g][h].id, "reason": NO_DAY}
                for g in range(len(groups)) for h in range(len(groups[g])) if not allowed[g][h]]
    if unplaced:
        result.unplaced = unplaced
        result.message = "; ".join(f"Group {u['group'] + 1}: no possible day for the visit to member {u['host']}"
                                   for u in unplaced)
        result.seconds = time.perf_counter() - started
        return result

    hint = _greedy(groups, allowed, gap, cap, starts, ends)
    if hint is not None and _penalty_of_choice(hint, groups, starts, ends) == 0:
        # Nothing is below zero: the greedy timetable is optimal, and the solver would only say so.
        status, chosen, objective = OPTIMAL, hint, 0
    else:
        status, chosen, objective = _solve(groups, allowed, starts=starts, ends=ends, gap=gap, cap=cap, seed=seed,
                                           time_limit=time_limit - (time.perf_counter() - ready), hint=hint)
    if chosen is None and status != INFEASIBLE and hint is not None:
        status, chosen = FEASIBLE, hint  # the time ran out; the greedy timetable keeps every rule
        objective = None
    result.status = status
    if chosen is not None:
        result.visits = sorted(({"group": g, "host": groups[g][h].id, "date": d} for (g, h), d in chosen.items()),
                               key=lambda v: (v["group"], v["date"]))
        result.objective = (objective if objective is not None
                            else spread_penalty(result.visits, starts=starts, ends=ends, groups=groups))
    elif status == INFEASIBLE:
        # Which group cannot be placed even on its own? If none, the per-school limit is the cause.
        for g, members in enumerate(groups):
            alone, _, _ = _solve([members], [allowed[g]], starts=starts, ends=ends, gap=gap, cap=cap, seed=seed,
                                 time_limit=1.0, with_cap=False)
            if alone == INFEASIBLE:
                result.unplaced.append({"group": g, "host": None, "reason": GAPS})
        if result.unplaced:
            result.message = "; ".join(
                f"Group {u['group'] + 1}: its visits cannot be {gap} days apart on the days possible"
                for u in result.unplaced)
        else:
            result.unplaced = [{"group": None, "host": None, "reason": SCHOOL_LIMIT}]
            result.message = (f"The visits cannot be placed with at most {cap} teachers of a school away on "
                              "the same day.")
    result.seconds = time.perf_counter() - started
    return result


def _dates(values) -> frozenset:
    days = set()
    for value in values or []:
        try:
            days.add(date.fromisoformat(str(value)))
        except ValueError:
            continue  # the form accepts only dates; an odd stored value must not stop the proposal
    return frozenset(days)


def inputs_for_round(round, groups: list[list]) -> dict:
    """The keyword arguments of ``plan`` (but ``groups``, given as lists of ``Interest``) for a round:
    members' unavailable days and their schools' closed days, from the database."""
    from inspira.schools.selectors import closed_days

    members = [[Member(id=i.pk, school=i.school_id, unavailable=_dates(i.unavailable_days)) for i in group]
               for group in groups]
    schools = {m.school for group in members for m in group}
    closed = {school: set(closed_days(school, round.visit_window_starts, round.visit_window_ends))
              for school in sorted(schools)}
    return {"groups": members, "starts": round.visit_window_starts, "ends": round.visit_window_ends,
            "min_days_between": round.min_days_between_visits, "max_away_per_school": round.max_away_per_school,
            "closed_days": closed}
