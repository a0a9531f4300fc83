"""Publishing a round's proposal: everyone gets their decision with its reason, each group its
members and visit dates (a calendar file per visit), and the admitted get their places on the
kick-off and the closing meeting. One transaction; the emails go out when it commits.

Who is admitted is who is in a group when the coordinator publishes (after their moves), not what
the solver proposed: the groups page is what the coordinator approved.
"""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inspira.benchmarking import ics
from inspira.benchmarking.dates import group_visits
from inspira.benchmarking.groups import hard_rule_problems
from inspira.benchmarking.models import Interest, Proposal, Round
from inspira.benchmarking.permissions import may_coordinate
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url

ADMITTED_REASON = gettext_noop("You are admitted to the round.")
FULL_REASON = gettext_noop("The round was full. You are first in line for the next round.")


class PublishError(Exception):
    """Message is translated; views show it as is. ``problems`` lists what stands in the way."""

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


def publish_problems(round_: Round) -> list[str]:
    """What stands in the way of publishing (empty: nothing)."""
    if round_.stage != Round.Stage.PROPOSED:
        return [_("Only a round with a proposal ready can be published.")]
    problems = hard_rule_problems(round_)
    sizes = dict(round_.groups.annotate(size=Count("members", filter=Q(members__withdrawn_at__isnull=True)))
                 .values_list("number", "size"))
    if not any(sizes.values()):
        problems.append(_("No group has any members."))
    # An empty group (everyone moved out) is simply left out; a group of one has nobody to visit.
    for number, size in sorted(sizes.items()):
        if size == 1:
            problems.append(_("Group %(number)s has only one member: move someone to it or the member to "
                              "another group.") % {"number": number})
    return problems


def _register_for_meetings(round_: Round, admitted: list[Interest], *, now) -> list[str]:
    """Places on the kick-off and closing meetings; what could not be registered is returned (and
    audited) rather than stopping the publishing: the coordinator can add those by hand."""
    from inspira.events.models import Registration
    from inspira.events.registrations import RegistrationError, registration_create

    problems = []
    for event in (round_.kickoff, round_.closing):
        if event is None:
            continue
        already = set(Registration.objects.filter(event=event, status__in=Registration.OPEN_STATUSES)
                      .values_list("user_id", flat=True))
        for interest in admitted:
            if interest.user_id is None or interest.user_id in already:
                continue
            try:
                registration_create(event=event, user=interest.user, school=interest.school, waiting_list=False,
                                    now=now)
            except RegistrationError as e:
                problems.append(f"{event.title}: {interest.user.name}: {e}")
    return problems


@transaction.atomic
def round_publish(*, round: Round, actor, now=None) -> Round:  # noqa: A002
    now = now or timezone.now()
    round_ = Round.objects.select_for_update(of=("self",)).select_related("kickoff", "closing").get(pk=round.pk)
    if not may_coordinate(actor):
        raise PublishError(_("Only the programme's coordinators publish a round."))
    problems = publish_problems(round_)
    if problems:
        raise PublishError(_("The round cannot be published yet."), problems=problems)
    interests = list(Interest.objects.filter(round=round_, withdrawn_at__isnull=True)
                     .select_related("user", "school", "group").order_by("registered_at", "pk"))
    admitted = [i for i in interests if i.group_id is not None]
    not_admitted = [i for i in interests if i.group_id is None]
    with translation.override("sv"):
        admitted_reason, full_reason = _(ADMITTED_REASON), _(FULL_REASON)
    for interest in admitted:
        interest.decision, interest.decision_reason = Interest.Decision.ADMITTED, admitted_reason
    for interest in not_admitted:
        interest.decision, interest.decision_reason = Interest.Decision.NOT_ADMITTED, full_reason
    Interest.objects.bulk_update(interests, ["decision", "decision_reason"])
    round_.stage = Round.Stage.PUBLISHED
    round_.published_at = now
    round_.save(update_fields=["stage", "published_at"])
    registration_problems = _register_for_meetings(round_, admitted, now=now)
    audit_record(actor=actor, action="benchmarking.round_published", obj=round_, summary=round_.title,
                 data={"admitted": len(admitted), "not_admitted": len(not_admitted),
                       "groups": round_.groups.count(), "registration_problems": registration_problems})
    _send_decisions(round_, interests, now=now)
    return round_


def _send_decisions(round_: Round, interests: list[Interest], *, now) -> None:
    groups = {i.group_id: i.group for i in interests if i.group_id}
    visits = group_visits(list(groups.values()))
    members: dict[int, list[Interest]] = {gid: [] for gid in groups}
    for interest in interests:
        if interest.group_id:
            members[interest.group_id].append(interest)
    attachments = {gid: [ics.visit_attachment(v, now=now) for v in visits[gid]] for gid in groups}
    url = absolute_url("benchmarking:my_dates", round_.pk)
    for interest in interests:
        user = interest.user
        if user is None or not user.is_active or not user.email:
            continue  # an erased or deactivated person: nobody to tell
        base = {"name": user.name, "round_title": round_.title, "reason": interest.decision_reason,
                "dates_url": url}
        if interest.group_id:
            context = {**base, "group": str(interest.group), "members": [
                {"name": m.user.name if m.user else "", "school": m.school.name} for m in members[interest.group_id]],
                "visits": [{"date": v.date, "school": v.host.school.name, "address": v.host.school.street_address}
                           for v in visits[interest.group_id]]}
            transaction.on_commit(lambda u=user, i=interest, c=context: email_enqueue(
                key=f"benchmarking-decision:{i.pk}", to=[u.email], template="benchmarking_decision_admitted",
                context=c))
            transaction.on_commit(lambda u=user, i=interest, c=context, a=attachments[interest.group_id]: email_enqueue(
                key=f"benchmarking-group:{i.group_id}:{i.pk}", to=[u.email], template="benchmarking_group",
                context=c, attachments=a))
        else:
            transaction.on_commit(lambda u=user, i=interest, c=base: email_enqueue(
                key=f"benchmarking-decision:{i.pk}", to=[u.email], template="benchmarking_decision_not_admitted",
                context=c))


# --- Reads for the coordinator's pages ---------------------------------------------------------------------------

def latest_proposal(round_: Round) -> Proposal | None:
    return round_.proposals.order_by("-created_at", "-pk").first()


def proposal_state(proposal: Proposal | None) -> dict:
    """Booleans and figures of a proposal for templates and the JSON status."""
    if proposal is None:
        return {"exists": False, "is_running": False, "is_done": False, "is_failed": False, "progress": 0,
                "step": ""}
    return {
        "exists": True,
        "is_running": proposal.status in (Proposal.Status.QUEUED, Proposal.Status.RUNNING),
        "is_done": proposal.status == Proposal.Status.DONE,
        "is_failed": proposal.status == Proposal.Status.FAILED,
        "progress": proposal.progress,
        # The job stores the step as its English msgid (gettext_noop): shown in the reader's language.
        "step": _(proposal.step) if proposal.step else str(proposal.get_status_display()),
        "status_label": str(proposal.get_status_display()),
    }


def _solver_status_label(status: str) -> str:
    # The job stores the solver's own word (CP-SAT: "OPTIMAL", "FEASIBLE").
    return {"optimal": _("optimal"), "feasible": _("feasible within the time limit")}.get((status or "").lower(),
                                                                                       status or "–")


def _reason_text(code: str) -> str:
    """The solver's reason for one registration (``Proposal.details["reasons"]`` holds codes), in
    the words of ``proposals.reason_text`` where that module is there."""
    if not code:
        return ""
    try:
        from inspira.benchmarking.proposals import reason_text
    except ImportError:
        return ""
    return reason_text(code)


def proposal_outcome(round_: Round, proposal: Proposal) -> dict:
    """The admitted and not admitted with reasons, and how the solver found the proposal."""
    admitted_ids = set(proposal.admitted)
    interests = list(Interest.objects.filter(round=round_, withdrawn_at__isnull=True)
                     .select_related("user", "school").order_by("registered_at", "pk"))
    codes = proposal.details.get("reasons", {}) if isinstance(proposal.details, dict) else {}
    admitted, not_admitted = [], []
    for interest in interests:
        is_admitted = interest.pk in admitted_ids
        interest.proposal_reason = _reason_text(codes.get(str(interest.pk), "")) or (
            _(ADMITTED_REASON) if is_admitted else _(FULL_REASON))
        (admitted if is_admitted else not_admitted).append(interest)
    return {
        "admitted": admitted, "not_admitted": not_admitted,
        "grouping_status": _solver_status_label(proposal.grouping_status),
        "timetable_status": _solver_status_label(proposal.timetable_status),
        "selection_objective": _selection_objective_labelled(proposal.selection_objective),
    }


def _selection_objective_labelled(objective) -> list[tuple[str, object]]:
    """The selection's objective (selection.objective_of) with Swedish labels, in the order it ranks."""
    labels = {"admitted": _("admitted"), "schools": _("different schools"),
              "deferred": _("deferred from an earlier round"), "order_sum": _("sum of registration places")}
    if not isinstance(objective, dict):
        return []
    return [(labels.get(key, key), value) for key, value in objective.items()]


def round_proposal_section(round_: Round, user) -> dict:
    """The context of ``benchmarking/includes/round_proposal.html`` (the coordinator's round page)."""
    proposal = latest_proposal(round_)
    return {
        "round": round_,
        "proposal": proposal,
        "state": proposal_state(proposal),
        "may_start": may_coordinate(user) and round_.stage in (Round.Stage.INTEREST, Round.Stage.PROPOSED),
        "is_proposed": round_.stage == Round.Stage.PROPOSED,
        "is_published": round_.stage in (Round.Stage.PUBLISHED, Round.Stage.FINISHED),
    }
