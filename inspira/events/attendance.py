"""Attendance at an event: the organiser ticks who came, on a phone at the door or on a printed list.

Attendance, not registration, is what counts afterwards, so a tick must never be lost. The phone
keeps every tick it has not yet seen acknowledged and sends it again until the server answers
(static/js/attendance.js). This module makes that safe:

- A tick sets an absolute state (present, absent or unmarked), never a toggle: the same tick sent
  twice leaves the same state.
- Every tick carries a version: the moment of the tap, in milliseconds, as the organiser's phone
  read its clock (the server's clock when the page is used without JavaScript). The row keeps the
  version of the state it holds, and a tick whose version is not newer changes nothing, so a tick
  that was overtaken on a slow network (the tap, then "undo", arriving in the other order) cannot
  undo the later one. Two organisers ticking the same person at once: the later tap wins.
- Finishing the list fills in "absent" for everyone left unmarked *without* raising their version:
  it is a default, not a tap, so a tick made at the door before the list was finished, still on
  its way from a phone that was offline, overrides it when it arrives.

Ticks are not written to the audit trail one by one: they are provisional notes made and undone
at the door, dozens per event, and the row itself keeps when it was last marked. What the trail
records is what makes the result: every walk-in added (a new registration, with a name) and every
finishing of the list (with the counts it left).
"""

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.clock import local_midnight
from inspira.events.models import Event, Registration


class AttendanceError(Exception):
    """Message is translated; views show it as is."""


PRESENT, ABSENT, UNMARKED = "present", "absent", "unmarked"
STATES = (PRESENT, ABSENT, UNMARKED)


def version_now(now=None) -> int:
    """The server's clock as a tick's version (ms since the epoch), for ticks sent without JavaScript."""
    return int((now or timezone.now()).timestamp() * 1000)


def registration_state(registration: Registration) -> str:
    if registration.attended is None:
        return UNMARKED
    return PRESENT if registration.attended else ABSENT


def registration_label(registration: Registration) -> str:
    """Who the row is, as the list shows it: the walk-in's name, the group's school, or the person."""
    if registration.walk_in_name:
        return registration.walk_in_name
    if registration.is_group and registration.school_id:
        return registration.school.name
    if registration.user_id:
        return registration.user.name or registration.user.email
    return _("Participant (erased)")


# --- Predicates ------------------------------------------------------------------------------------------

def attendance_may_mark(*, event: Event, now=None) -> bool:
    """Ticks are taken from the start of the event's day (Stockholm clock: people arrive before the
    start) and afterwards, for corrections; never for a cancelled event."""
    now = now or timezone.now()
    day = timezone.localtime(event.starts_at).date()
    return not event.is_cancelled and now >= local_midnight(day)


def attendance_may_finish(*, event: Event, now=None) -> bool:
    """Nobody is a no-show before the event has started."""
    now = now or timezone.now()
    return not event.is_cancelled and now >= event.starts_at


# --- Selectors -------------------------------------------------------------------------------------------

def attendance_list(event: Event):
    """The event's confirmed registrations (walk-ins included), in the order they were made, with what
    the list shows of each in the same query."""
    return (Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
            .select_related("user", "school").order_by("created_at", "pk"))


@dataclasses.dataclass(frozen=True)
class Counts:
    registered: int  # participants with a confirmed place, walk-ins included
    walk_ins: int
    came: int
    no_shows: int
    unmarked: int  # participants not yet ticked either way


def attendance_counts(registrations) -> Counts:
    """People, not rows: a group of five that sent three counts three who came and two no-shows.
    Counted from the rows the list already holds (``attendance_list``), so the page asks no more."""
    registered = walk_ins = came = no_shows = unmarked = 0
    for registration in registrations:
        participants = registration.participants
        registered += participants
        walk_ins += participants if registration.walk_in_name else 0
        if registration.attended is None:
            unmarked += participants
            continue
        came_here = 0
        if registration.attended:
            came_here = participants if registration.attended_count is None else registration.attended_count
        came += came_here
        no_shows += participants - came_here
    return Counts(registered, walk_ins, came, no_shows, unmarked)


# --- Actions ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Mark:
    registration: Registration
    applied: bool  # False: the tick was a repeat, or older than the state already stored


@transaction.atomic
def attendance_mark(*, registration: Registration, state: str, version: int, count: int | None = None,
                    now=None) -> Mark:
    """Set ``registration``'s attendance to ``state`` if ``version`` is newer than the one it holds.

    ``count`` is how many of a group came (present with 0 is absent); a person's row ignores it.
    """
    if state not in STATES:
        raise AttendanceError(_("Unknown attendance state."))
    now = now or timezone.now()
    # Lock the row: two organisers' phones may send ticks for the same person at the same moment. Only
    # this row ("self"): PostgreSQL cannot lock the nullable side of the join to the person and school.
    registration = (Registration.objects.select_for_update(of=("self",)).select_related("event", "user", "school")
                    .get(pk=registration.pk))
    if registration.status != Registration.Status.CONFIRMED:
        raise AttendanceError(_("This registration no longer holds a place, so attendance cannot be marked."))
    if not attendance_may_mark(event=registration.event, now=now):
        raise AttendanceError(_("Attendance can be marked from the day of the event."))
    if registration.is_group and state == PRESENT:
        if count is None:
            count = registration.participants
        if not 0 <= count <= registration.participants:
            raise AttendanceError(_("Between 0 and %(n)s of this group can have come.") % {
                "n": registration.participants})
    if version <= registration.attendance_version:
        return Mark(registration, applied=False)
    if state == UNMARKED:
        registration.attended, registration.attended_count, registration.attendance_marked_at = None, None, None
    elif registration.is_group:
        came = count if state == PRESENT else 0
        registration.attended, registration.attended_count = came > 0, came
        registration.attendance_marked_at = now
    else:
        registration.attended, registration.attended_count = state == PRESENT, None
        registration.attendance_marked_at = now
    registration.attendance_version = version
    registration.save(update_fields=["attended", "attended_count", "attendance_marked_at", "attendance_version"])
    return Mark(registration, applied=True)


@transaction.atomic
def attendance_add_walk_in(*, event: Event, actor, name: str, school=None, now=None) -> Registration:
    """A person who came without registering: a confirmed place, marked present.

    Walk-ins may take the event past its capacity on purpose. The capacity is there to share places
    fairly before the day; on the day, whether the room holds one more is the organiser's call, made
    with the person standing in front of them, and the list must show everyone who actually came.
    """
    now = now or timezone.now()
    name = " ".join(name.split())
    if not name:
        raise AttendanceError(_("Write the person's name."))
    event = Event.objects.get(pk=event.pk)
    if not attendance_may_mark(event=event, now=now):
        raise AttendanceError(_("Attendance can be marked from the day of the event."))
    registration = Registration.objects.create(
        event=event, user=None, school=school, walk_in_name=name, status=Registration.Status.CONFIRMED,
        created_at=now, attended=True, attendance_marked_at=now, attendance_version=version_now(now))
    audit_record(actor=actor, action="event.walk_in_added", obj=event, summary=event.title,
                 data={"registration": registration.pk, "school": school.pk if school else None})
    return registration


@transaction.atomic
def attendance_finish(*, event: Event, actor, now=None) -> int:
    """Record everyone still unmarked as absent (a no-show); returns how many rows that was.

    Idempotent: run again, it finds nobody unmarked and records nothing. The versions stay as they
    are, so a tick still on its way from a phone wins over this default (see the module's text).
    """
    now = now or timezone.now()
    # Lock the event: two organisers finishing at once record one set of no-shows and one audit row.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not attendance_may_finish(event=event, now=now):
        raise AttendanceError(_("The list can be finished once the event has started."))
    unmarked = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED, attended__isnull=True)
    groups = unmarked.filter(is_group=True).update(attended=False, attended_count=0, attendance_marked_at=now)
    people = unmarked.filter(is_group=False).update(attended=False, attendance_marked_at=now)
    if groups + people:
        counts = attendance_counts(attendance_list(event))
        audit_record(actor=actor, action="event.attendance_finished", obj=event, summary=event.title,
                     data={"marked_absent": groups + people, "registered": counts.registered,
                           "came": counts.came, "no_shows": counts.no_shows})
    return groups + people
