"""The principal's request, withdrawing it, and a coordinator taking responsibility (inspira/efforts/requests.py)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.core.models import AuditEvent, OutboxItem
from inspira.efforts.models import Effort
from inspira.efforts.requests import (
    RequestError,
    effort_assign,
    effort_may_withdraw,
    effort_request,
    effort_withdraw,
    efforts_of_schools,
    guest_candidates,
)
from inspira.events.models import Registration
from tests.efforts.factories import (
    EffortFactory,
    area,
    booked_effort,
    coordinator,
    efforts_on,
    principal_of,
    staff_of,
)
from tests.factories import MembershipFactory, SchoolFactory, UserFactory, member


def _request(school, actor, **changes):
    fields = {"title": "Språkutvecklande arbetssätt", "area": area(), "need": "Vi vill arbeta språkutvecklande.",
              "target_group": "Alla lärare i åk 4–6", "staff_count": 18, "wished_start": date(2027, 1, 10),
              "wished_end": date(2027, 5, 30), "guests": []}
    return effort_request(school=school, actor=actor, **(fields | changes))


@pytest.fixture
def centre(db):
    return coordinator()


def test_a_principal_requests_an_effort_for_the_school(school, centre):
    principal = principal_of(school)
    teacher = staff_of(school, name="Lena Lärare")

    effort = _request(school, principal, guests=[teacher])

    assert effort.state == Effort.State.REQUESTED
    assert effort.programme.key == "tailor_made" and effort.cooperation_id is None
    assert list(effort.schools.all()) == [school]
    assert list(effort.guests.all()) == [teacher]
    assert effort.requested_by == principal and effort.requested_at is not None
    assert AuditEvent.objects.filter(action="effort.requested", actor=principal, object_id=str(effort.pk)).exists()


def test_the_coordinators_are_told_and_the_principal_gets_a_confirmation(school, centre):
    principal = principal_of(school)
    second = coordinator()
    effort = _request(school, principal)

    to_centre = OutboxItem.objects.get(key=f"effort-requested:{effort.pk}")
    assert sorted(to_centre.payload["to"]) == sorted([centre.email, second.email])
    assert "Språkutvecklande arbetssätt" in to_centre.payload["subject"]
    assert "Vi vill arbeta språkutvecklande." in to_centre.payload["text"]
    confirmation = OutboxItem.objects.get(key=f"effort-request-received:{effort.pk}")
    assert confirmation.payload["to"] == [principal.email]
    assert f"/insatser/{effort.pk}/" in confirmation.payload["text"]


def test_a_coordinator_of_another_programme_is_not_told(school, centre):
    from tests.factories import ProgrammeCoordinatorFactory, programme

    other = ProgrammeCoordinatorFactory(programme=programme("benchmarking")).user
    effort = _request(school, principal_of(school))
    assert other.email not in OutboxItem.objects.get(key=f"effort-requested:{effort.pk}").payload["to"]


def test_someone_who_is_not_the_principal_cannot_request(school, centre):
    with pytest.raises(RequestError):
        _request(school, staff_of(school))
    with pytest.raises(RequestError):
        _request(school, principal_of(SchoolFactory()))  # a principal, of another school
    assert not Effort.objects.exists()


def test_an_unconfirmed_principal_cannot_request(school, centre):
    pending = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL, confirmed_at=None).user
    with pytest.raises(RequestError):
        _request(school, pending)


def test_the_wished_period_must_not_end_before_it_starts(school, centre):
    with pytest.raises(RequestError) as error:
        _request(school, principal_of(school), wished_start=date(2027, 5, 1), wished_end=date(2027, 4, 30))
    assert error.value.field == "wished_end"
    assert not Effort.objects.exists()
    # One day is a period.
    assert _request(school, principal_of(school), wished_start=date(2027, 5, 1), wished_end=date(2027, 5, 1))


def test_guests_from_another_school_are_refused(school, centre):
    elsewhere = staff_of(SchoolFactory())
    with pytest.raises(RequestError) as error:
        _request(school, principal_of(school), guests=[elsewhere])
    assert error.value.field == "guests"
    assert not Effort.objects.exists()


def test_an_unconfirmed_member_or_the_principal_is_no_guest(school, centre):
    principal = principal_of(school)
    pending = MembershipFactory(school=school, confirmed_at=None).user
    with pytest.raises(RequestError):
        _request(school, principal, guests=[pending])
    with pytest.raises(RequestError) as error:
        _request(school, principal, guests=[principal])
    assert error.value.field == "guests"


def test_the_guests_offered_are_the_confirmed_staff_not_the_principals(school):
    principal = principal_of(school)
    teacher = staff_of(school)
    contact = member(school, role=Membership.Role.SITE_CONTACT)
    MembershipFactory(school=school, confirmed_at=None)
    staff_of(SchoolFactory())
    assert set(guest_candidates(school)) == {teacher, contact}
    assert principal not in guest_candidates(school)


@pytest.mark.parametrize(("field", "changes"), [
    ("title", {"title": "  "}), ("need", {"need": ""}), ("target_group", {"target_group": " "}),
    ("staff_count", {"staff_count": 0}),
])
def test_the_request_needs_its_details(school, centre, field, changes):
    with pytest.raises(RequestError) as error:
        _request(school, principal_of(school), **changes)
    assert error.value.field == field


def test_an_area_no_longer_in_use_is_refused(school, centre):
    old = area("Ett gammalt område")
    old.is_active = False
    old.save()
    with pytest.raises(RequestError) as error:
        _request(school, principal_of(school), area=old)
    assert error.value.field == "area"


# --- Withdrawing ----------------------------------------------------------------------------------------------

def test_the_principal_withdraws_the_request_with_a_reason(school, centre):
    principal = principal_of(school)
    effort = _request(school, principal)
    with pytest.raises(RequestError) as error:
        effort_withdraw(effort=effort, actor=principal, reason="  ")
    assert error.value.field == "reason"

    effort = effort_withdraw(effort=effort, actor=principal, reason="Vi har fått en annan lösning.")

    assert effort.state == Effort.State.WITHDRAWN
    assert effort.withdrawn_reason == "Vi har fått en annan lösning."
    assert AuditEvent.objects.filter(action="effort.withdrawn", actor=principal).exists()
    told = OutboxItem.objects.get(key=f"effort-withdrawn:{effort.pk}")
    assert centre.email in told.payload["to"] and principal.email not in told.payload["to"]


def test_withdrawing_cancels_the_booked_meeting(school, centre):
    principal = principal_of(school)
    guest = staff_of(school)
    effort = booked_effort(school, principal, coordinator_user=centre, guests=[guest])
    meeting = effort.planning_meeting

    effort_withdraw(effort=effort, actor=centre, reason="Rektor har bytt skola.")

    meeting.refresh_from_db()
    assert meeting.is_cancelled and "Rektor har bytt skola." in meeting.cancellation_reason
    assert not Registration.objects.filter(event=meeting, status=Registration.Status.CONFIRMED).exists()
    # Those invited get the cancellation, with the calendar file that takes the meeting away.
    cancelled = OutboxItem.objects.filter(key__startswith="event-cancelled:")
    assert sorted(to for item in cancelled for to in item.payload["to"]) == sorted([principal.email, guest.email])
    assert all(item.payload["attachments"] for item in cancelled)
    assert principal.email in OutboxItem.objects.get(key=f"effort-withdrawn:{effort.pk}").payload["to"]


def test_a_meeting_that_has_taken_place_stays_as_it_was(school, centre):
    effort = booked_effort(school, principal_of(school), coordinator_user=centre, days=-1)
    effort_withdraw(effort=effort, actor=centre, reason="Inget behov längre.")
    effort.planning_meeting.refresh_from_db()
    assert not effort.planning_meeting.is_cancelled


def test_only_the_unit_s_principal_or_the_centre_withdraws(school, centre):
    effort = _request(school, principal_of(school))
    for someone in (staff_of(school), principal_of(SchoolFactory()), UserFactory()):
        assert not effort_may_withdraw(effort=effort, actor=someone)
        with pytest.raises(RequestError):
            effort_withdraw(effort=effort, actor=someone, reason="Nej")
    assert effort_may_withdraw(effort=effort, actor=centre)


@pytest.mark.parametrize("state", [Effort.State.ENDED, Effort.State.WITHDRAWN])
def test_an_ended_or_withdrawn_effort_cannot_be_withdrawn(school, centre, state):
    principal = principal_of(school)
    effort = EffortFactory(schools=[school], state=state, withdrawn_reason="Tidigare")
    assert not effort_may_withdraw(effort=effort, actor=principal)
    with pytest.raises(RequestError):
        effort_withdraw(effort=effort, actor=principal, reason="Igen")


# --- Responsibility --------------------------------------------------------------------------------------------

def test_a_coordinator_takes_responsibility(school, centre):
    effort = EffortFactory(schools=[school])
    effort = effort_assign(effort=effort, leader=centre, actor=centre)
    assert effort.leader == centre
    assert AuditEvent.objects.filter(action="effort.assigned", actor=centre).count() == 1
    effort_assign(effort=effort, leader=centre, actor=centre)  # again: nothing changes
    assert AuditEvent.objects.filter(action="effort.assigned").count() == 1


def test_the_responsible_must_be_of_the_centre(school, centre, administrator):
    effort = EffortFactory(schools=[school])
    with pytest.raises(RequestError) as error:
        effort_assign(effort=effort, leader=staff_of(school), actor=centre)
    assert error.value.field == "leader"
    assert effort_assign(effort=effort, leader=administrator, actor=centre).leader == administrator
    with pytest.raises(RequestError):
        effort_assign(effort=effort, leader=centre, actor=principal_of(school))


def test_a_coordinator_of_a_programme_that_is_off_cannot_take_it(school, centre):
    from inspira.programmes import state
    from inspira.programmes.models import Programme

    effort = EffortFactory(schools=[school])
    Programme.objects.filter(key="tailor_made").update(is_active=False)
    state.forget()
    with pytest.raises(RequestError):
        effort_assign(effort=effort, leader=centre, actor=centre)
    efforts_on()


# --- Reading -----------------------------------------------------------------------------------------------------

def test_the_units_efforts_are_split_into_current_and_earlier(school, other_school):
    efforts_on()
    running = EffortFactory(schools=[school], state=Effort.State.RUNNING)
    requested = EffortFactory(schools=[school], state_changed_at=timezone.now() + timedelta(minutes=1))
    ended = EffortFactory(schools=[school], state=Effort.State.ENDED)
    EffortFactory(schools=[other_school])
    both = EffortFactory(schools=[school, other_school])
    assert list(efforts_of_schools([school.pk], current=True)) == [requested, both, running]
    assert list(efforts_of_schools([school.pk], current=False)) == [ended]
