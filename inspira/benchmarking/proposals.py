"""A round's proposal: selection, grouping and timetable, made by a background job.

``proposal_start`` (a coordinator, once the interest window has closed) records a queued
``Proposal`` and enqueues ``proposal_run`` after the commit. The job reports its progress on the row
(``progress``, ``step``) in short transactions of their own, so the page that polls it sees each
step; then it applies the result in one transaction: the round's groups and their members, a
proposed visit with its date for every host, the round's stage. Anything that goes wrong marks the
proposal failed with the reason and applies nothing.

Time: the whole run has ``DEADLINE`` seconds (the solvers' import included: OR-Tools takes a second
or two the first time in a process); the grouping gets most of what is left, the timetable the rest.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from inspira.benchmarking import grouping, selection, timetable
from inspira.benchmarking.models import Group, Interest, Proposal, Round, Visit
from inspira.benchmarking.permissions import may_coordinate
from inspira.benchmarking.tasks import DEADLINE, GROUPING_SHARE, SEED
from inspira.core.audit import audit_record

log = logging.getLogger(__name__)

# A run still queued or running after this long was lost (a worker killed, a Redis broker's task gone):
# a new start marks it failed instead of waiting for it forever. Longer than the job's timeout.
STALE_AFTER = timedelta(minutes=10)

# The steps as the page shows them: English msgids stored on the row, translated when shown (step_text).
STEP_QUEUED = gettext_noop("Waiting for a free worker")
STEP_SELECTION = gettext_noop("Selecting the participants")
STEP_GROUPING = gettext_noop("Dividing the participants into groups")
STEP_TIMETABLE = gettext_noop("Proposing the visit dates")
STEP_SAVING = gettext_noop("Saving the proposal")
STEP_DONE = gettext_noop("The proposal is ready")
STEP_FAILED = gettext_noop("The proposal could not be made")

REASONS = {
    selection.ADMITTED: _("Admitted."),
    selection.FULL: _("Not admitted: the round was full. You are first in line next time."),
    selection.SCHOOL_LIMIT: _("Not admitted: your school already has as many participants as there are groups, "
                              "and each group takes one teacher of a school. You are first in line next time."),
}


class ProposalError(Exception):
    """Message is translated; views show it as is."""


class ProposalFailed(Exception):
    """The run cannot make a proposal; the message (translated) is kept on the proposal."""


def step_text(proposal: Proposal) -> str:
    """The proposal's current step in the active language."""
    return gettext(proposal.step) if proposal.step else ""


def reason_text(code: str) -> str:
    """The short reason given to a registration (``Proposal.details["reasons"]`` holds the codes)."""
    return str(REASONS.get(code, ""))


def proposal_is_running(round: Round) -> bool:
    return round.proposals.filter(status__in=[Proposal.Status.QUEUED, Proposal.Status.RUNNING]).exists()


@transaction.atomic
def proposal_start(*, round: Round, actor, now=None) -> Proposal:
    now = now or timezone.now()
    if not may_coordinate(actor):
        raise ProposalError(_("Only the programme's coordinators can make a proposal."))
    # Lock the round so two starts at once cannot both pass the check below.
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.stage in (Round.Stage.PUBLISHED, Round.Stage.FINISHED):
        raise ProposalError(_("The round's groups are already published."))
    if now < round.interest_closes_at:
        raise ProposalError(_("Interest registration is still open: a proposal can be made when it has closed."))
    running = round.proposals.filter(status__in=[Proposal.Status.QUEUED, Proposal.Status.RUNNING])
    running.filter(created_at__lt=now - STALE_AFTER).update(
        status=Proposal.Status.FAILED, step=STEP_FAILED, finished_at=now,
        error=gettext("The run did not finish and was given up."))
    if running.exists():
        raise ProposalError(_("A proposal is already being made for this round."))
    proposal = Proposal.objects.create(round=round, created_by=actor, seed=SEED, step=STEP_QUEUED)
    audit_record(actor=actor, action="benchmarking.proposal_start", obj=proposal,
                 summary=gettext("Proposal for %(round)s") % {"round": round.title})
    transaction.on_commit(lambda: _enqueue(proposal.pk))
    return proposal


def _enqueue(proposal_id: int) -> None:
    from django_q.tasks import async_task

    async_task("inspira.benchmarking.tasks.proposal_run", proposal_id, task_name=f"benchmarking-proposal-{proposal_id}")


def _report(proposal_id: int, progress: int, step: str) -> None:
    # Its own short transaction (autocommit outside one), so a polling page sees it at once.
    Proposal.objects.filter(pk=proposal_id).update(progress=progress, step=step)


def _earlier_pairs(round: Round, users: set) -> list[tuple]:
    """Pairs of these people who shared a group in an earlier round of the programme (by user)."""
    rows = (Interest.objects.filter(round__programme_id=round.programme_id, group__isnull=False, user__in=users)
            .exclude(round=round).values_list("group_id", "user_id"))
    by_group: dict[int, list] = {}
    for group_id, user_id in rows:
        by_group.setdefault(group_id, []).append(user_id)
    return [(a, b) for members in by_group.values() for i, a in enumerate(members) for b in members[i + 1:]]


def _school_kinds(school_ids) -> dict:
    """Each school's kind for the grouping: its school forms, sorted. A school without any has no kind
    (it is not counted as the same kind as every other such school)."""
    from inspira.schools.models import School

    kinds: dict = {}
    for school_id, code in School.school_forms.through.objects.filter(school_id__in=school_ids).values_list(
            "school_id", "schoolform__code"):
        kinds.setdefault(school_id, []).append(code)
    return {school_id: tuple(sorted(codes)) for school_id, codes in kinds.items()}


def proposal_run(proposal_id: int) -> None:
    """The job. Safe to run twice: only a queued proposal is taken. Its messages are written in the
    site's language (a worker has no request to take one from)."""
    started = time.perf_counter()
    taken = Proposal.objects.filter(pk=proposal_id, status=Proposal.Status.QUEUED).update(
        status=Proposal.Status.RUNNING, progress=5, step=STEP_SELECTION)
    if not taken:
        return
    proposal = Proposal.objects.select_related("round").get(pk=proposal_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            outcome = _compute(proposal, started)
            _report(proposal_id, 90, STEP_SAVING)
            _apply(proposal_id, outcome, seconds=time.perf_counter() - started)
        except Exception as exc:
            log.warning("Benchmarking proposal %s failed", proposal_id, exc_info=not isinstance(exc, ProposalFailed))
            message = str(exc) if isinstance(exc, ProposalFailed) else gettext(
                "Something went wrong while the proposal was made: %(error)s") % {"error": exc}
            Proposal.objects.filter(pk=proposal_id).update(
                status=Proposal.Status.FAILED, step=STEP_FAILED, error=message, finished_at=timezone.now(),
                seconds=time.perf_counter() - started)


def _compute(proposal: Proposal, started: float) -> dict:
    # The solver's import takes seconds the first time in a process: pay it before the budget is shared
    # out, so the solvers' time limits are not spent on it (they get at least half a second each).
    import ortools.sat.python.cp_model  # noqa: F401

    round = proposal.round
    interests = list(Interest.objects.filter(round=round, withdrawn_at__isnull=True)
                     .select_related("school").order_by("registered_at", "pk"))
    by_id = {i.pk: i for i in interests}
    candidates = [selection.Candidate(id=i.pk, school=i.school_id, order=i.registered_at,
                                      deferred=i.deferred_from_id is not None) for i in interests]
    chosen = selection.select(candidates, max_participants=round.max_participants, group_size=round.group_size)
    if not chosen.admitted:
        raise ProposalFailed(gettext("Nobody has registered interest in the round."))

    _report(proposal.pk, 20, STEP_GROUPING)
    admitted = [by_id[i] for i in chosen.admitted]
    kinds = _school_kinds({i.school_id for i in admitted})
    people = [grouping.Person(id=i.pk, school=i.school_id, band=i.grade_band, district=i.school.district_id,
                              form=kinds.get(i.school_id), user=i.user_id) for i in admitted]
    earlier = _earlier_pairs(round, {i.user_id for i in admitted if i.user_id is not None})
    left = DEADLINE - (time.perf_counter() - started)
    grouped = grouping.group(people, size=round.group_size, earlier_pairs=earlier, seed=proposal.seed,
                             time_limit=max(0.5, left * GROUPING_SHARE))
    if grouped.status not in (grouping.OPTIMAL, grouping.FEASIBLE):
        raise ProposalFailed(gettext("No grouping has every member from a different school."))

    _report(proposal.pk, 60, STEP_TIMETABLE)
    groups = [[by_id[i] for i in members] for members in grouped.groups]
    inputs = timetable.inputs_for_round(round, groups)
    left = DEADLINE - (time.perf_counter() - started)
    planned = timetable.plan(**inputs, seed=proposal.seed, time_limit=max(0.5, left))
    if planned.status not in (timetable.OPTIMAL, timetable.FEASIBLE):
        raise ProposalFailed(_timetable_problem(planned, groups))
    return {"selection": chosen, "grouping": grouped, "timetable": planned, "groups": groups}


def _timetable_problem(planned, groups) -> str:
    problems = []
    for item in planned.unplaced:
        if item["reason"] == timetable.NO_DAY:
            host = next(i for members in groups for i in members if i.pk == item["host"])
            problems.append(gettext("Group %(number)s: no day in the visit window suits the visit to %(school)s "
                                    "(the members' unavailable days, holidays and the school's closed days "
                                    "leave none).") % {"number": item["group"] + 1, "school": host.school})
        elif item["reason"] == timetable.GAPS:
            problems.append(gettext("Group %(number)s: its visits cannot be far enough apart on the days "
                                    "that suit all its members.") % {"number": item["group"] + 1})
        else:
            problems.append(gettext("The visits cannot be placed with so few teachers of one school away on the "
                                    "same day. Allow more, or widen the visit window."))
    return " ".join(problems) or gettext("No timetable keeps every rule.")


@transaction.atomic
def _apply(proposal_id: int, outcome: dict, *, seconds: float) -> None:
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    round = Round.objects.select_for_update().get(pk=proposal.round_id)
    if round.stage in (Round.Stage.PUBLISHED, Round.Stage.FINISHED):
        raise ProposalFailed(gettext("The round's groups were published while the proposal was made."))
    chosen, grouped, planned = outcome["selection"], outcome["grouping"], outcome["timetable"]

    # Replace what an earlier proposal (or the coordinator's edits) left: nothing is published yet.
    Interest.objects.filter(round=round, group__isnull=False).update(group=None)
    Group.objects.filter(round=round).delete()
    groups = Group.objects.bulk_create(
        [Group(round=round, number=n, proposal=proposal) for n in range(1, len(outcome["groups"]) + 1)])
    for group, members in zip(groups, outcome["groups"], strict=True):
        Interest.objects.filter(pk__in=[i.pk for i in members]).update(group=group)
    by_host = {i.pk: i for members in outcome["groups"] for i in members}
    Visit.objects.bulk_create([Visit(group=groups[v["group"]], host=by_host[v["host"]], date=v["date"])
                               for v in planned.visits])
    round.stage = Round.Stage.PROPOSED
    round.save(update_fields=["stage"])

    proposal.status = Proposal.Status.DONE
    proposal.progress = 100
    proposal.step = STEP_DONE
    proposal.finished_at = timezone.now()
    proposal.admitted = chosen.admitted
    proposal.selection_objective = chosen.objective
    proposal.groups = grouped.groups
    proposal.timetable = [{"group": v["group"], "host": v["host"], "date": v["date"].isoformat()}
                          for v in planned.visits]
    proposal.solver_name = grouped.solver_name
    proposal.solver_version = grouped.solver_version
    proposal.grouping_status = grouped.status
    proposal.grouping_objective = grouped.objective
    proposal.timetable_status = planned.status
    proposal.timetable_objective = planned.objective
    proposal.seconds = seconds
    proposal.details = {
        "reasons": {str(i): code for i, code in chosen.reasons.items()},
        "not_admitted": chosen.not_admitted,
        "groups_count": chosen.groups,
        "grouping": {"seconds": round_seconds(grouped.seconds), **grouped.details},
        "timetable": {"seconds": round_seconds(planned.seconds)},
        "weights": {"repeat": grouping.W_REPEAT, "band": grouping.W_BAND, "district": grouping.W_DISTRICT,
                    "form": grouping.W_FORM},
    }
    proposal.save()
    audit_record(actor=proposal.created_by, action="benchmarking.proposal_done", obj=proposal,
                 summary=gettext("%(admitted)s admitted in %(groups)s groups") % {
                     "admitted": len(chosen.admitted), "groups": len(groups)})


def round_seconds(value: float) -> float:
    return round(value, 3)
