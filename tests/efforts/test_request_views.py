"""The pages of the request, "Our efforts", withdrawing, taking responsibility and the planning meeting
(inspira/efforts/request_views.py), and their part of the effort's case page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import OutboxItem
from inspira.efforts.models import ClockEvent, Effort
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
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(db):
    return coordinator()


def _request_data(**changes) -> dict:
    return {"title": "Språkutvecklande arbetssätt", "area": area().pk, "need": "Vi vill arbeta språkutvecklande.",
            "target_group": "Alla lärare i åk 4–6", "staff_count": "18", "wished_start": "2027-01-10",
            "wished_end": "2027-05-30"} | changes


def _meeting_data(days=7, start="09:00", end="11:00", **changes) -> dict:
    day = timezone.localdate() + timedelta(days=days)
    return {"date": day.isoformat(), "start_time": start, "end_time": end, "place": "Konferensrummet"} | changes


# --- The whole path through the pages ----------------------------------------------------------------------

def test_request_meeting_and_notes_through_the_pages(school, centre, client_for, en):
    principal = principal_of(school, name="Rut Rektor")
    guest = staff_of(school, name="Lena Lärare")
    client = client_for(principal)

    form = client.get(reverse("efforts:request"))
    assert form.status_code == 200 and "Lena Lärare" in form.text and 'type="checkbox"' in form.text
    response = client.post(reverse("efforts:request"), _request_data(guests=[guest.pk]))
    effort = Effort.objects.get()
    assert response.status_code == 302 and response.url == reverse("efforts:effort_detail", args=[effort.pk])
    assert list(effort.guests.all()) == [guest]
    case = client.get(response.url)
    assert "Vi vill arbeta språkutvecklande." in case.text and "Not booked yet" in case.text
    assert reverse("efforts:withdraw", args=[effort.pk]) in case.text
    assert reverse("efforts:planning_meeting", args=[effort.pk]) not in case.text

    centre_client = client_for(centre)
    case = centre_client.get(reverse("efforts:effort_detail", args=[effort.pk]))
    assert reverse("efforts:assign_me", args=[effort.pk]) in case.text
    assert centre_client.post(reverse("efforts:assign_me", args=[effort.pk])).status_code == 302
    url = reverse("efforts:planning_meeting", args=[effort.pk])
    page = centre_client.get(url)
    assert "Rut Rektor" in page.text and "Lena Lärare" in page.text
    assert centre_client.post(url, _meeting_data()).status_code == 302
    effort.refresh_from_db()
    assert effort.state == Effort.State.PLANNING and effort.leader == centre
    assert Registration.objects.filter(event=effort.planning_meeting).count() == 2

    # Moved: the same page, the same event.
    assert "Move the planning meeting" in centre_client.get(url).text
    assert centre_client.post(url, _meeting_data(days=8, start="13:00", end="15:00")).status_code == 302
    effort.planning_meeting.refresh_from_db()
    assert timezone.localtime(effort.planning_meeting.starts_at).hour == 13

    # After the meeting (moved into the past, as if the week had gone by), the notes.
    effort.planning_meeting.__class__.objects.filter(pk=effort.planning_meeting_id).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1))
    notes = reverse("efforts:planning_notes", args=[effort.pk])
    assert centre_client.post(notes, {"purpose": "Syfte", "goals": "Mål", "needs": "Behov"}).status_code == 302
    effort.refresh_from_db()
    assert effort.state == Effort.State.PROPOSAL and ClockEvent.objects.filter(effort=effort).count() == 1
    case = client_for(principal).get(reverse("efforts:effort_detail", args=[effort.pk]))
    assert "Syfte" in case.text and "Behov" in case.text
    assert notes not in case.text  # the principal does not write the centre's notes


def test_the_request_form_shows_the_rules_at_the_fields(school, centre, client_for, en):
    principal = principal_of(school)
    client = client_for(principal)
    elsewhere = staff_of(SchoolFactory())

    response = client.post(reverse("efforts:request"), _request_data(wished_end="2027-01-01"))
    assert response.status_code == 200
    assert "The wished period must end after it starts." in response.context["form"].errors["wished_end"]
    response = client.post(reverse("efforts:request"), _request_data(guests=[elsewhere.pk]))
    assert response.status_code == 200 and response.context["form"].errors["guests"]
    response = client.post(reverse("efforts:request"), _request_data(staff_count="0", title=""))
    assert set(response.context["form"].errors) == {"staff_count", "title"}
    assert not Effort.objects.exists()


def test_the_request_form_says_why_no_one_can_be_named_for_the_meeting(school, centre, client_for, en):
    client = client_for(principal_of(school))
    alone = client.get(reverse("efforts:request"))
    assert "No one else at the school is confirmed" in str(alone.context["form"].fields["guests"].help_text)

    staff_of(school, name="Kim Kollega")
    page = client.get(reverse("efforts:request"))
    assert "No one else at the school is confirmed" not in str(page.context["form"].fields["guests"].help_text)
    assert "Kim Kollega" in page.content.decode()


def test_who_is_not_a_principal_cannot_request(school, centre, client_for):
    client = client_for(staff_of(school))
    assert client.get(reverse("efforts:request")).status_code == 403
    assert client.post(reverse("efforts:request"), _request_data()).status_code == 403
    assert not Effort.objects.exists()


def test_a_principal_of_several_schools_chooses_the_school(school, other_school, centre, client_for, en):
    principal = principal_of(school)
    from inspira.accounts.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(user=principal, school=other_school, role=Membership.Role.PRINCIPAL)
    client = client_for(principal)
    picker = client.get(reverse("efforts:request"))
    assert "Which unit is the effort for?" in picker.text and other_school.name in picker.text
    form = client.get(reverse("efforts:request"), {"school": other_school.pk})
    assert form.context["school"] == other_school
    response = client.post(reverse("efforts:request") + f"?school={other_school.pk}", _request_data())
    assert response.status_code == 302
    assert list(Effort.objects.get().schools.all()) == [other_school]
    # Another school's number is refused, not quietly replaced.
    assert client.get(reverse("efforts:request"), {"school": SchoolFactory().pk}).status_code == 403


# --- Our efforts ---------------------------------------------------------------------------------------------

def test_our_efforts_lists_the_units_efforts_and_their_history(school, other_school, client_for, en):
    efforts_on()
    principal = principal_of(school)
    current = EffortFactory(schools=[school], title="Matematiklyftet på enheten")
    earlier = EffortFactory(schools=[school], title="Läslyftet", state=Effort.State.WITHDRAWN,
                            withdrawn_reason="Annan lösning")
    EffortFactory(schools=[other_school], title="Grannskolans insats")
    page = client_for(principal).get(reverse("efforts:mine"))
    assert page.status_code == 200
    current_part, earlier_part = page.text.split('id="earlier"')
    assert current.title in current_part and earlier.title in earlier_part
    assert "Grannskolans insats" not in page.text
    assert "Withdrawn" in earlier_part and "Requested" in current_part


def test_our_efforts_empty(school, client_for, en):
    efforts_on()
    page = client_for(principal_of(school)).get(reverse("efforts:mine"))
    assert "Your units have no efforts under way." in page.text
    assert "No effort of your units has ended or been withdrawn yet." in page.text


def test_our_efforts_is_for_principals(school, client_for):
    efforts_on()
    assert client_for(staff_of(school)).get(reverse("efforts:mine")).status_code == 403


def test_our_efforts_queries_stay_constant(school, centre, client_for):
    principal = principal_of(school)
    client = client_for(principal)
    url = reverse("efforts:mine")

    def make(count):
        for _n in range(count):
            guest = staff_of(school)
            EffortFactory(schools=[school, SchoolFactory()], requested_by=principal).guests.set([guest])
            EffortFactory(schools=[school], state=Effort.State.ENDED)
        booked_effort(school, principal, coordinator_user=centre)

    make(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(8)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.context["current"].paginator.count == 11
    assert len(many) == len(few), "\n".join(q["sql"][:300] for q in many.captured_queries)


def test_the_menu_offers_our_efforts_to_principals_only_while_the_programme_is_on(school, client_for):
    principal = principal_of(school)
    client = client_for(principal)
    assert reverse("efforts:mine") not in client.get(reverse("core:dashboard")).text
    efforts_on()
    client = client_for(principal)
    assert reverse("efforts:mine") in client.get(reverse("core:dashboard")).text
    assert reverse("efforts:mine") not in client_for(staff_of(school)).get(reverse("core:dashboard")).text


def test_the_programme_page_links_the_principal_to_the_request(school, client_for, en):
    efforts_on()
    page = client_for(principal_of(school)).get(reverse("efforts:index"))
    assert reverse("efforts:request") in page.text and reverse("efforts:mine") in page.text
    page = client_for(staff_of(school)).get(reverse("efforts:index"))
    assert reverse("efforts:request") not in page.text


# --- Withdrawing, responsibility, the meeting ----------------------------------------------------------------

def test_withdrawing_through_the_page_needs_a_reason_and_cancels_the_meeting(school, centre, client_for, en):
    principal = principal_of(school)
    effort = booked_effort(school, principal, coordinator_user=centre)
    client = client_for(principal)
    url = reverse("efforts:withdraw", args=[effort.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert client.post(url, {"reason": "Vi har fått annan hjälp."}).status_code == 302
    effort.refresh_from_db()
    effort.planning_meeting.refresh_from_db()
    assert effort.state == Effort.State.WITHDRAWN and effort.planning_meeting.is_cancelled
    case = client.get(reverse("efforts:effort_detail", args=[effort.pk]))
    assert "Vi har fått annan hjälp." in case.text and url not in case.text
    again = client.get(url)
    assert again.status_code == 302  # with a message: it is withdrawn already


def test_staff_of_the_school_cannot_withdraw(school, centre, client_for):
    effort = EffortFactory(schools=[school], requested_by=principal_of(school))
    assert client_for(staff_of(school)).post(reverse("efforts:withdraw", args=[effort.pk]),
                                             {"reason": "Nej"}).status_code == 403
    effort.refresh_from_db()
    assert effort.state == Effort.State.REQUESTED


def test_the_principal_cannot_book_or_take_the_effort(school, centre, client_for):
    principal = principal_of(school)
    effort = EffortFactory(schools=[school], requested_by=principal)
    client = client_for(principal)
    assert client.post(reverse("efforts:assign_me", args=[effort.pk])).status_code == 403
    assert client.post(reverse("efforts:planning_meeting", args=[effort.pk]), _meeting_data()).status_code == 403
    assert client.get(reverse("efforts:planning_notes", args=[effort.pk])).status_code == 403


def test_the_booking_form_shows_the_events_rules_at_the_fields(school, centre, client_for, en):
    effort = EffortFactory(schools=[school], requested_by=principal_of(school))
    client = client_for(centre)
    url = reverse("efforts:planning_meeting", args=[effort.pk])
    response = client.post(url, _meeting_data(place=""))
    assert "Give a place, an online link or both." in response.context["form"].errors["place"]
    response = client.post(url, _meeting_data(start="11:00", end="10:00"))
    assert response.context["form"].errors["end_time"]
    response = client.post(url, _meeting_data(days=-1))
    assert response.context["form"].errors["date"]
    assert effort.__class__.objects.get(pk=effort.pk).planning_meeting is None


def test_the_notes_page_waits_for_the_meeting(school, centre, client_for):
    effort = booked_effort(school, principal_of(school), coordinator_user=centre)
    response = client_for(centre).get(reverse("efforts:planning_notes", args=[effort.pk]))
    assert response.status_code == 302
    assert not ClockEvent.objects.exists()


def test_the_invitation_email_is_sent_through_the_outbox(school, centre, client_for):
    principal = principal_of(school)
    effort = EffortFactory(schools=[school], requested_by=principal)
    client_for(centre).post(reverse("efforts:planning_meeting", args=[effort.pk]), _meeting_data())
    assert OutboxItem.objects.filter(key__startswith="event-registered:", payload__to=[principal.email]).exists()


def test_a_time_the_clocks_skip_is_refused_at_the_field(school, centre, client_for, en):
    """02:30 on the last Sunday of March 2027 does not exist in Stockholm."""
    effort = EffortFactory(schools=[school], requested_by=principal_of(school))
    response = client_for(centre).post(reverse("efforts:planning_meeting", args=[effort.pk]), {
        "date": "2027-03-28", "start_time": "02:30", "end_time": "04:00", "place": "Aulan"})
    assert response.status_code == 200
    assert "The clocks change at that time; choose another." in response.context["form"].errors["start_time"]
    effort.refresh_from_db()
    assert effort.planning_meeting is None


def test_a_meeting_on_the_autumn_dst_day_keeps_its_wall_clock_time(school, centre, client_for):
    effort = EffortFactory(schools=[school], requested_by=principal_of(school))
    client_for(centre).post(reverse("efforts:planning_meeting", args=[effort.pk]), {
        "date": "2027-10-31", "start_time": "09:00", "end_time": "11:00", "place": "Aulan"})
    effort.refresh_from_db()
    starts = timezone.localtime(effort.planning_meeting.starts_at)
    assert (starts.date().isoformat(), starts.hour, starts.utcoffset()) == ("2027-10-31", 9, timedelta(hours=1))
