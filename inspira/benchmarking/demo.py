"""The demo's benchmarking round in progress (issue 14), and the round before it.

The round for class teachers this term closed its interest registration three weeks ago: eleven
teachers from eight schools registered for nine places, so two were not admitted, and one of the
admitted was first in line because the round a year ago was full for him. The proposal was made by
the real job (selection, groups, timetable), the coordinator published it, the kick-off is over
(attendance marked, so the participants have days away), the visits run from a little before today
to some weeks ahead: one group confirmed its dates and its first visit took place (its host
confirmed it), another member asked for other dates, one school's principal has claimed its
substitute costs (waiting for finance), and the closing meeting is ahead.

Everything is made through the benchmarking services by the programme's coordinator and the teachers,
at the times they stand for (``core.democlock``), dated from today (Stockholm), meetings on the
nearest school day. The round a year ago is made the same way and then recorded as finished (there
is no service for that yet: its stage is written). Safe to run again: a round that exists (by its
title) is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.benchmarking import costs, dates, interests, proposals, publishing, rounds
from inspira.benchmarking.models import DateAnswer, Interest, Proposal, Round, Visit
from inspira.core.democlock import Clock, pinned_clock
from inspira.events.attendance import ABSENT, PRESENT, attendance_mark, version_now
from inspira.events.models import Event, Registration
from inspira.schools.models import School
from inspira.schools.selectors import closed_days

COORDINATOR = "benchmarking@inspira.example"
TITLE = "Klasslärare i åk 1–6, pågående omgång"
EARLIER_TITLE = "Klasslärare i åk 1–6, omgången för ett år sedan"
PLACE = "Pedagogiskt centrum, sal 1"

# Teachers the events demo does not have: a second teacher at three schools (confirmed staff).
EXTRA_TEACHERS = (
    ("larare2.katarina@inspira.example", "Anders Ström", "Katarina Södra skola"),
    ("larare2.rinkeby@inspira.example", "Leila Ahmadi", "Rinkebyskolan"),
    ("larare2.farsta@inspira.example", "Karl Viklund", "Farsta grundskola"),
)

# (email, grades, subjects), in the order they registered.
ROUND_INTERESTS = (
    ("larare.katarina@inspira.example", ["1", "2"], "Svenska, matematik, SO"),
    ("larare.rinkeby@inspira.example", ["4", "5"], "Svenska som andraspråk, SO"),
    ("larare.alsten@inspira.example", ["2", "3"], "Svenska, matematik, NO"),
    ("larare.fridhem@inspira.example", ["5", "6"], "Matematik, NO, teknik"),
    ("larare2.rinkeby@inspira.example", ["1"], "Svenska, matematik"),
    ("larare.aspudden@inspira.example", ["4", "5", "6"], "Engelska, SO"),
    ("larare.farsta@inspira.example", ["3", "4"], "Svenska, matematik, bild"),
    ("larare.satra@inspira.example", ["1", "2", "3"], "Svenska, matematik, musik"),
    ("larare2.farsta@inspira.example", ["6"], "Matematik, NO"),
    ("larare.vallingby@inspira.example", ["5", "6"], "Svenska, engelska, SO"),
    # Last to register, admitted anyway: the round a year ago was full for him (deferred).
    ("larare2.katarina@inspira.example", ["2", "3"], "Svenska, matematik"),
)
# The round a year ago: four places, five teachers; the last of them was not admitted.
EARLIER_INTERESTS = (
    ("larare.katarina@inspira.example", ["1", "2"], "Svenska, matematik, SO"),
    ("larare.fridhem@inspira.example", ["5", "6"], "Matematik, NO, teknik"),
    ("larare.rinkeby@inspira.example", ["4", "5"], "Svenska som andraspråk, SO"),
    ("larare.farsta@inspira.example", ["3", "4"], "Svenska, matematik, bild"),
    ("larare2.katarina@inspira.example", ["2", "3"], "Svenska, matematik"),
)
# Marked absent at the kick-off; everyone else came.
KICKOFF_ABSENT = "larare.vallingby@inspira.example"


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _school_day(day: datetime.date, *, step: int, closed) -> datetime.date:
    """``day`` or the nearest weekday outside the municipality's breaks, walking ``step`` days at a time."""
    while day.weekday() >= 5 or day in closed:
        day += _days(step)
    return day


def _extra_teachers(coordinator: User) -> int:
    """The second teachers, with the demo's password (the hash of a fixture teacher) and confirmed
    memberships; those that exist are left as they are."""
    password = User.objects.get(email="larare.katarina@inspira.example").password
    schools = {s.name: s for s in School.objects.filter(name__in=[t[2] for t in EXTRA_TEACHERS])}
    admin = User.objects.filter(role=User.Role.ADMINISTRATOR).order_by("pk").first()
    made = 0
    for email, name, school_name in EXTRA_TEACHERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"name": name, "password": password, "email_verified_at": timezone.now()})
        made += created
        Membership.objects.get_or_create(user=user, school=schools[school_name], defaults={
            "role": Membership.Role.STAFF, "confirmed_at": timezone.now(), "confirmed_by": admin})
    return made


def _people(emails) -> dict[str, tuple[User, School]]:
    """Each person and their school (first confirmed membership)."""
    found = {}
    for m in (Membership.objects.filter(user__email__in=emails, confirmed_at__isnull=False)
              .select_related("user", "school").order_by("pk")):
        found.setdefault(m.user.email, (m.user, m.school))
    return found


def _open_round(*, clock: Clock, coordinator: User, title: str, start: datetime.date, max_participants: int,
                group_size: int, visits_from: int, visits_to: int, kickoff: int, closing: int, closed) -> Round:
    """Opened by the coordinator on ``start``; the other dates are days from it."""
    clock.set(start, 9)
    return rounds.round_create(
        actor=coordinator, title=title,
        description="Klasslärare besöker varandras skolor i små grupper och lär av hur andra arbetar.",
        interest_opens_at=clock.at, interest_closes_at=clock.set(start + _days(20), 16),
        max_participants=max_participants, group_size=group_size,
        visit_window_starts=start + _days(visits_from), visit_window_ends=start + _days(visits_to),
        min_days_between_visits=7, max_away_per_school=1, substitute_rate=180_000,
        kickoff_date=_school_day(start + _days(kickoff), step=-1, closed=closed), kickoff_time=datetime.time(13),
        kickoff_place=PLACE,
        closing_date=_school_day(start + _days(closing), step=1, closed=closed), closing_time=datetime.time(13),
        closing_place=PLACE)


def _register(clock: Clock, benchmarking_round: Round, specs) -> None:
    people = _people([email for email, _grades, _subjects in specs])
    start = timezone.localdate(benchmarking_round.interest_opens_at)
    for n, (email, grades, subjects) in enumerate(specs):
        user, school = people[email]
        clock.set(start + _days(1 + n), 8 + n % 8)
        interests.interest_register(round=benchmarking_round, user=user, school=school, grades=grades,
                                    subjects=subjects, unavailable_days=[])


def _propose_and_publish(clock: Clock, benchmarking_round: Round, coordinator: User, day: datetime.date) -> None:
    """The proposal made by the job itself (run here rather than by a worker), published the same day."""
    clock.set(day, 9)
    proposal = proposals.proposal_start(round=benchmarking_round, actor=coordinator)
    proposals.proposal_run(proposal.pk)
    proposal.refresh_from_db()
    if proposal.status != Proposal.Status.DONE:
        raise RuntimeError(f"The demo round's proposal failed: {proposal.error}")
    clock.set(day, 11)
    publishing.round_publish(round=benchmarking_round, actor=coordinator)


def _mark_attendance(clock: Clock, event: Event, absent=()) -> None:
    ends = timezone.localtime(event.ends_at)
    clock.set(ends.date(), ends.hour)
    for registration in Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED) \
            .select_related("user").order_by("pk"):
        state = ABSENT if registration.user.email in absent else PRESENT
        attendance_mark(registration=registration, state=state, version=version_now())


def _earlier_round(clock: Clock, coordinator: User, today: datetime.date, closed) -> Round:
    start = _school_day(today - _days(420), step=1, closed=closed)
    earlier = _open_round(clock=clock, coordinator=coordinator, title=EARLIER_TITLE, start=start,
                          max_participants=4, group_size=2, visits_from=40, visits_to=68, kickoff=30, closing=75,
                          closed=closed)
    _register(clock, earlier, EARLIER_INTERESTS)
    _propose_and_publish(clock, earlier, coordinator, start + _days(22))
    earlier.refresh_from_db()
    _mark_attendance(clock, earlier.kickoff)
    for visit in Visit.objects.filter(group__round=earlier).select_related("host__user").order_by("date", "pk"):
        clock.set(visit.date, 16)
        costs.visit_confirm_held(visit=visit, actor=visit.host.user)
    _mark_attendance(clock, earlier.closing)
    # No service finishes a round yet: the record says it is over.
    Round.objects.filter(pk=earlier.pk).update(stage=Round.Stage.FINISHED)
    return earlier


def _round_in_progress(clock: Clock, coordinator: User, today: datetime.date, closed) -> Round:
    # Opened 45 days ago, registration closed 25 days ago; visits from 12 days ago to five weeks ahead.
    start = today - _days(45)
    current = _open_round(clock=clock, coordinator=coordinator, title=TITLE, start=start, max_participants=9,
                          group_size=3, visits_from=33, visits_to=80, kickoff=29, closing=88, closed=closed)
    _register(clock, current, ROUND_INTERESTS)
    _propose_and_publish(clock, current, coordinator, start + _days(22))
    current.refresh_from_db()
    _mark_attendance(clock, current.kickoff, absent={KICKOFF_ABSENT})

    visits = list(Visit.objects.filter(group__round=current).select_related("host__user", "host__school", "group")
                  .order_by("date", "pk"))
    first = visits[0]
    if first.date >= today:
        # The timetable put every visit ahead: the coordinator moved the first one (as after an illness)
        # to a day behind, so the demo shows a visit that took place.
        candidates = [current.visit_window_starts + _days(n) for n in range((today - current.visit_window_starts).days)]
        day = next(d for d in candidates if not dates.visit_date_problems(visit=first, day=d))
        first = dates.visit_move(visit=first, day=day, actor=coordinator)
    # The first visit's group confirmed its dates soon after publishing.
    members = list(Interest.objects.filter(group=first.group, withdrawn_at__isnull=True).select_related("user")
                   .order_by("pk"))
    for n, member in enumerate(members):
        clock.set(start + _days(24), 9 + n)
        dates.date_answer_save(member=member, answer=DateAnswer.Answer.CONFIRMED, actor=member.user)
    # In another group one member confirmed and one needs other dates.
    other = (Interest.objects.filter(round=current, group__isnull=False).exclude(group=first.group)
             .select_related("user").order_by("group__number", "pk"))[:2]
    clock.set(start + _days(25), 10)
    dates.date_answer_save(member=other[0], answer=DateAnswer.Answer.CONFIRMED, actor=other[0].user)
    clock.set(start + _days(25), 14)
    dates.date_answer_save(member=other[1], answer=DateAnswer.Answer.OTHER_DATES, actor=other[1].user,
                           comment="Jag har utvecklingssamtal hela den veckan; går det en vecka senare?")
    # The host confirmed the visit that evening; the next day the school's principal claimed its costs.
    first.refresh_from_db()
    clock.set(first.date, 16)
    costs.visit_confirm_held(visit=first, actor=first.host.user)
    school = first.host.school
    principal = User.objects.filter(memberships__school=school, memberships__role=Membership.Role.PRINCIPAL,
                                    memberships__confirmed_at__isnull=False).order_by("pk").first()
    clock.set(min(first.date + _days(1), today), 8)
    costs.claim_create(round=current, school=school, actor=principal)
    return current


def load(*, stdout=None) -> None:
    if Round.objects.filter(title=TITLE).exists():
        return
    coordinator = User.objects.get(email=COORDINATOR)
    today = timezone.localdate()
    closed = closed_days(None, today - _days(450), today + _days(120))
    with pinned_clock(today - _days(450)) as clock, transaction.atomic():
        made = _extra_teachers(coordinator)
        if not Round.objects.filter(title=EARLIER_TITLE).exists():
            _earlier_round(clock, coordinator, today, closed)
        current = _round_in_progress(clock, coordinator, today, closed)
    if stdout is not None:
        admitted = current.interests.filter(decision=Interest.Decision.ADMITTED).count()
        stdout.write(
            f"Created the benchmarking round {TITLE!r} in progress: {current.interests.count()} registrations, "
            f"{admitted} admitted in {current.groups.count()} groups, visits behind and ahead, a held visit and a "
            f"claim waiting for finance ({made} more teachers); and the round a year ago, finished.")
