"""The planning meeting (inspira/efforts/planning.py): booking it as an invitation-only event, who may
register for it, moving it, and the notes that start the proposal clock."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from inspira.core.models import AuditEvent, OutboxItem
from inspira.efforts.clock import clock_of
from inspira.efforts.models import ClockEvent, Effort
from inspira.efforts.planning import (
    GROUP_KEY,
    PlanningError,
    is_invited,
    planning_meeting_book,
    planning_meeting_may_book,
    planning_meeting_may_move,
    planning_meeting_move,
    planning_notes_may_record,
    planning_notes_record,
)
from inspira.efforts.requests import effort_withdraw
from inspira.events.models import Eligibility, Event, Registration
from inspira.events.registrations import RegistrationError, registration_create, user_is_eligible
from tests.efforts.factories import (
    EffortFactory,
    booked_effort,
    coordinator,
    meeting_time,
    principal_of,
    staff_of,
)
from tests.factories import SchoolFactory, UserFactory, programme

NOTES = {"purpose": "Ett gemensamt språkutvecklande arbetssätt.", "goals": "Alla lärare stöttar språket.",
         "needs": "Tid för kollegialt lärande.", "limits": "Inte fritidshemmet denna gång."}


@pytest.fixture
def centre(db):
    return coordinator()


@pytest.fixture
def principal(school):
    return principal_of(school)


def test_booking_makes_an_invitation_only_event_and_registers_the_invited(school, centre, principal):
    guest, other_guest = staff_of(school), staff_of(school)
    effort = EffortFactory(schools=[school], requested_by=principal)
    effort.guests.set([guest, other_guest])
    starts, ends = meeting_time()

    effort = planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="Biblioteket")

    meeting = effort.planning_meeting
    assert effort.state == Effort.State.PLANNING
    assert meeting.programme.key == "tailor_made" and not meeting.is_public
    assert (meeting.eligibility, meeting.eligible_group) == (Eligibility.GROUP, GROUP_KEY)
    assert (meeting.starts_at, meeting.ends_at, meeting.place) == (starts, ends, "Biblioteket")
    assert effort.title in meeting.title
    registered = set(Registration.objects.filter(event=meeting, status=Registration.Status.CONFIRMED)
                     .values_list("user_id", flat=True))
    assert registered == {principal.pk, guest.pk, other_guest.pk}
    assert meeting.capacity == 3
    assert list(AuditEvent.objects.filter(object_id=str(effort.pk), action__startswith="effort.")
                .values_list("action", "actor_id")) == [("effort.planning_booked", centre.pk)]


def test_each_invited_registration_counts_against_the_persons_unit(school, centre, principal):
    guest = staff_of(school)
    effort = EffortFactory(schools=[school], requested_by=principal)
    effort.guests.set([guest])
    starts, ends = meeting_time()
    effort = planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="Biblioteket")
    schools = set(Registration.objects.filter(event=effort.planning_meeting).values_list("user_id", "school_id"))
    assert schools == {(principal.pk, school.pk), (guest.pk, school.pk)}


def test_the_invited_get_the_invitation_with_a_calendar_file(school, centre, principal):
    guest = staff_of(school)
    effort = booked_effort(school, principal, coordinator_user=centre, guests=[guest])
    invitations = OutboxItem.objects.filter(key__startswith="event-registered:")
    assert sorted(to for item in invitations for to in item.payload["to"]) == sorted([principal.email, guest.email])
    for item in invitations:
        (attachment,) = item.payload["attachments"]
        assert attachment["mimetype"].startswith("text/calendar")
        assert effort.title in item.payload["subject"]


def test_only_the_principal_and_the_guests_may_register(school, centre, principal):
    guest = staff_of(school)
    colleague = staff_of(school)  # of the same school, not named
    effort = booked_effort(school, principal, coordinator_user=centre, guests=[guest])
    meeting = effort.planning_meeting

    assert is_invited(principal, meeting) and is_invited(guest, meeting)
    assert user_is_eligible(event=meeting, user=guest)
    for someone in (colleague, principal_of(SchoolFactory()), centre, UserFactory()):
        assert not is_invited(someone, meeting)
        assert not user_is_eligible(event=meeting, user=someone)
    with pytest.raises(RegistrationError):
        registration_create(event=meeting, user=colleague)


def test_the_group_names_nobody_for_another_event_or_none(school, centre, principal):
    booked_effort(school, principal, coordinator_user=centre)
    other_event = Event.objects.create(programme=programme("tailor_made"), title="Annat",
                                       starts_at=timezone.now() + timedelta(days=3),
                                       ends_at=timezone.now() + timedelta(days=3, hours=1), place="Aulan",
                                       capacity=10)
    assert not is_invited(principal, other_event)
    assert not is_invited(principal, None)


def test_the_group_is_offered_to_the_organisers(db):
    from inspira.events.eligibility import group_label, groups

    assert GROUP_KEY in {group.key for group in groups()}
    assert group_label(GROUP_KEY) != GROUP_KEY


def test_a_meeting_is_booked_for_a_time_ahead(school, centre, principal):
    effort = EffortFactory(schools=[school], requested_by=principal)
    starts = timezone.now() - timedelta(hours=1)
    with pytest.raises(PlanningError) as error:
        planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=starts + timedelta(hours=2),
                              place="Aulan")
    assert error.value.field == "date"
    starts, ends = meeting_time()
    with pytest.raises(PlanningError) as error:
        planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=starts, place="Aulan")
    assert error.value.field == "end_time"
    with pytest.raises(PlanningError) as error:
        planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place=" ")
    assert error.value.field == "place"
    assert not Event.objects.exists()
    effort.refresh_from_db()
    assert effort.state == Effort.State.REQUESTED


def test_an_online_meeting_needs_no_place(school, centre, principal):
    effort = EffortFactory(schools=[school], requested_by=principal)
    starts, ends = meeting_time()
    effort = planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="",
                                   online_link="https://meet.example.se/planering")
    assert effort.planning_meeting.online_link == "https://meet.example.se/planering"


def test_only_the_centre_books_and_only_once(school, centre, principal):
    effort = EffortFactory(schools=[school], requested_by=principal)
    starts, ends = meeting_time()
    assert not planning_meeting_may_book(effort=effort, actor=principal)
    with pytest.raises(PlanningError):
        planning_meeting_book(effort=effort, actor=principal, starts_at=starts, ends_at=ends, place="Aulan")
    effort = planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="Aulan")
    assert not planning_meeting_may_book(effort=effort, actor=centre)
    with pytest.raises(PlanningError):
        planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="Aulan")
    assert Event.objects.count() == 1


def test_a_cancelled_meeting_can_be_booked_again(school, centre, principal):
    from inspira.events.services import event_cancel

    effort = booked_effort(school, principal, coordinator_user=centre)
    event_cancel(event=effort.planning_meeting, actor=centre, reason="Sjukdom")
    effort.refresh_from_db()
    assert planning_meeting_may_book(effort=effort, actor=centre)
    starts, ends = meeting_time(days=14)
    effort = planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="Aulan")
    assert effort.planning_meeting.starts_at == starts
    assert Registration.objects.filter(event=effort.planning_meeting, user=principal,
                                       status=Registration.Status.CONFIRMED).exists()


def test_moving_the_meeting_updates_the_event_and_tells_the_invited(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre)
    meeting = effort.planning_meeting
    starts, ends = meeting_time(days=9, hour=13)

    assert planning_meeting_may_move(effort=effort, actor=centre)
    effort = planning_meeting_move(effort=effort, actor=centre, starts_at=starts, ends_at=ends, place="Aulan")

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place, meeting.sequence) == (starts, "Aulan", 1)
    assert Event.objects.count() == 1
    changed = OutboxItem.objects.get(key__startswith="event-changed:")
    assert changed.payload["to"] == [principal.email] and changed.payload["attachments"]
    assert AuditEvent.objects.filter(action="effort.planning_moved", actor=centre).count() == 1
    with pytest.raises(PlanningError):
        planning_meeting_move(effort=effort, actor=principal, starts_at=starts, ends_at=ends, place="Aulan")


def test_withdrawing_cancels_the_meeting_for_everyone(school, centre, principal):
    guest = staff_of(school)
    effort = booked_effort(school, principal, coordinator_user=centre, guests=[guest])
    effort_withdraw(effort=effort, actor=principal, reason="Vi skjuter på det.")
    effort.planning_meeting.refresh_from_db()
    assert effort.planning_meeting.is_cancelled
    assert set(Registration.objects.filter(event=effort.planning_meeting).values_list("status", flat=True)) == {
        Registration.Status.CANCELLED}


# --- The notes and the clock ----------------------------------------------------------------------------------

def _after(effort, hours=3):
    return effort.planning_meeting.starts_at + timedelta(hours=hours)


def test_the_notes_are_written_after_the_meeting(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre)
    assert not planning_notes_may_record(effort=effort, actor=centre)  # a week ahead
    with pytest.raises(PlanningError):
        planning_notes_record(effort=effort, actor=centre, **NOTES)
    assert planning_notes_may_record(effort=effort, actor=centre, now=_after(effort))
    assert not planning_notes_may_record(effort=effort, actor=principal, now=_after(effort))


def test_the_notes_start_the_clock_on_the_meeting_s_day(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre, days=-1)  # yesterday at 09:00
    meeting_day = timezone.localdate(effort.planning_meeting.starts_at)

    effort = planning_notes_record(effort=effort, actor=centre, **NOTES)

    assert effort.state == Effort.State.PROPOSAL
    assert (effort.notes_purpose, effort.notes_goals, effort.notes_needs, effort.notes_limits) == (
        NOTES["purpose"], NOTES["goals"], NOTES["needs"], NOTES["limits"])
    (started,) = ClockEvent.objects.filter(effort=effort)
    assert (started.kind, started.day, started.actor) == (ClockEvent.Kind.STARTED, meeting_day, centre)
    assert clock_of(effort).started_on == meeting_day
    actions = AuditEvent.objects.filter(object_id=str(effort.pk), action__startswith="effort.").order_by("pk")
    assert list(actions.values_list("action", flat=True))[-2:] == ["effort.clock_started", "effort.planning_notes"]


def test_correcting_the_notes_does_not_start_the_clock_again(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre, days=-2)
    effort = planning_notes_record(effort=effort, actor=centre, **NOTES)
    effort = planning_notes_record(effort=effort, actor=centre, **(NOTES | {"limits": "Även fritidshemmet."}))
    assert effort.notes_limits == "Även fritidshemmet."
    assert ClockEvent.objects.filter(effort=effort).count() == 1
    assert effort.state == Effort.State.PROPOSAL


def test_the_clock_starts_on_the_stockholm_day_of_a_late_meeting(school, centre, principal):
    """A meeting at 00:30 Stockholm time is stored as 23:30 the day before (UTC): the clock starts on
    the Stockholm day."""
    effort = EffortFactory(schools=[school], requested_by=principal)
    day = date(2026, 3, 10)  # a Tuesday
    starts = timezone.make_aware(datetime.combine(day, time(0, 30)))
    planning_meeting_book(effort=effort, actor=centre, starts_at=starts, ends_at=starts + timedelta(hours=1),
                          place="Aulan", now=starts - timedelta(days=1))
    effort.refresh_from_db()
    planning_notes_record(effort=effort, actor=centre, now=starts + timedelta(hours=2), **NOTES)
    assert ClockEvent.objects.get(effort=effort).day == day  # 9 March 23:30 in UTC


def test_the_notes_need_purpose_goals_and_needs(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre, days=-1)
    for field in ("purpose", "goals", "needs"):
        with pytest.raises(PlanningError) as error:
            planning_notes_record(effort=effort, actor=centre, **(NOTES | {field: "  "}))
        assert error.value.field == field
    assert not ClockEvent.objects.exists()
    effort.refresh_from_db()
    assert effort.state == Effort.State.PLANNING
    assert planning_notes_record(effort=effort, actor=centre, **(NOTES | {"limits": ""})).notes_limits == ""


def test_the_principal_gets_the_notes_and_the_promised_date(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre, days=-1)
    effort = planning_notes_record(effort=effort, actor=centre, **NOTES)
    (item,) = OutboxItem.objects.filter(key__startswith=f"effort-planning-notes:{effort.pk}:")
    assert item.payload["to"] == [principal.email]
    assert NOTES["purpose"] in item.payload["text"]
    deadline = clock_of(effort).deadline
    assert deadline is not None and str(deadline.year) in item.payload["text"]


def test_a_moved_meeting_cannot_be_moved_once_its_notes_are_written(school, centre, principal):
    effort = booked_effort(school, principal, coordinator_user=centre, days=-1)
    effort = planning_notes_record(effort=effort, actor=centre, **NOTES)
    assert not planning_meeting_may_move(effort=effort, actor=centre)
    assert not planning_meeting_may_book(effort=effort, actor=centre)
