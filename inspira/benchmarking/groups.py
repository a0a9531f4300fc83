"""The groups between the proposal and the end of the round: the coordinator's moves before
publishing, and a participant leaving after it.

The hard rule, every member of a group from a different school, is checked here before every
change with a message that names the school, and held by the database as well
(``benchmarking_one_member_per_school_and_group``): a change that slips past the check in a race is
refused by the constraint, caught inside a savepoint.

Moving a person also moves the visit they host to their new group. Its date is **kept**, and the
groups page warns about every visit of the two groups whose date now breaks a rule
(``dates.visit_date_problems``: a member's unavailable day, the gap, the per-school cap); the
coordinator moves those visits before publishing. Keeping the dates rather than clearing them
means a move never leaves a group without dates, and a move that breaks nothing costs nothing.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inspira.benchmarking import ics
from inspira.benchmarking.models import Group, Interest, Proposal, Round, Visit
from inspira.benchmarking.permissions import may_coordinate
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url


class GroupError(Exception):
    """Message is translated; views show it as is."""


def _name(interest: Interest) -> str:
    return interest.user.name if interest.user_id else _("(erased)")


def school_clash(*, group: Group, interest: Interest, leaving: Interest | None = None) -> str | None:
    """The message if ``interest`` joining ``group`` would put two members of one school in it
    (``leaving``: a member who leaves the group in the same change, as in a swap)."""
    others = group.members.filter(school_id=interest.school_id).exclude(pk=interest.pk)
    if leaving is not None:
        others = others.exclude(pk=leaving.pk)
    other = others.select_related("user").first()
    if other is None:
        return None
    return _("%(name)s cannot join %(group)s: %(other)s of %(school)s is already in it, and every member of a "
             "group must come from a different school.") % {
        "name": _name(interest), "group": group, "other": _name(other), "school": interest.school.name}


def hard_rule_problems(round_: Round) -> list[str]:
    """Every group of the round with two members of one school (empty: the rule holds)."""
    seen: dict[tuple[int, int], Interest] = {}
    problems = []
    for member in (Interest.objects.filter(group__round=round_).select_related("school", "group", "user")
                   .order_by("group__number", "pk")):
        key = (member.group_id, member.school_id)
        if key in seen:
            problems.append(_("%(group)s has two members of %(school)s.") % {
                "group": member.group, "school": member.school.name})
        seen[key] = member
    return problems


def _check_before_publishing(round_: Round, actor) -> None:
    if not may_coordinate(actor):
        raise GroupError(_("Only the programme's coordinators change the groups."))
    if round_.stage != Round.Stage.PROPOSED:
        raise GroupError(_("The groups can be changed only while the proposal is not published."))


def _lock_member(round_: Round, interest_id: int) -> Interest:
    member = (Interest.objects.select_for_update(of=("self",)).select_related("school", "user", "group")
              .filter(round=round_, pk=interest_id, group__isnull=False, withdrawn_at__isnull=True).first())
    if member is None:
        raise GroupError(_("That person is not in a group of this round."))
    return member


def _place(member: Interest, group: Group | None) -> None:
    member.group = group
    member.save(update_fields=["group"])
    if group is not None:
        # The visit they host goes with them; its date is kept (see the module's docstring).
        Visit.objects.filter(host=member).exclude(status=Visit.Status.CANCELLED).update(group=group)


def _save_in_savepoint(change) -> None:
    try:
        with transaction.atomic():
            change()
    except IntegrityError:
        raise GroupError(_("Every member of a group must come from a different school. "
                           "Someone changed the groups at the same time: look again.")) from None


@transaction.atomic
def group_member_move(*, round: Round, interest_id: int, group_id: int, actor) -> Interest:  # noqa: A002
    """Move one admitted person to another group of the round (before publishing)."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    _check_before_publishing(round_, actor)
    member = _lock_member(round_, interest_id)
    target = Group.objects.filter(round=round_, pk=group_id).first()
    if target is None:
        raise GroupError(_("Choose a group of this round."))
    if target.pk == member.group_id:
        raise GroupError(_("%(name)s is already in %(group)s.") % {"name": _name(member), "group": target})
    clash = school_clash(group=target, interest=member)
    if clash:
        raise GroupError(clash)
    earlier = member.group
    _save_in_savepoint(lambda: _place(member, target))
    audit_record(actor=actor, action="benchmarking.member_moved", obj=member, summary=round_.title,
                 data={"round": round_.pk, "from": earlier.number, "to": target.number})
    return member


@transaction.atomic
def group_members_swap(*, round: Round, first_id: int, second_id: int, actor) -> tuple[Interest, Interest]:  # noqa: A002
    """Swap two people of different groups (before publishing)."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    _check_before_publishing(round_, actor)
    first, second = _lock_member(round_, first_id), _lock_member(round_, second_id)
    if first.group_id == second.group_id:
        raise GroupError(_("The two people are in the same group: choose people of two groups."))
    first_group, second_group = first.group, second.group
    clash = (school_clash(group=second_group, interest=first, leaving=second)
             or school_clash(group=first_group, interest=second, leaving=first))
    if clash:
        raise GroupError(clash)

    def swap():
        # Out of the group first: two of one school may swap without meeting in one group.
        _place(first, None)
        _place(second, first_group)
        _place(first, second_group)

    _save_in_savepoint(swap)
    audit_record(actor=actor, action="benchmarking.members_swapped", obj=round_, summary=round_.title,
                 data={"round": round_.pk, "first": first.pk, "second": second.pk,
                       "groups": [first_group.number, second_group.number]})
    return first, second


# --- Reads -------------------------------------------------------------------------------------------------------

def groups_with_members(groups) -> list[dict]:
    """Each group and its members (name, school, district, school forms, grade band): three queries."""
    groups = list(groups)
    members = (Interest.objects.filter(group__in=groups, withdrawn_at__isnull=True)
               .select_related("user", "school__district").prefetch_related("school__school_forms")
               .order_by("user__name", "pk"))
    per_group: dict[int, list] = {g.pk: [] for g in groups}
    for member in members:
        member.school_form_names = ", ".join(str(f) for f in member.school.school_forms.all())
        per_group[member.group_id].append(member)
    return [{"group": g, "members": per_group[g.pk]} for g in groups]


def proposal_changes(round_: Round, proposal=None) -> list[str]:
    """What the coordinator changed against the proposal, one line a person:
    "Anna Andersson: grupp 2 → grupp 4". The proposal's groups are numbered in their order (1, 2, …)."""
    proposal = proposal or round_.proposals.filter(status=Proposal.Status.DONE).order_by("-created_at", "-pk").first()
    if proposal is None or not proposal.groups:
        return []
    proposed = {interest_id: number for number, ids in enumerate(proposal.groups, start=1) for interest_id in ids}
    current = {}
    names = {}
    for member in Interest.objects.filter(round=round_, pk__in=list(proposed)).select_related("user", "group"):
        current[member.pk] = member.group.number if member.group_id and member.withdrawn_at is None else None
        names[member.pk] = _name(member)
    lines = []
    for interest_id, number in proposed.items():
        now_in = current.get(interest_id)
        if interest_id in names and now_in != number:
            to = _("group %(number)s") % {"number": now_in} if now_in else _("no group")
            lines.append((names[interest_id], _("%(name)s: group %(from)s → %(to)s")
                          % {"name": names[interest_id], "from": number, "to": to}))
    return [line for _n, line in sorted(lines)]


# --- Leaving after publishing --------------------------------------------------------------------------------------

def may_withdraw_late(*, interest: Interest, actor) -> bool:
    return may_coordinate(actor) or (actor.is_authenticated and interest.user_id == actor.pk)


@transaction.atomic
def participant_withdraw_late(*, interest: Interest, actor, reason: str = "", now=None) -> Interest:
    """An admitted participant leaves after publishing (or the coordinator removes them): out of the
    group, the decision's reason says so, the visit they host is cancelled (a CANCEL calendar file to
    the remaining members), the group's visits are taken out of their own calendar, and their places
    on the kick-off and the closing meeting are given up. Leaving only takes a member out of a
    group, so the hard rule holds by itself."""
    from inspira.events.models import Registration
    from inspira.events.registrations import RegistrationError, registration_cancel

    now = now or timezone.now()
    interest = (Interest.objects.select_for_update(of=("self",)).select_related("round", "user", "school", "group")
                .get(pk=interest.pk))
    round_ = interest.round
    if not may_withdraw_late(interest=interest, actor=actor):
        raise GroupError(_("You cannot remove another person from the round."))
    if round_.stage != Round.Stage.PUBLISHED:
        raise GroupError(_("Leaving a group is possible only while the round's groups are published."))
    if interest.withdrawn_at is not None or interest.group_id is None:
        raise GroupError(_("%(name)s is not in a group of this round.") % {"name": _name(interest)})
    by_coordinator = actor.is_authenticated and interest.user_id != actor.pk
    group = interest.group
    hosted = list(Visit.objects.select_for_update().filter(host=interest, group=group)
                  .exclude(status__in=(Visit.Status.CANCELLED, Visit.Status.HELD)))
    with translation.override("sv"):
        interest.decision_reason = (_("The coordinator removed you from the round.") if by_coordinator
                                    else _("You left the round."))
    interest.group = None
    interest.withdrawn_at = now
    interest.save(update_fields=["group", "withdrawn_at", "decision_reason"])
    for visit in hosted:
        visit.status = Visit.Status.CANCELLED
        visit.sequence += 1
        visit.save(update_fields=["status", "sequence"])
    # The group's other coming visits leave the leaver's calendar: a higher SEQUENCE for their CANCEL.
    theirs = list(Visit.objects.select_for_update(of=("self",)).filter(group=group, status__in=(
        Visit.Status.PROPOSED, Visit.Status.CONFIRMED)).select_related("host__school", "host__user", "group"))
    Visit.objects.filter(pk__in=[v.pk for v in theirs]).update(sequence=F("sequence") + 1)
    for visit in theirs:
        visit.sequence += 1
    not_cancelled = []
    for event in (round_.kickoff, round_.closing):
        if event is None or interest.user_id is None:
            continue
        for registration in Registration.objects.filter(event=event, user_id=interest.user_id,
                                                        status__in=Registration.OPEN_STATUSES):
            try:
                registration_cancel(registration=registration, actor=actor, reason=reason, now=now)
            except RegistrationError as e:
                not_cancelled.append(f"{event.title}: {e}")
    audit_record(actor=actor, action="benchmarking.participant_left", obj=interest, summary=round_.title,
                 data={"round": round_.pk, "group": group.number, "by_coordinator": by_coordinator,
                       "reason": reason.strip(), "visits_cancelled": [v.pk for v in hosted],
                       "registrations_not_cancelled": not_cancelled})
    _tell_about_leaving(interest=interest, group=group, hosted=hosted, theirs=theirs, now=now,
                        by_coordinator=by_coordinator)
    return interest


def _tell_about_leaving(*, interest, group, hosted, theirs, now, by_coordinator) -> None:
    remaining = [m for m in group.members.filter(withdrawn_at__isnull=True).select_related("user", "school")
                 if m.user_id and m.user.is_active and m.user.email]
    hosted = [Visit.objects.select_related("host__school", "host__user", "group").get(pk=v.pk) for v in hosted]
    round_ = group.round
    dates_url = absolute_url("benchmarking:my_dates", round_.pk)
    for visit in hosted:
        attachment = ics.visit_attachment(visit, method=ics.CANCEL, now=now)
        for member in remaining:
            transaction.on_commit(lambda m=member, v=visit, a=attachment: email_enqueue(
                key=f"benchmarking-visit-cancelled:{v.pk}:{v.sequence}:{m.pk}", to=[m.user.email],
                template="benchmarking_visit_cancelled",
                context={"name": m.user.name, "round_title": round_.title, "group": str(group),
                         "school_name": v.host.school.name, "date": v.date, "dates_url": dates_url},
                attachments=[a]))
    user = interest.user
    if user is not None and user.is_active and user.email:
        attachments = [ics.visit_attachment(v, method=ics.CANCEL, now=now) for v in theirs + hosted]
        transaction.on_commit(lambda: email_enqueue(
            key=f"benchmarking-decision-left:{interest.pk}", to=[user.email], template="benchmarking_decision_left",
            context={"name": user.name, "round_title": round_.title, "by_coordinator": by_coordinator,
                     "reason": interest.decision_reason},
            attachments=attachments))
