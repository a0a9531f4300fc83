"""The sampler: who is asked, drawn by stratum (school form × district).

A draw reads the candidates (active members who may be asked now), shuffles them with a seeded
random generator and then orders them, stably, by when they were last asked (never first): so the
least recently asked come first, and among equals the seed decides. The candidates in that order
and the seed are stored on the ``Draw``, so ``draw_repeat`` gives the same picks from them, whatever
has happened to the members since.
"""

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from inspira.panel.models import Draw, DrawPick, Member, stratum_key
from inspira.programmes.catalog import Key
from inspira.surveys.models import Invitation


class DrawError(Exception):
    """Message is translated; views show it as is, next to ``field`` when it names the input at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Candidate:
    member_id: int
    stratum: str
    last_asked: str | None  # ISO datetime of the latest panel survey invitation, or None

    def as_row(self) -> list:
        return [self.member_id, self.stratum, self.last_asked]


def active_members(now=None):
    now = now or timezone.now()
    return Member.objects.filter(ended_at__isnull=True, consent_until__gt=now, user__is_active=True)


def last_asked_subquery():
    """When the member's person was last invited to a panel survey (any membership period)."""
    return Subquery(Invitation.objects.filter(user=OuterRef("user"), survey__programme__key=Key.TEACHER_PANEL)
                    .values("user").annotate(last=Max("invited_at")).values("last")[:1])


def askable_members(now=None):
    """Active members whose own limit lets them be asked now: not asked within their frequency."""
    now = now or timezone.now()
    members = active_members(now).annotate(last_asked=last_asked_subquery())
    keep = [m.pk for m in members if m.last_asked is None or m.last_asked + timedelta(days=m.frequency_days) <= now]
    return Member.objects.filter(pk__in=keep)


def candidates_for(members, seed: int) -> list[Candidate]:
    """The members in the sampler's order: seeded shuffle, then least recently asked first."""
    rows = [Candidate(m.pk, stratum_key(m.school_form_id, m.district_id),
                      m.last_asked.isoformat() if getattr(m, "last_asked", None) else None)
            for m in members.annotate(last_asked=last_asked_subquery()).order_by("pk")]
    random.Random(seed).shuffle(rows)  # noqa: S311 (a repeatable draw, not a secret)
    # Stable: the shuffle decides among those asked at the same moment (or never).
    rows.sort(key=lambda c: (c.last_asked is not None, parse_datetime(c.last_asked) if c.last_asked else None))
    return rows


def pick(candidates: list[Candidate], sizes: dict[str, int] | None) -> list[Candidate]:
    """The first ``sizes[stratum]`` candidates of each stratum; everyone for ``None`` (all members)."""
    if sizes is None:
        return list(candidates)
    taken: dict[str, int] = defaultdict(int)
    chosen = []
    for candidate in candidates:
        if taken[candidate.stratum] < sizes.get(candidate.stratum, 0):
            taken[candidate.stratum] += 1
            chosen.append(candidate)
    return chosen


def _check_sizes(sizes: dict[str, int]) -> dict[str, int]:
    cleaned = {}
    for key, size in sizes.items():
        if not isinstance(size, int) or size < 0:
            raise DrawError(_("A size must be a whole number, 0 or more."), field="sizes")
        if size:
            cleaned[str(key)] = size
    if not cleaned:
        raise DrawError(_("Ask for at least one member in some stratum."), field="sizes")
    return cleaned


@transaction.atomic
def draw_make(*, purpose: str, members, actor, sizes: dict[str, int] | None = None, survey=None, event=None,
              seed: int | None = None, now=None) -> Draw:
    """Draw from ``members`` (a queryset of ``Member``): everyone when ``sizes`` is None, else the
    given number per stratum. The seed is chosen at random unless given (to repeat a draw)."""
    now = now or timezone.now()
    seed = secrets.randbits(48) if seed is None else seed
    if sizes is not None:
        sizes = _check_sizes(sizes)
    candidates = candidates_for(members, seed)
    chosen = pick(candidates, sizes)
    draw = Draw.objects.create(
        purpose=purpose, survey=survey, event=event, seed=seed, made_at=now, made_by=actor,
        mode=Draw.Mode.ALL if sizes is None else Draw.Mode.STRATIFIED, sizes=sizes or {},
        candidates=[c.as_row() for c in candidates])
    DrawPick.objects.bulk_create(DrawPick(draw=draw, member_id=c.member_id, stratum=c.stratum, position=n)
                                 for n, c in enumerate(chosen, 1))
    return draw


def stored_candidates(draw: Draw) -> list[Candidate]:
    return [Candidate(*row) for row in draw.candidates]


def draw_repeat(draw: Draw) -> list[int]:
    """The member ids the draw picks from its stored candidates and seed, in order: equal to its picks."""
    sizes = None if draw.mode == Draw.Mode.ALL else draw.sizes
    return [c.member_id for c in pick(stored_candidates(draw), sizes)]


def strata_counts(members) -> dict[str, int]:
    """{stratum key: number of members} for a sampler form's table."""
    counts: dict[str, int] = defaultdict(int)
    for school_form_id, district_id in members.values_list("school_form_id", "district_id"):
        counts[stratum_key(school_form_id, district_id)] += 1
    return dict(counts)
