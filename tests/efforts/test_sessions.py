"""The effort's sessions (inspira/efforts/sessions.py): events of the events app for the unit's staff."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inspira.accounts.models import Membership
from inspira.core.models import AuditEvent, OutboxItem
from inspira.efforts import recipients, sessions
from inspira.efforts.models import Effort, Session
from inspira.events.eligibility import group_label, is_member
from inspira.events.models import Eligibility, Event
from inspira.events.registrations import RegistrationError, registration_create
from inspira.events.rules import EventInputError
from tests.efforts.factories import EffortFactory, centre, coordinator, principal_of, running_effort, session_of
from tests.factories import MembershipFactory, RegistrationFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_session_is_an_event_for_the_units_staff_with_the_whole_staffs_places(school):
    effort = running_effort(schools=[school], staff_count=24)
    session = session_of(effort, actor=coordinator())
    event = session.event
    assert session.effort == effort
    assert event.kind == Event.Kind.SESSION and event.programme == effort.programme
    assert event.eligibility == Eligibility.GROUP and event.eligible_group == sessions.GROUP_KEY
    assert event.capacity == 24 and not event.is_public
    assert group_label(sessions.GROUP_KEY) == "Staff of the units of a development effort"
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "event.created", "effort.session_added"]


def test_the_places_given_take_the_place_of_the_number_of_staff(school):
    effort = running_effort(schools=[school], staff_count=24)
    assert session_of(effort, capacity=30).event.capacity == 30


def test_without_a_number_of_staff_the_places_must_be_given(school):
    effort = running_effort(schools=[school], staff_count=None)
    with pytest.raises(EventInputError) as error:
        session_of(effort)
    assert "capacity" in error.value.errors
    assert not Event.objects.exists() and not Session.objects.exists()


@pytest.mark.parametrize("state", [Effort.State.REQUESTED, Effort.State.PLANNING, Effort.State.PROPOSAL,
                                   Effort.State.ENDED])
def test_sessions_are_planned_only_while_the_effort_runs(school, state):
    effort = EffortFactory(schools=[school], state=state)
    assert not sessions.session_may_add(effort=effort)
    with pytest.raises(sessions.SessionError, match="running"):
        session_of(effort)
    assert not Event.objects.exists()


def test_only_those_who_lead_the_effort_plan_its_sessions(school):
    effort = running_effort(schools=[school])
    with pytest.raises(sessions.SessionError, match="Only those who lead"):
        session_of(effort, actor=principal_of(school))
    assert not Event.objects.exists()


def test_the_principal_is_told_with_the_link_where_the_staff_register(school, django_capture_on_commit_callbacks):
    effort = running_effort(schools=[school], title="Språkutvecklande arbetssätt")
    principal = principal_of(school)
    member(school)  # the staff are not emailed: they register on the event's page
    with django_capture_on_commit_callbacks(execute=True):
        session = session_of(effort)
    item = OutboxItem.objects.get(key=f"effort-session-added:{session.pk}")
    assert item.payload["to"] == [principal.email]
    assert f"/kalender/{session.event.pk}/" in item.payload["text"]
    assert "Språkutvecklande arbetssätt" in item.payload["subject"]


# --- Who may register: the unit's staff only --------------------------------------------------------------------

def test_only_the_confirmed_staff_of_the_efforts_units_may_register(school, other_school):
    effort = running_effort(schools=[school])
    session = session_of(effort)
    staff, principal = member(school), principal_of(school)
    other = member(other_school)
    pending = MembershipFactory(school=school, confirmed_at=None).user
    assert is_member(sessions.GROUP_KEY, staff, session.event)
    assert is_member(sessions.GROUP_KEY, principal, session.event)
    assert not is_member(sessions.GROUP_KEY, other, session.event)
    assert not is_member(sessions.GROUP_KEY, pending, session.event)
    assert not is_member(sessions.GROUP_KEY, staff, None)  # the group means something only for a session
    assert registration_create(event=session.event, user=staff).status == "confirmed"
    with pytest.raises(RegistrationError, match="not open to you"):
        registration_create(event=session.event, user=other)


def test_the_staff_of_one_effort_may_not_register_for_anothers_session(school, other_school):
    ours = session_of(running_effort(schools=[school]))
    theirs = session_of(running_effort(schools=[other_school]))
    staff = member(school)
    assert is_member(sessions.GROUP_KEY, staff, ours.event)
    assert not is_member(sessions.GROUP_KEY, staff, theirs.event)


def test_an_effort_for_two_units_admits_the_staff_of_both(school, other_school):
    session = session_of(running_effort(schools=[school, other_school]))
    assert is_member(sessions.GROUP_KEY, member(school), session.event)
    assert is_member(sessions.GROUP_KEY, member(other_school), session.event)
    assert not is_member(sessions.GROUP_KEY, member(SchoolFactory()), session.event)


# --- Moving and cancelling -----------------------------------------------------------------------------------

def _fields(session, **changes) -> dict:
    event = session.event
    return {"title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at, "place": event.place,
            "capacity": event.capacity, "description": event.description} | changes


def test_moving_a_session_goes_through_the_events_app_and_is_on_record(school):
    session = session_of(running_effort(schools=[school]))
    actor = centre()
    later = session.event.starts_at + timedelta(days=7)
    session = sessions.session_update(session=session, actor=actor,
                                      **_fields(session, starts_at=later, ends_at=later + timedelta(hours=3)))
    session.event.refresh_from_db()
    assert session.event.starts_at == later and session.event.sequence == 1
    assert list(AuditEvent.objects.filter(actor=actor).order_by("pk").values_list("action", flat=True)) == [
        "event.updated", "effort.session_changed"]


def test_saving_a_session_unchanged_writes_nothing(school):
    session = session_of(running_effort(schools=[school]))
    actor = centre()
    sessions.session_update(session=session, actor=actor, **_fields(session))
    assert not AuditEvent.objects.filter(actor=actor).exists()


def test_cancelling_a_session_tells_the_registered_and_ends_its_changes(school):
    session = session_of(running_effort(schools=[school]))
    RegistrationFactory(event=session.event, user=member(school))
    actor = centre()
    session = sessions.session_cancel(session=session, actor=actor, reason="Sjukdom")
    assert session.event.is_cancelled and session.event.cancellation_reason == "Sjukdom"
    assert list(AuditEvent.objects.filter(actor=actor).order_by("pk").values_list("action", flat=True)) == [
        "event.cancelled", "effort.session_cancelled"]
    assert not sessions.session_may_change(session=session)
    with pytest.raises(sessions.SessionError):
        sessions.session_update(session=session, actor=actor, **_fields(session, title="Ny"))
    with pytest.raises(sessions.SessionError):
        sessions.session_cancel(session=session, actor=actor, reason="Igen")


def test_the_principal_is_told_when_a_session_moves_or_is_cancelled(school, django_capture_on_commit_callbacks):
    effort = running_effort(schools=[school], title="Språkutvecklande arbetssätt")
    principal = principal_of(school)
    session = session_of(effort)
    actor = centre()
    later = session.event.starts_at + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        session = sessions.session_update(session=session, actor=actor,
                                          **_fields(session, starts_at=later, ends_at=later + timedelta(hours=3)))
    moved = OutboxItem.objects.get(key=f"effort-session-changed:{session.pk}:1")
    assert moved.payload["to"] == [principal.email]
    assert "flyttat" in moved.payload["subject"] and "Språkutvecklande arbetssätt" in moved.payload["subject"]

    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_update(session=session, actor=actor, **_fields(session))  # nothing changed: no email
        session = sessions.session_cancel(session=session, actor=actor, reason="Sjukdom")
    cancelled = OutboxItem.objects.get(key=f"effort-session-changed:{session.pk}:{session.event.sequence}")
    assert "inställt" in cancelled.payload["subject"] and "Sjukdom" in cancelled.payload["text"]
    assert OutboxItem.objects.filter(key__startswith="effort-session-changed:").count() == 2


def test_a_session_cannot_be_cancelled_without_a_reason(school):
    session = session_of(running_effort(schools=[school]))
    with pytest.raises(EventInputError):
        sessions.session_cancel(session=session, actor=centre(), reason="  ")
    session.event.refresh_from_db()
    assert not session.event.is_cancelled


# --- Reading -------------------------------------------------------------------------------------------------

def test_sessions_list_with_their_registered_places_in_time_order(school):
    effort = running_effort(schools=[school])
    second = session_of(effort, days=21)
    first = session_of(effort, days=7)
    RegistrationFactory(event=first.event, user=member(school))
    RegistrationFactory(event=first.event, user=principal_of(school), is_group=True, participants=4)
    RegistrationFactory(event=first.event, user=member(school), status="cancelled")
    listed = list(sessions.sessions_of(effort))
    assert [s.pk for s in listed] == [first.pk, second.pk]
    assert [s.registered for s in listed] == [5, 0]


def test_the_list_of_sessions_keeps_its_queries_as_it_grows(school):
    effort = running_effort(schools=[school])
    session_of(effort)

    def read():
        with CaptureQueriesContext(connection) as queries:
            for session in sessions.sessions_of(effort):
                str(session.event.title), session.registered
        return len(queries)

    few = read()
    for days in (3, 5, 8, 9):
        RegistrationFactory(event=session_of(effort, days=days).event, user=member(school))
    assert read() == few


def test_the_last_session_is_the_latest_not_cancelled(school):
    effort = running_effort(schools=[school])
    assert sessions.last_session(effort) is None
    first = session_of(effort, days=3)
    last = session_of(effort, days=10)
    assert sessions.last_session(effort) == last
    sessions.session_cancel(session=last, actor=centre(), reason="Flyttas inte")
    assert sessions.last_session(effort) == first


def test_principal_emails_are_the_confirmed_active_principals_of_the_units(school, other_school):
    effort = running_effort(schools=[school, other_school])
    ours, theirs = principal_of(school), principal_of(other_school)
    MembershipFactory(school=school, role=Membership.Role.PRINCIPAL, confirmed_at=None)
    retired = principal_of(school)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    principal_of(SchoolFactory())
    assert sorted(recipients.principal_emails(effort)) == sorted([ours.email, theirs.email])
