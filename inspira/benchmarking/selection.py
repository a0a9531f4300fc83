"""Who is admitted to a round: a pure function, no database (``select``).

The objective
-------------
Among the registrations, admit a set ``A`` that can be divided into groups whose members all come
from different schools, and that is the best in this lexicographic order:

0. as many admitted as possible, at most ``max_participants``;
1. as many different schools as possible (``schools``);
2. then as many deferred from an earlier round as possible (``deferred``);
3. then the earliest registrations: the smallest sum of the admitted's places in the registration
   order, counted from 1 (``order_sum``).

When can ``A`` be grouped? ``n = |A|`` people make ``g(n) = max(1, n // group_size)`` groups (so a
size that does not divide leaves groups one larger, and fewer than two groups' worth of people make
one group). A group holds at most one member of a school, so no school may have more than ``g(n)``
admitted: a school above ``g(n)`` could not be placed. Conversely, if every school has at most
``g(n)``, dealing the admitted out school by school, round robin over the ``g(n)`` groups, gives
groups of sizes that differ by at most one with every member from a different school. So ``A`` can
be grouped exactly when every school has at most ``g(|A|)`` members in it.

``n`` is chosen first: the largest ``n <= min(max_participants, candidates)`` for which
``sum over schools of min(g(n), registrations of the school) >= n``. (The test is not monotone in
``n``, since ``g`` falls in steps, so every ``n`` is tried from the top.) Admitting the most people
never costs a school: with a cap of at least one per school, ``min(n, schools)`` schools fit, which
is the most any smaller set could have.

The greedy
----------
Put each school's best registration (deferred first, then the earliest) in line first, in the order
deferred first, then registration order; then everyone else in the same order. Walk the line and
admit whoever's school is still below ``g(n)``, until ``n`` are admitted.

Why it is optimal (sketch)
--------------------------
* For a fixed ``n`` the sets with at most ``g(n)`` per school form a **partition matroid**; keeping
  only sets of at most ``n`` elements (its **truncation**) is again a matroid, and its bases are
  exactly the groupable sets of size ``n``.
* Objective 1 is not a sum over elements, but it becomes one on the bases that matter. Take any basis
  ``B`` and a school ``s`` in it whose best registration ``b_s`` is missing: swapping one of ``s``'s
  members for ``b_s`` keeps the per-school counts (so it is still a basis), keeps ``schools``, and
  does not make (``deferred``, ``-order_sum``) worse, because ``b_s`` is at least as good in
  (deferred, earlier) as every other member of ``s``. So some optimal basis contains the best
  registration of each school it represents, and on such bases ``schools`` is the number of "best of
  their school" elements.
* Give element ``e`` the weight ``w(e) = K² · best(e) + K · deferred(e) − rank(e)`` with
  ``K > n · candidates`` (``best`` and ``deferred`` are 0 or 1, ``rank`` is the place in the
  registration order). On bases of the kind above, ``w(B)`` orders them exactly as the lexicographic
  objective does. By Rado–Edmonds, the greedy that takes the elements in decreasing weight and keeps
  each one that leaves the set independent finds a maximum-weight basis of a matroid; decreasing
  weight is the line above. The weights are all different (ranks are), so the optimum is unique.

``tests/benchmarking/test_selection.py`` checks it against a brute force over all subsets.

Reasons
-------
Everyone gets a code: ``admitted``; ``full`` (the round was full: first in line next time); or
``school_limit`` (the round had room, but the school already had as many participants as there are
groups, and a group takes one member of a school).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

ADMITTED = "admitted"
FULL = "full"
SCHOOL_LIMIT = "school_limit"


@dataclass(frozen=True)
class Candidate:
    """A registration: ``order`` is anything that sorts (the registration time); ties go by ``id``."""

    id: int
    school: Hashable
    order: object
    deferred: bool = False


@dataclass(frozen=True)
class Selection:
    admitted: list[int]  # in the order they were admitted (the line)
    not_admitted: list[int]  # deferred first, then registration order: first in line next time
    reasons: dict[int, str]
    groups: int  # how many groups the admitted make, g(n)
    objective: dict = field(default_factory=dict)  # admitted, schools, deferred, order_sum


def group_count(n: int, group_size: int) -> int:
    """``g(n)``: groups of ``group_size`` (the remainder spread over them), at least one."""
    return max(1, n // group_size)


def _ranks(candidates: list[Candidate]) -> dict[int, int]:
    ordered = sorted(candidates, key=lambda c: (c.order, c.id))
    return {c.id: place for place, c in enumerate(ordered, 1)}


def objective_of(admitted: Iterable[int], candidates: Iterable[Candidate]) -> dict:
    """The objective of a set of admitted ids, as the docstring states it."""
    candidates = list(candidates)
    by_id = {c.id: c for c in candidates}
    ranks = _ranks(candidates)
    chosen = [by_id[i] for i in admitted]
    return {"admitted": len(chosen), "schools": len({c.school for c in chosen}),
            "deferred": sum(1 for c in chosen if c.deferred), "order_sum": sum(ranks[c.id] for c in chosen)}


def objective_key(objective: dict) -> tuple:
    """Larger is better."""
    return (objective["admitted"], objective["schools"], objective["deferred"], -objective["order_sum"])


def admissible_count(candidates: list[Candidate], max_participants: int, group_size: int) -> int:
    """The largest ``n`` that can be admitted and grouped (see the docstring)."""
    per_school: dict[Hashable, int] = {}
    for c in candidates:
        per_school[c.school] = per_school.get(c.school, 0) + 1
    for n in range(min(max_participants, len(candidates)), 0, -1):
        cap = group_count(n, group_size)
        if sum(min(cap, count) for count in per_school.values()) >= n:
            return n
    return 0


def line_order(candidates: list[Candidate]) -> list[Candidate]:
    """The greedy's line: each school's best registration first, then everyone else; each part
    deferred first, then in registration order."""
    ranks = _ranks(candidates)

    def key(c: Candidate):
        return (not c.deferred, ranks[c.id])

    best: dict[Hashable, Candidate] = {}
    for c in sorted(candidates, key=key):
        best.setdefault(c.school, c)
    firsts = {c.id for c in best.values()}
    return sorted(candidates, key=lambda c: (c.id not in firsts, *key(c)))


def select(candidates: Iterable[Candidate], *, max_participants: int, group_size: int) -> Selection:
    candidates = list(candidates)
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("candidate ids must be unique")
    n = admissible_count(candidates, max_participants, group_size)
    cap = group_count(n, group_size)
    taken: dict[Hashable, int] = {}
    admitted: list[int] = []
    not_admitted: list[Candidate] = []
    reasons: dict[int, str] = {}
    for c in line_order(candidates):
        if len(admitted) < n and taken.get(c.school, 0) < cap:
            taken[c.school] = taken.get(c.school, 0) + 1
            admitted.append(c.id)
            reasons[c.id] = ADMITTED
        else:
            not_admitted.append(c)
            # Below the maximum, only the school's cap keeps anyone out (else ``n`` would be larger).
            reasons[c.id] = FULL if n >= max_participants else SCHOOL_LIMIT
    ranks = _ranks(candidates)
    not_admitted.sort(key=lambda c: (not c.deferred, ranks[c.id]))
    return Selection(admitted=admitted, not_admitted=[c.id for c in not_admitted], reasons=reasons, groups=cap,
                     objective=objective_of(admitted, candidates))
