"""The visits' dates after publishing: the members answer the proposed dates, and the coordinator
moves one visit when it must move (someone falls ill).

``date_problems`` checks a new date on plain data (no queries), so every rule is easy to test; the
``visit_move`` service gathers that data for one visit. A moved visit gets ``sequence + 1``, every
member an updated calendar file (the same UID, a higher SEQUENCE) and a short email, and the group's
earlier answers on its dates are reset: the dates they agreed to are no longer the dates.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inspira.benchmarking import ics
from inspira.benchmarking.costs import visit_is_held, visit_may_confirm_held
from inspira.benchmarking.models import DateAnswer, Group, Interest, Round, Visit
from inspira.benchmarking.permissions import may_coordinate
from inspira.benchmarking.quotes import quote_may_submit_for
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.workdays import holiday_name, is_working_day


class DateError(Exception):
    """Message is translated; views show it as is. ``problems`` lists every rule a date breaks."""

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


def _day(day: date) -> str:
    return date_format(day, "j F Y")


@dataclass(frozen=True)
class Member:
    """What the date check needs of one member of the group."""

    name: str
    school: str
    unavailable: frozenset[date] = frozenset()


def date_problems(*, day: date, window_start: date, window_end: date, members: Iterable[Member],
                  host_school: str, host_closed: Mapping[date, str], other_visit_days: Iterable[date],
                  min_days_between: int, away_from_school: Mapping[str, int], max_away_per_school: int) -> list[str]:
    """Every reason ``day`` cannot be the day of a group's visit, in Swedish (empty: it can).

    - a working day (not a weekend, not a Swedish public holiday) within the visit window;
    - not a day any member cannot be away (``members[].unavailable``);
    - not a day the host school is closed (``host_closed``: day → name of the closure);
    - at least ``min_days_between`` days from the group's other visits (every member goes to every
      visit of the group, so the group's other visits are each member's other visits);
    - no school above ``max_away_per_school`` teachers away that day: ``away_from_school`` counts,
      per school name, the round's teachers of that school already away that day with other groups;
      each member of this group adds one for their school.
    """
    members = list(members)
    problems: list[str] = []
    if not window_start <= day <= window_end:
        problems.append(_("%(day)s is outside the visit window (%(start)s–%(end)s).")
                        % {"day": _day(day), "start": _day(window_start), "end": _day(window_end)})
    if not is_working_day(day):
        holiday = holiday_name(day)
        problems.append(_("%(day)s is not a working day (%(holiday)s).") % {"day": _day(day), "holiday": holiday}
                        if holiday else _("%(day)s is not a working day.") % {"day": _day(day)})
    for member in members:
        if day in member.unavailable:
            problems.append(_("%(name)s cannot be away on %(day)s.") % {"name": member.name, "day": _day(day)})
    if day in host_closed:
        problems.append(_("%(school)s is closed on %(day)s (%(closure)s).")
                        % {"school": host_school, "day": _day(day), "closure": host_closed[day]})
    for other in sorted(set(other_visit_days)):
        if abs((other - day).days) < max(min_days_between, 1):
            problems.append(_("%(day)s is too close to the group's visit on %(other)s: at least %(days)s days "
                              "must lie between.") % {"day": _day(day), "other": _day(other),
                                                      "days": min_days_between})
    per_school: dict[str, int] = {}
    for member in members:
        per_school[member.school] = per_school.get(member.school, 0) + 1
    for school, count in sorted(per_school.items()):
        away = away_from_school.get(school, 0) + count
        if away > max_away_per_school:
            problems.append(_("%(school)s would have %(away)s teachers away on %(day)s; at most %(cap)s may be.")
                            % {"school": school, "away": away, "day": _day(day), "cap": max_away_per_school})
    return problems


def _live_members(group: Group):
    return list(group.members.filter(withdrawn_at__isnull=True).select_related("user", "school")
                .order_by("user__name", "pk"))


def visit_date_problems(*, visit: Visit, day: date) -> list[str]:
    """``date_problems`` for moving ``visit`` to ``day``, with the round's data."""
    from inspira.schools.selectors import closed_days

    group = visit.group
    round_ = group.round
    members = _live_members(group)
    other_days = list(group.visits.exclude(pk=visit.pk).exclude(status=Visit.Status.CANCELLED)
                      .values_list("date", flat=True))
    schools = {m.school_id: m.school.name for m in members}
    away: dict[str, int] = {}
    groups_away = (Visit.objects.filter(group__round=round_, date=day).exclude(status=Visit.Status.CANCELLED)
                   .exclude(group=group).values("group"))
    others = (Interest.objects.filter(group__in=groups_away, withdrawn_at__isnull=True, school_id__in=schools)
              .values_list("school_id", flat=True))
    for school_id in others:
        away[schools[school_id]] = away.get(schools[school_id], 0) + 1
    return date_problems(
        day=day, window_start=round_.visit_window_starts, window_end=round_.visit_window_ends,
        members=[Member(name=m.user.name if m.user else _("(erased)"), school=m.school.name,
                        unavailable=frozenset(date.fromisoformat(d) for d in m.unavailable_days))
                 for m in members],
        host_school=visit.host.school.name, host_closed=closed_days(visit.host.school, day, day),
        other_visit_days=other_days, min_days_between=round_.min_days_between_visits,
        away_from_school=away, max_away_per_school=round_.max_away_per_school,
    )


def _emails_of(members) -> list[tuple[Interest, str]]:
    return [(m, m.user.email) for m in members if m.user is not None and m.user.is_active and m.user.email]


@transaction.atomic
def visit_move(*, visit: Visit, day: date, actor, now=None) -> Visit:
    """Move one visit to ``day`` (checked by ``visit_date_problems``)."""
    now = now or timezone.now()
    if not may_coordinate(actor):
        raise DateError(_("Only the programme's coordinators move visits."))
    visit = (Visit.objects.select_for_update(of=("self",)).select_related("group__round", "host__school", "host__user")
             .get(pk=visit.pk))
    round_ = visit.group.round
    if round_.stage not in (Round.Stage.PROPOSED, Round.Stage.PUBLISHED):
        raise DateError(_("The visits can be moved only between the proposal and the end of the round."))
    if visit.status in (Visit.Status.CANCELLED, Visit.Status.HELD):
        raise DateError(_("A cancelled visit or one that took place cannot be moved."))
    if day == visit.date:
        raise DateError(_("The visit is already on that day."))
    problems = visit_date_problems(visit=visit, day=day)
    if problems:
        raise DateError(_("The visit cannot be moved to %(day)s.") % {"day": _day(day)}, problems=problems)
    earlier = visit.date
    visit.date = day
    visit.sequence += 1
    visit.status = Visit.Status.PROPOSED
    visit.save(update_fields=["date", "sequence", "status"])
    members = _live_members(visit.group)
    # The dates they answered to are no longer the dates: they answer again.
    reset = DateAnswer.objects.filter(member__in=members).delete()[0]
    Visit.objects.filter(group=visit.group, status=Visit.Status.CONFIRMED).update(status=Visit.Status.PROPOSED)
    audit_record(actor=actor, action="benchmarking.visit_moved", obj=visit, summary=str(visit.group),
                 data={"round": round_.pk, "from": earlier.isoformat(), "to": day.isoformat(),
                       "sequence": visit.sequence, "answers_reset": reset})
    if round_.stage == Round.Stage.PUBLISHED:
        attachment = ics.visit_attachment(visit, now=now)
        context = {"round_title": round_.title, "group": str(visit.group), "school_name": visit.host.school.name,
                   "earlier": earlier, "date": day, "dates_url": absolute_url("benchmarking:my_dates", round_.pk)}
        for member, email in _emails_of(members):
            transaction.on_commit(lambda m=member, e=email: email_enqueue(
                key=f"benchmarking-visit-moved:{visit.pk}:{visit.sequence}:{m.pk}", to=[e],
                template="benchmarking_visit_moved", context={**context, "name": m.user.name},
                attachments=[attachment]))
    return visit


@transaction.atomic
def date_answer_save(*, member: Interest, answer: str, comment: str = "", actor, now=None) -> DateAnswer:
    """A member's answer to the group's dates. When every member has said the dates suit them, the
    group's proposed visits count as confirmed."""
    now = now or timezone.now()
    member = Interest.objects.select_for_update(of=("self",)).select_related("round", "group").get(pk=member.pk)
    if member.user_id != getattr(actor, "pk", None):
        raise DateError(_("You can answer only for yourself."))
    if member.round.stage != Round.Stage.PUBLISHED or member.group is None or member.withdrawn_at is not None:
        raise DateError(_("You have no group dates to answer."))
    if answer not in DateAnswer.Answer.values:
        raise DateError(_("Choose an answer."))
    comment = comment.strip()
    if answer == DateAnswer.Answer.OTHER_DATES and not comment:
        raise DateError(_("Say which dates do not suit you, and why."))
    saved, _created = DateAnswer.objects.update_or_create(
        member=member, defaults={"answer": answer, "comment": comment, "answered_at": now})
    group = member.group
    members = list(group.members.filter(withdrawn_at__isnull=True).values_list("pk", flat=True))
    confirmed = DateAnswer.objects.filter(member_id__in=members, answer=DateAnswer.Answer.CONFIRMED).count()
    visits = Visit.objects.filter(group=group, status__in=(Visit.Status.PROPOSED, Visit.Status.CONFIRMED))
    if confirmed == len(members):
        visits.filter(status=Visit.Status.PROPOSED).update(status=Visit.Status.CONFIRMED)
    else:
        visits.filter(status=Visit.Status.CONFIRMED).update(status=Visit.Status.PROPOSED)
    audit_record(actor=actor, action="benchmarking.dates_answered", obj=saved, summary=str(group),
                 data={"round": member.round_id, "answer": answer})
    return saved


# --- Reads -------------------------------------------------------------------------------------------------------

def group_visits(groups) -> dict[int, list[Visit]]:
    """The visits of ``groups`` (not cancelled), per group id, with host and school: one query."""
    visits: dict[int, list[Visit]] = {g.pk: [] for g in groups}
    rows = (Visit.objects.filter(group__in=list(visits)).exclude(status=Visit.Status.CANCELLED)
            .select_related("host__school", "host__user").order_by("date", "pk"))
    for visit in rows:
        visit.is_confirmed = visit.status == Visit.Status.CONFIRMED
        visit.is_held = visit.status == Visit.Status.HELD
        visits[visit.group_id].append(visit)
    return visits


def answers_by_group(groups) -> list[dict]:
    """The coordinator's view of the answers: each group (of one page), its visits and each member's
    answer: three queries."""
    groups = list(groups)
    visits = group_visits(groups)
    members = (Interest.objects.filter(group__in=groups, withdrawn_at__isnull=True)
               .select_related("user", "school", "date_answer").order_by("user__name", "pk"))
    per_group: dict[int, list] = {g.pk: [] for g in groups}
    for member in members:
        answer = getattr(member, "date_answer", None)
        member.answer = answer
        member.has_confirmed = answer is not None and answer.answer == DateAnswer.Answer.CONFIRMED
        member.wants_other_dates = answer is not None and answer.answer == DateAnswer.Answer.OTHER_DATES
        per_group[member.group_id].append(member)
    return [{"group": g, "visits": visits[g.pk], "members": per_group[g.pk],
             "all_confirmed": bool(per_group[g.pk]) and all(m.has_confirmed for m in per_group[g.pk]),
             "any_other_dates": any(m.wants_other_dates for m in per_group[g.pk])} for g in groups]


def _participation(interest: Interest, *, visits: list, members: list, now) -> dict:
    answer = getattr(interest, "date_answer", None)
    # The visits this person hosts: once the day has come, the host confirms the visit took place.
    hosting = [{"visit": v, "is_held": visit_is_held(v),
                "may_confirm_held": not visit_is_held(v) and visit_may_confirm_held(visit=v, now=now)}
               for v in visits if v.host_id == interest.pk and interest.withdrawn_at is None]
    return {
        "interest": interest, "round": interest.round, "group": interest.group,
        "is_admitted": interest.decision == Interest.Decision.ADMITTED and interest.withdrawn_at is None,
        "is_withdrawn": interest.withdrawn_at is not None,
        "visits": visits, "members": members, "answer": answer, "hosting": hosting,
        "has_confirmed": answer is not None and answer.answer == DateAnswer.Answer.CONFIRMED,
        "wants_other_dates": answer is not None and answer.answer == DateAnswer.Answer.OTHER_DATES,
        "may_answer": interest.group_id is not None and interest.round.stage == Round.Stage.PUBLISHED
                      and interest.withdrawn_at is None,
        "may_quote": quote_may_submit_for(interest),
    }


def _is_published(interest: Interest) -> bool:
    return interest.round.stage in (Round.Stage.PUBLISHED, Round.Stage.FINISHED)


def participations_of(interests: Iterable[Interest], *, now=None) -> dict[int, dict]:
    """The participation (as participation_of) of each of ``interests`` whose round is published and
    that has a group, per interest id, in two queries however many there are. The interests must come
    with ``round``, ``group`` and ``date_answer`` selected (selectors.my_interests does)."""
    now = now or timezone.now()
    placed = [i for i in interests if i.group_id is not None and _is_published(i)]
    if not placed:
        return {}
    groups = [i.group for i in placed]
    visits = group_visits(groups)
    mates: dict[int, list] = {g.pk: [] for g in groups}
    for mate in (Interest.objects.filter(group__in=groups, withdrawn_at__isnull=True)
                 .select_related("user", "school").order_by("user__name", "pk")):
        mates[mate.group_id].append(mate)
    return {i.pk: _participation(i, visits=visits.get(i.group_id, []), members=mates.get(i.group_id, []),
                                 now=now) for i in placed}


def my_participations(user) -> list[dict]:
    """The rounds a person registered for that are published: their decision, group, the group's
    visits and their own answer (the participant's part of "my registrations"): three queries."""
    if not user.is_authenticated:
        return []
    interests = list(Interest.objects.filter(user=user, round__stage__in=(Round.Stage.PUBLISHED, Round.Stage.FINISHED))
                     .select_related("round", "group", "school", "date_answer").order_by("-round__published_at", "pk"))
    found = participations_of(interests)
    return [found[i.pk] for i in interests if i.pk in found]


def participation_of(interest: Interest) -> dict | None:
    """One registration's group, visits and answer once its round is published (None before, or
    without a group): no query for a registration without a group, three for one with."""
    if not _is_published(interest) or interest.group_id is None:
        return None
    interest = (Interest.objects.select_related("round", "group", "school", "date_answer").get(pk=interest.pk))
    return participations_of([interest]).get(interest.pk)


def round_date_warnings(round_: Round) -> dict[int, list[str]]:
    """The rules each coming visit of the round breaks now, per visit id (only visits with a
    problem), in a fixed number of queries: the groups page shows them after manual moves."""
    from inspira.schools.models import ClosedPeriod

    visits = list(Visit.objects.filter(group__round=round_, status__in=(Visit.Status.PROPOSED, Visit.Status.CONFIRMED))
                  .select_related("host__school", "group"))
    if not visits:
        return {}
    members_of: dict[int, list[Interest]] = {}
    for member in (Interest.objects.filter(group__round=round_, withdrawn_at__isnull=True)
                   .select_related("user", "school")):
        members_of.setdefault(member.group_id, []).append(member)
    start, end = round_.visit_window_starts, round_.visit_window_ends
    first, last = min([start] + [v.date for v in visits]), max([end] + [v.date for v in visits])
    closed: dict[int | None, dict[date, str]] = {}
    periods = sorted(ClosedPeriod.objects.filter(starts_on__lte=last, ends_on__gte=first)
                     .values_list("school_id", "starts_on", "ends_on", "name"), key=lambda r: (r[0] is not None, r[1]))
    for school_id, starts_on, ends_on, name in periods:
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            closed.setdefault(school_id, {})[day] = name
            day = date.fromordinal(day.toordinal() + 1)
    # Per day and school: how many of the round's teachers are away with each group.
    away: dict[tuple[date, int], dict[int, int]] = {}
    for visit in visits:
        for member in members_of.get(visit.group_id, []):
            per_group = away.setdefault((visit.date, member.school_id), {})
            per_group[visit.group_id] = per_group.get(visit.group_id, 0) + 1
    warnings: dict[int, list[str]] = {}
    for visit in visits:
        members = members_of.get(visit.group_id, [])
        host_closed = {**closed.get(None, {}), **closed.get(visit.host.school_id, {})}
        others_away = {}
        for member in members:
            counts = away.get((visit.date, member.school_id), {})
            others_away[member.school.name] = sum(n for gid, n in counts.items() if gid != visit.group_id)
        problems = date_problems(
            day=visit.date, window_start=start, window_end=end,
            members=[Member(name=m.user.name if m.user else _("(erased)"), school=m.school.name,
                            unavailable=frozenset(date.fromisoformat(d) for d in m.unavailable_days))
                     for m in members],
            host_school=visit.host.school.name, host_closed=host_closed,
            other_visit_days=[v.date for v in visits if v.group_id == visit.group_id and v.pk != visit.pk],
            min_days_between=round_.min_days_between_visits, away_from_school=others_away,
            max_away_per_school=round_.max_away_per_school)
        if problems:
            warnings[visit.pk] = problems
    return warnings
