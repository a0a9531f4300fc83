"""The first planning meeting (seed 001, step 3): the centre books it with the principal and the people
the principal named, as an invitation-only event of the events app; after it, the notes record the
purpose, goals, needs and limits, and the proposal clock starts on the meeting's day.

The meeting is an ordinary event (``events.services``), open only to the named group
``efforts:planning`` (``GROUP_KEY``): the principals of the effort's unit and its guests, for the effort
whose planning meeting the event is. The invited are registered on it by ``registrations.registration_create``,
whose confirmation carries the calendar file; moving the meeting (``event_update``) or cancelling it
(``event_cancel``, when the effort is withdrawn) sends everyone the updated file."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.accounts.models import Membership, User
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts import clock
from inspira.efforts.models import Effort
from inspira.efforts.permissions import is_principal_of_effort, may_lead_effort
from inspira.events import eligibility

GROUP_KEY = "efforts:planning"
# Fields of the meeting's event that the booking form sets, by the form's field they belong to.
EVENT_FIELDS = {"starts_at": "date", "ends_at": "end_time", "place": "place", "online_link": "online_link"}


class PlanningError(Exception):
    """Message is translated; views show it as is. ``field`` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Who is invited ------------------------------------------------------------------------------------------------

def is_invited(user, event=None) -> bool:
    """The events app's group ``efforts:planning``: the principals of the unit and the guests the principal
    named, of the effort whose planning meeting ``event`` is (nobody without an event)."""
    if event is None or not (user.is_authenticated and user.is_active):
        return False
    effort = Effort.objects.filter(planning_meeting_id=event.pk).first()
    if effort is None:
        return False
    return is_principal_of_effort(user, effort) or effort.guests.filter(pk=user.pk).exists()


def register_planning_group() -> None:
    eligibility.register_group(GROUP_KEY, gettext_lazy("Invited to an effort's planning meeting"),
                               members=is_invited)


def invitees(effort: Effort) -> list[User]:
    """The principal who asked (all the unit's principals, should that one no longer be its principal)
    and the guests, each once, active people only."""
    principals = []
    if effort.requested_by_id and is_principal_of_effort(effort.requested_by, effort):
        principals = [effort.requested_by]
    else:
        principals = list(User.objects.filter(
            is_active=True, memberships__school__in=effort.schools.all(), memberships__confirmed_at__isnull=False,
            memberships__role=Membership.Role.PRINCIPAL).order_by("name", "pk").distinct())
    people = {person.pk: person for person in principals}
    for guest in effort.guests.filter(is_active=True).order_by("name", "pk"):
        people.setdefault(guest.pk, guest)
    return list(people.values())


# --- Predicates ------------------------------------------------------------------------------------------------

def _meeting_is_open(effort: Effort) -> bool:
    return effort.planning_meeting_id is not None and not effort.planning_meeting.is_cancelled


def planning_meeting_may_book(*, effort: Effort, actor) -> bool:
    """The centre books the meeting of a request that has none (or whose meeting was cancelled)."""
    return (effort.is_tailor_made and effort.state in (Effort.State.REQUESTED, Effort.State.PLANNING)
            and not _meeting_is_open(effort) and may_lead_effort(actor, effort))


def planning_meeting_may_move(*, effort: Effort, actor) -> bool:
    """A booked meeting can be moved until its notes are written."""
    return (effort.is_tailor_made and effort.state == Effort.State.PLANNING and _meeting_is_open(effort)
            and effort.notes_written_at is None and may_lead_effort(actor, effort))


def planning_notes_may_record(*, effort: Effort, actor, now=None) -> bool:
    """The notes are written once the meeting has begun, and corrected while the proposal is prepared."""
    now = now or timezone.now()
    return (effort.is_tailor_made and effort.state in (Effort.State.PLANNING, Effort.State.PROPOSAL)
            and _meeting_is_open(effort) and effort.planning_meeting.starts_at <= now
            and may_lead_effort(actor, effort))


# --- Booking and moving ----------------------------------------------------------------------------------------------

def _check_time(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if starts_at is None:
        raise PlanningError(_("Give the meeting's date and time."), field="date")
    if starts_at <= now:
        raise PlanningError(_("Book the meeting for a time that has not yet passed."), field="date")
    if ends_at is None or ends_at <= starts_at:
        raise PlanningError(_("The meeting must end after it starts."), field="end_time")


def _event_error(error) -> PlanningError:
    """The events app's rules, at the booking form's fields."""
    for name, messages in error.errors.items():
        return PlanningError(messages[0], field=EVENT_FIELDS.get(name))
    return PlanningError(str(error))


def _meeting_details(effort: Effort) -> dict:
    with translation.override("sv"):
        return {
            "title": (_("Planning meeting: %(title)s") % {"title": effort.title})[:200],
            "description": _("The first planning meeting of the tailor-made effort, where purpose, goals and "
                             "needs are pinned down: the development centre with the principal and the people "
                             "the principal named."),
        }


def _lock(effort: Effort) -> Effort:
    return (Effort.objects.select_for_update(of=("self",)).select_related("planning_meeting", "requested_by", "area")
            .get(pk=effort.pk))


@transaction.atomic
def planning_meeting_book(*, effort: Effort, actor, starts_at: datetime, ends_at: datetime, place: str,
                          online_link: str = "", now=None) -> Effort:
    """Book the first planning meeting: an invitation-only event with the principal and the guests
    registered on it (each gets the invitation with its calendar file)."""
    from inspira.events.models import Eligibility, Event
    from inspira.events.registrations import RegistrationError, registration_create
    from inspira.events.rules import EventInputError
    from inspira.events.services import event_create

    now = now or timezone.now()
    effort = _lock(effort)
    if not planning_meeting_may_book(effort=effort, actor=actor):
        raise PlanningError(_("The planning meeting cannot be booked now: it is booked already, or the effort "
                              "is past planning."))
    _check_time(starts_at, ends_at, now)
    people = invitees(effort)
    try:
        event = event_create(
            programme=effort.programme, actor=actor, kind=Event.Kind.KICK_OFF, starts_at=starts_at,
            ends_at=ends_at, place=(place or "").strip(), online_link=(online_link or "").strip(),
            capacity=max(len(people), 1), is_public=False, eligibility=Eligibility.GROUP,
            eligible_group=GROUP_KEY, **_meeting_details(effort))
    except EventInputError as e:
        raise _event_error(e) from e
    before = effort.state
    # The effort names its meeting first: the group's members are read from it when they are registered.
    effort.planning_meeting = event
    effort.state, effort.state_changed_at = Effort.State.PLANNING, now
    effort.save(update_fields=["planning_meeting", "state", "state_changed_at"])
    problems = []
    # Each registration counts against the person's school: the effort's unit they belong to.
    schools = {school.pk: school for school in effort.schools.all()}
    school_of = dict(Membership.objects.filter(user__in=people, school__in=list(schools), confirmed_at__isnull=False)
                     .order_by("-pk").values_list("user_id", "school_id"))
    for person in people:
        try:
            registration_create(event=event, user=person, school=schools.get(school_of.get(person.pk)),
                                waiting_list=False, now=now)
        except RegistrationError as e:
            problems.append(f"{person.name}: {e}")
    audit_record(actor=actor, action="effort.planning_booked", obj=effort, summary=effort.title, data={
        "event": event.pk, "starts_at": starts_at.isoformat(), "state_before": before,
        "invited": [person.pk for person in people], "registration_problems": problems})
    return effort


@transaction.atomic
def planning_meeting_move(*, effort: Effort, actor, starts_at: datetime, ends_at: datetime, place: str,
                          online_link: str = "", now=None) -> Effort:
    """Move the booked meeting (another time or place): the invited get the updated calendar file."""
    from inspira.events.rules import EventInputError
    from inspira.events.services import EventError, event_update

    now = now or timezone.now()
    effort = _lock(effort)
    if not planning_meeting_may_move(effort=effort, actor=actor):
        raise PlanningError(_("The planning meeting cannot be moved: it is not booked, or its notes are "
                              "written."))
    _check_time(starts_at, ends_at, now)
    meeting = effort.planning_meeting
    before = meeting.sequence
    try:
        meeting = event_update(event=meeting, actor=actor, starts_at=starts_at, ends_at=ends_at,
                               place=(place or "").strip(), online_link=(online_link or "").strip())
    except EventInputError as e:
        raise _event_error(e) from e
    except EventError as e:
        raise PlanningError(str(e)) from e
    if meeting.sequence != before:
        audit_record(actor=actor, action="effort.planning_moved", obj=effort, summary=effort.title,
                     data={"event": meeting.pk, "starts_at": starts_at.isoformat()})
    effort.planning_meeting = meeting
    return effort


# --- The notes ---------------------------------------------------------------------------------------------------

def meeting_day(effort: Effort):
    """The meeting's day in Stockholm: the proposal clock starts on it."""
    return timezone.localdate(effort.planning_meeting.starts_at)


@transaction.atomic
def planning_notes_record(*, effort: Effort, actor, purpose: str, goals: str, needs: str, limits: str = "",
                          now=None) -> Effort:
    """Record what the meeting pinned down. The first time, the proposal clock starts on the meeting's day
    and the centre is preparing its proposal; the principal gets the notes and the promised date."""
    now = now or timezone.now()
    effort = _lock(effort)
    if not planning_notes_may_record(effort=effort, actor=actor, now=now):
        raise PlanningError(_("The notes are written after the planning meeting, while the proposal is "
                              "prepared."))
    purpose, goals, needs, limits = (text.strip() for text in (purpose, goals, needs, limits or ""))
    for field, text, message in (("purpose", purpose, _("Write the purpose the meeting agreed on.")),
                                 ("goals", goals, _("Write the goals the meeting agreed on.")),
                                 ("needs", needs, _("Write the needs the meeting pinned down."))):
        if not text:
            raise PlanningError(message, field=field)
    first = effort.notes_written_at is None
    effort.notes_purpose, effort.notes_goals, effort.notes_needs, effort.notes_limits = purpose, goals, needs, limits
    effort.notes_written_at = now
    fields = ["notes_purpose", "notes_goals", "notes_needs", "notes_limits", "notes_written_at"]
    if effort.state == Effort.State.PLANNING:
        effort.state, effort.state_changed_at = Effort.State.PROPOSAL, now
        fields += ["state", "state_changed_at"]
    effort.save(update_fields=fields)
    started = False
    if clock.clock_may_start(effort=effort):
        clock.clock_start(effort=effort, day=meeting_day(effort), actor=actor)
        started = True
    audit_record(actor=actor, action="effort.planning_notes", obj=effort, summary=effort.title,
                 data={"first": first, "clock_started": started})
    principal = effort.requested_by
    if principal is not None and principal.is_active and principal.email:
        email_enqueue(key=f"effort-planning-notes:{effort.pk}:{now:%Y%m%d%H%M%S%f}", to=[principal.email],
                      template="effort_planning_notes", context={
                          "name": principal.name, "title": effort.title, "purpose": purpose, "goals": goals,
                          "needs": needs, "limits": limits, "deadline": clock.clock_of(effort).deadline,
                          "effort_url": absolute_url("efforts:effort_detail", effort.pk)})
    return effort
