"""Teachers' interest registrations in a benchmarking round: registering while the window is open,
withdrawing until it closes. Each is confirmed by email through the outbox.

A teacher who was not admitted to an earlier round of the programme is first in line now (after
the spread over schools): ``deferred_from`` records that round, and the selection reads it.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.benchmarking.models import Grade, Interest, Round
from inspira.benchmarking.permissions import may_register_interest
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url


class InterestError(Exception):
    """Message is translated; views show it as is. ``field`` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def interest_window_is_open(*, benchmarking_round: Round, now=None) -> bool:
    now = now or timezone.now()
    return (benchmarking_round.stage == Round.Stage.INTEREST
            and benchmarking_round.interest_opens_at <= now < benchmarking_round.interest_closes_at)


def active_interest(*, benchmarking_round: Round, user) -> Interest | None:
    if not user.is_authenticated:
        return None
    return Interest.objects.filter(round=benchmarking_round, user=user, withdrawn_at__isnull=True).first()


def interest_may_register(*, benchmarking_round: Round, user, now=None) -> bool:
    """The window is open and the person has no registration in the round that stands."""
    return (user.is_authenticated and interest_window_is_open(benchmarking_round=benchmarking_round, now=now)
            and active_interest(benchmarking_round=benchmarking_round, user=user) is None)


def interest_may_withdraw(*, interest: Interest, actor, now=None) -> bool:
    """The teacher themself, while the window is open. Later withdrawals (after the selection) are
    the coordinators' business."""
    return (actor.is_authenticated and interest.user_id == actor.pk and not interest.is_withdrawn
            and interest_window_is_open(benchmarking_round=interest.round, now=now))


def unavailable_day_errors(days, benchmarking_round: Round) -> list[str]:
    """The days outside the round's visit window, each named (ÅÅÅÅ-MM-DD)."""
    first, last = benchmarking_round.visit_window_starts, benchmarking_round.visit_window_ends
    return [
        _("%(day)s is not in the visit window (%(first)s–%(last)s).") % {
            "day": day.isoformat(), "first": first.isoformat(), "last": last.isoformat()}
        for day in days if not first <= day <= last
    ]


def deferred_from_round(*, benchmarking_round: Round, user) -> Round | None:
    """The earlier round of the programme the person was last decided on, if they were not admitted
    to it (admitted to a later one, they are no longer waiting)."""
    last = (Interest.objects.filter(user=user, round__programme_id=benchmarking_round.programme_id,
                                    round__interest_opens_at__lt=benchmarking_round.interest_opens_at,
                                    withdrawn_at__isnull=True)
            .exclude(round=benchmarking_round).exclude(decision=Interest.Decision.PENDING)
            .select_related("round").order_by("-round__interest_opens_at", "-pk").first())
    if last is not None and last.decision == Interest.Decision.NOT_ADMITTED:
        return last.round
    return None


def _grade_labels(grades) -> list[str]:
    labels = dict(Grade.choices)
    return [str(labels[grade]) for grade in grades]


def _email_context(interest: Interest) -> dict:
    benchmarking_round = interest.round
    return {
        "name": interest.user.name or interest.user.email,
        "title": benchmarking_round.title,
        "school": interest.school.name,
        "grades": _grade_labels(interest.grades),
        "subjects": interest.subjects,
        "unavailable_days": [datetime.date.fromisoformat(day) for day in interest.unavailable_days],
        "closes_at": timezone.localtime(benchmarking_round.interest_closes_at),
        "first_day": benchmarking_round.visit_window_starts,
        "last_day": benchmarking_round.visit_window_ends,
        "mine_url": absolute_url("benchmarking:mine"),
    }


@transaction.atomic
def interest_register(*, round: Round, user, school, grades, subjects: str, unavailable_days, now=None) -> Interest:  # noqa: A002
    """Register ``user``'s interest in ``round`` for ``school``. ``grades``: values of ``Grade``;
    ``unavailable_days``: dates within the visit window."""
    now = now or timezone.now()
    # Lock the round: two registrations of one person at once must not both pass the check below.
    benchmarking_round = Round.objects.select_for_update().get(pk=round.pk)
    if not interest_window_is_open(benchmarking_round=benchmarking_round, now=now):
        raise InterestError(_("Interest registration for this round is not open."))
    if not may_register_interest(user, school):
        raise InterestError(_("You can register only for a school you are a confirmed member of."), field="school")
    chosen = set(grades or ())
    if not chosen or not chosen <= set(Grade.values):
        raise InterestError(_("Choose the grades you teach."), field="grades")
    grades = [grade for grade in Grade.values if grade in chosen]
    subjects = (subjects or "").strip()
    if not subjects:
        raise InterestError(_("Say which subjects you teach."), field="subjects")
    days = sorted(set(unavailable_days or ()))
    bad_days = unavailable_day_errors(days, benchmarking_round)
    if bad_days:
        raise InterestError(" ".join(bad_days), field="unavailable_days")
    if active_interest(benchmarking_round=benchmarking_round, user=user) is not None:
        raise InterestError(_("You have already registered your interest in this round. You can see it under "
                              "“My benchmarking”."))
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                round=benchmarking_round, user=user, school=school, grades=grades, subjects=subjects,
                unavailable_days=[day.isoformat() for day in days], registered_at=now,
                deferred_from=deferred_from_round(benchmarking_round=benchmarking_round, user=user))
    except IntegrityError as e:  # the database's own guard (benchmarking_one_interest_per_round)
        raise InterestError(_("You have already registered your interest in this round. You can see it under "
                              "“My benchmarking”.")) from e
    audit_record(actor=user, action="benchmarking.interest_registered", obj=interest,
                 summary=f"{benchmarking_round.title}: {school.name}",
                 data={"round": benchmarking_round.pk, "school": school.pk, "deferred": interest.deferred_from_id})
    context = _email_context(interest)
    transaction.on_commit(lambda: email_enqueue(
        key=f"benchmarking-interest-registered:{interest.pk}", to=[user.email],
        template="benchmarking_interest_registered", context=context))
    return interest


@transaction.atomic
def interest_withdraw(*, interest: Interest, actor, now=None) -> Interest:
    now = now or timezone.now()
    # Lock only the registration: the joined user may be null (erased), which PostgreSQL cannot lock.
    interest = (Interest.objects.select_for_update(of=("self",)).select_related("round", "school", "user")
                .get(pk=interest.pk))
    if interest.user_id != actor.pk:
        raise InterestError(_("Only the teacher who registered can withdraw the registration."))
    if interest.is_withdrawn:
        raise InterestError(_("The registration is already withdrawn."))
    if not interest_may_withdraw(interest=interest, actor=actor, now=now):
        raise InterestError(_("Interest registration has closed, so the registration can no longer be withdrawn "
                              "here. Contact the programme's coordinator."))
    interest.withdrawn_at = now
    interest.save(update_fields=["withdrawn_at"])
    audit_record(actor=actor, action="benchmarking.interest_withdrawn", obj=interest,
                 summary=f"{interest.round.title}: {interest.school.name}", data={"round": interest.round_id})
    context = _email_context(interest)
    email = interest.user.email
    transaction.on_commit(lambda: email_enqueue(
        key=f"benchmarking-interest-withdrawn:{interest.pk}", to=[email],
        template="benchmarking_interest_withdrawn", context=context))
    return interest
