"""The principal's request for a tailor-made effort (seed 001, steps 1, 2 and 4): the unit's need,
who besides the principal joins the first meeting, and where it goes (the centre's coordinators);
withdrawing a request or an effort, and a coordinator taking responsibility for it.

Each action asks its predicate first (``effort_may_withdraw``, ``effort_may_assign``...), writes its
audit row, and records its emails in the outbox within the same transaction, so an email is promised
exactly when the change commits."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership, User
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts.models import Area, Effort
from inspira.efforts.permissions import is_principal_of_effort, may_coordinate, may_request
from inspira.efforts.recipients import coordinator_emails
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme

# The states in which an effort is still open: it can be withdrawn, and someone can take it on.
OPEN_STATES = (Effort.State.REQUESTED, Effort.State.PLANNING, Effort.State.PROPOSAL, Effort.State.RUNNING)


class RequestError(Exception):
    """Message is translated; views show it as is. ``field`` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def tailor_made() -> Programme:
    return Programme.objects.get(key=Key.TAILOR_MADE)


def guest_candidates(school):
    """Who the principal may name for the first meeting: the school's confirmed staff and site contacts
    (the principals come anyway), active and with an address to invite."""
    principals = Membership.objects.filter(school=school, role=Membership.Role.PRINCIPAL).values("user_id")
    return (User.objects.filter(memberships__school=school, memberships__confirmed_at__isnull=False,
                                is_active=True)
            .exclude(pk__in=principals).order_by("name", "pk").distinct())


def _email_context(effort: Effort, **extra) -> dict:
    return {
        "title": effort.title,
        "area": effort.area.name,
        "schools": ", ".join(school.name for school in effort.schools.order_by("name")),
        "principal": effort.requested_by.name if effort.requested_by_id else "",
        "need": effort.need,
        "target_group": effort.target_group,
        "staff_count": effort.staff_count,
        "wished_start": effort.wished_start,
        "wished_end": effort.wished_end,
        "guests": [guest.name for guest in effort.guests.order_by("name")],
        "effort_url": absolute_url("efforts:effort_detail", effort.pk),
        **extra,
    }


def _to(user) -> list[str]:
    return [user.email] if user is not None and user.is_active and user.email else []


# --- The request --------------------------------------------------------------------------------------------------

def effort_may_request(*, school, actor) -> bool:
    return may_request(actor, school)


@transaction.atomic
def effort_request(*, school, actor, title: str, area: Area, need: str, target_group: str, staff_count: int,
                   wished_start: date | None, wished_end: date | None, guests, now=None) -> Effort:
    """A principal asks the centre for a tailor-made effort for their unit. The coordinators are told,
    and the principal gets a confirmation."""
    now = now or timezone.now()
    if not effort_may_request(school=school, actor=actor):
        raise RequestError(_("Only the school's principal can ask for an effort for the school."))
    title, need, target_group = title.strip(), need.strip(), target_group.strip()
    if not title:
        raise RequestError(_("Give the effort a short title."), field="title")
    if area is None or not area.is_active:
        raise RequestError(_("Choose a development area that is in use."), field="area")
    if not need:
        raise RequestError(_("Describe the unit's need."), field="need")
    if not target_group:
        raise RequestError(_("Say who the effort is for."), field="target_group")
    if staff_count is None or staff_count < 1:
        raise RequestError(_("Give the number of staff, at least one."), field="staff_count")
    if wished_start and wished_end and wished_end < wished_start:
        raise RequestError(_("The wished period must end after it starts."), field="wished_end")
    guests = list(guests or [])
    allowed = set(guest_candidates(school).filter(pk__in=[guest.pk for guest in guests])
                  .values_list("pk", flat=True))
    if any(guest.pk == actor.pk for guest in guests):
        raise RequestError(_("You take part as the principal; choose the others who join you."), field="guests")
    if any(guest.pk not in allowed for guest in guests):
        raise RequestError(_("Choose people who are confirmed staff of the school."), field="guests")
    effort = Effort.objects.create(
        programme=tailor_made(), title=title, area=area, need=need, target_group=target_group,
        staff_count=staff_count, wished_start=wished_start, wished_end=wished_end, requested_by=actor,
        requested_at=now, state=Effort.State.REQUESTED, state_changed_at=now)
    effort.schools.set([school])
    effort.guests.set(guests)
    audit_record(actor=actor, action="effort.requested", obj=effort, summary=f"{effort.title} ({school.name})",
                 data={"school": school.pk, "area": area.pk, "guests": sorted(guest.pk for guest in guests)})
    context = _email_context(effort)
    coordinators = coordinator_emails()
    if coordinators:
        email_enqueue(key=f"effort-requested:{effort.pk}", to=coordinators, template="effort_requested",
                      context=context)
    if _to(actor):
        email_enqueue(key=f"effort-request-received:{effort.pk}", to=_to(actor),
                      template="effort_request_received", context=context | {"name": actor.name})
    return effort


# --- Withdrawing ----------------------------------------------------------------------------------------------------

def effort_may_withdraw(*, effort: Effort, actor) -> bool:
    """The unit's principal or the centre, while the effort has not ended."""
    if not effort.is_tailor_made or effort.state not in OPEN_STATES:
        return False
    return may_coordinate(actor) or is_principal_of_effort(actor, effort)


def _cancel_meeting(effort: Effort, *, actor, reason: str, now) -> bool:
    from inspira.events.services import event_cancel

    meeting = effort.planning_meeting
    if meeting is None or meeting.is_cancelled or meeting.starts_at <= now:
        return False  # nothing booked, or it has taken place: a record now
    event_cancel(event=meeting, actor=actor, reason=reason, now=now)
    return True


@transaction.atomic
def effort_withdraw(*, effort: Effort, actor, reason: str, now=None) -> Effort:
    """Withdraw the request (or the effort): a booked planning meeting that has not yet taken place is
    cancelled, so everyone invited is told and their calendars updated."""
    now = now or timezone.now()
    effort = Effort.objects.select_for_update(of=("self",)).select_related("planning_meeting", "area").get(pk=effort.pk)
    if not effort_may_withdraw(effort=effort, actor=actor):
        raise RequestError(_("The effort cannot be withdrawn: it has ended or was withdrawn already, or you "
                             "are not its principal."))
    reason = reason.strip()
    if not reason:
        raise RequestError(_("Say why the effort is withdrawn."), field="reason")
    with _swedish():
        meeting_reason = _("The effort was withdrawn: %(reason)s") % {"reason": reason}
    meeting_cancelled = _cancel_meeting(effort, actor=actor, reason=meeting_reason, now=now)
    before = effort.state
    effort.state, effort.state_changed_at, effort.withdrawn_reason = Effort.State.WITHDRAWN, now, reason
    effort.save(update_fields=["state", "state_changed_at", "withdrawn_reason"])
    audit_record(actor=actor, action="effort.withdrawn", obj=effort, summary=effort.title,
                 data={"reason": reason, "state_before": before, "meeting_cancelled": meeting_cancelled})
    context = _email_context(effort, reason=reason, by=actor.name)
    to = set(_to(effort.requested_by)) | set(coordinator_emails())
    if effort.leader_id:
        to |= set(_to(effort.leader))
    to -= set(_to(actor))  # the one who withdrew it knows
    if to:
        email_enqueue(key=f"effort-withdrawn:{effort.pk}", to=sorted(to), template="effort_withdrawn",
                      context=context)
    return effort


def _swedish():
    from django.utils import translation

    return translation.override("sv")


# --- Taking responsibility ------------------------------------------------------------------------------------------

def may_be_leader(user) -> bool:
    """Who can be responsible for a tailor-made effort: the centre's coordinators and administrators."""
    return may_coordinate(user)


def effort_may_assign(*, effort: Effort, actor) -> bool:
    """A coordinator gives the open effort a responsible person (themselves or another of the centre)."""
    return effort.is_tailor_made and effort.state in OPEN_STATES and may_coordinate(actor)


def effort_may_take(*, effort: Effort, actor) -> bool:
    """The "I take it" button: a coordinator who is not already responsible."""
    return effort_may_assign(effort=effort, actor=actor) and effort.leader_id != actor.pk


@transaction.atomic
def effort_assign(*, effort: Effort, leader, actor) -> Effort:
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    if not effort_may_assign(effort=effort, actor=actor):
        raise RequestError(_("Only the centre's coordinators give an open effort its responsible person."))
    if leader is None or not may_be_leader(leader):
        raise RequestError(_("The responsible person must be one of the centre's coordinators."), field="leader")
    if effort.leader_id == leader.pk:
        return effort  # already theirs: nothing changes, nothing goes on record
    before = effort.leader_id
    effort.leader = leader
    effort.save(update_fields=["leader"])
    audit_record(actor=actor, action="effort.assigned", obj=effort, summary=f"{effort.title}: {leader.name}",
                 data={"leader": leader.pk, "before": before})
    return effort


# --- Reading --------------------------------------------------------------------------------------------------------

def efforts_of_schools(school_ids, *, current: bool):
    """The tailor-made efforts of these units: those under way (``current``), or the earlier ones (ended
    or withdrawn), the latest change first, with what their lists show."""
    from django.db.models import Prefetch

    from inspira.schools.models import School

    efforts = Effort.objects.filter(cooperation__isnull=True, schools__in=school_ids)
    efforts = (efforts.filter(state__in=OPEN_STATES) if current
               else efforts.exclude(state__in=OPEN_STATES))
    return (Effort.objects.filter(pk__in=efforts.values("pk"))
            .select_related("area", "requested_by", "leader", "planning_meeting")
            .prefetch_related(Prefetch("schools", queryset=School.objects.order_by("name")))
            .order_by("-state_changed_at", "-pk"))
