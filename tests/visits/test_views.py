import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.visits.models import Booking, Occasion, SchoolVisitSettings, WaitingListEntry
from tests.factories import SchoolFactory
from tests.visits.builders import make_booking, make_occasion, make_waiting_entry, member, working_day

pytestmark = pytest.mark.usefixtures("en")


def occasion_post(day, **overrides):
    return {"date": day.isoformat(), "slot": "morning", "start_time": "09:00", "end_time": "12:00",
            "place": "Aulan", "capacity": "12", "note": ""} | overrides


def booking_post(client, occasion, **overrides):
    page = client.get(reverse("visits:book", args=[occasion.pk]))
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    school = page.context["form"].fields["school"].queryset.first()
    return {"school": school.pk, "idempotency_key": key, "participants": "3", "participant_names": "",
            "contact_name": "Vera", "contact_email": "vera@example.se", "contact_phone": "", "message": ""} | overrides


# --- The host -------------------------------------------------------------------------------------------

def test_site_contact_adds_an_occasion(client_for, certification, site_contact):
    client = client_for(site_contact)
    day = working_day(timezone.localdate() + timedelta(days=10))
    response = client.post(reverse("visits:occasion_create", args=[certification.pk]), occasion_post(day))
    assert response.status_code == 302
    assert Occasion.objects.get().date == day


def test_a_date_outside_the_certification_is_shown_at_the_date_field(client_for, certification, site_contact):
    client = client_for(site_contact)
    day = certification.ends_on + timedelta(days=1)
    response = client.post(reverse("visits:occasion_create", args=[certification.pk]), occasion_post(day))
    assert response.status_code == 200
    assert "outside the site&#x27;s certification period" in response.content.decode()
    assert response.context["form"].errors["date"]
    assert not Occasion.objects.exists()


def test_a_series_is_previewed_and_unticked_dates_are_skipped(client_for, certification, site_contact):
    client = client_for(site_contact)
    url = reverse("visits:occasion_series", args=[certification.pk])
    first = timezone.localdate() + timedelta(days=7)
    pattern = {"weekday": "1", "slot": "morning", "start_time": "09:00", "end_time": "12:00",
               "first_date": first.isoformat(), "weeks": "4", "place": "Aulan", "capacity": "15", "note": ""}
    preview = client.post(url, pattern | {"step": "pattern"})
    assert preview.status_code == 200
    choices = [value for value, _label in preview.context["dates_form"].fields["dates"].choices]
    assert len(choices) == 4 and not Occasion.objects.exists()
    assert preview.content.decode().count('checked') >= 4  # all dates ticked to start with

    response = client.post(url, pattern | {"step": "create", "dates": [choices[0], choices[2], choices[3]]})
    assert response.status_code == 302
    assert [o.date.isoformat() for o in Occasion.objects.order_by("date")] == [choices[0], choices[2], choices[3]]


def test_host_edits_and_cancels_an_occasion(client_for, occasion, site_contact, other_school, teacher):
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    client = client_for(site_contact)
    response = client.post(reverse("visits:occasion_edit", args=[occasion.pk]),
                           occasion_post(occasion.date, start_time="10:00"))
    assert response.status_code == 302
    response = client.post(reverse("visits:occasion_cancel", args=[occasion.pk]), {"reason": "Studiedag"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.sequence == 2


def test_staff_who_are_not_site_contacts_cannot_manage(client_for, certification, staff):
    client = client_for(staff)
    assert client.get(reverse("visits:occasion_create", args=[certification.pk])).status_code == 403
    assert client.get(reverse("visits:site_occasions", args=[certification.pk])).status_code == 403


def test_site_occasions_list_queries(client_for, certification, site_contact, other_school,
                                     django_assert_num_queries):
    for _ in range(5):
        occasion = make_occasion(certification=certification)
        make_booking(occasion=occasion, school=other_school, booked_by=member(other_school))
    client = client_for(site_contact)
    client.get(reverse("visits:site_occasions", args=[certification.pk]))  # warm the session
    with django_assert_num_queries(7):
        response = client.get(reverse("visits:site_occasions", args=[certification.pk]))
    assert len(response.context["page_obj"]) == 5


def test_the_host_sets_the_cancellation_deadline(client_for, certification, site_contact):
    client = client_for(site_contact)
    client.post(reverse("visits:site_settings", args=[certification.pk]),
                {"cancellation_deadline_working_days": "3"})
    assert certification.visit_settings.cancellation_deadline_working_days == 3


# --- The visitors ----------------------------------------------------------------------------------------

def test_a_double_submitted_booking_form_books_once(client_for, occasion, teacher):
    client = client_for(teacher)
    data = booking_post(client, occasion)
    first = client.post(reverse("visits:book", args=[occasion.pk]), data)
    second = client.post(reverse("visits:book", args=[occasion.pk]), data)
    booking = Booking.objects.get()
    assert first["Location"] == second["Location"] == reverse("visits:booking", args=[booking.pk])
    page = client.get(first["Location"])
    assert "The visit is booked" in page.content.decode()


def test_a_full_occasion_offers_the_waiting_list(client_for, certification, teacher):
    occasion = make_occasion(certification=certification, capacity=3)
    school = SchoolFactory()
    make_booking(occasion=occasion, school=school, booked_by=member(school), participants=3)
    client = client_for(teacher)
    page = client.get(reverse("visits:book", args=[occasion.pk]))
    assert reverse("visits:waiting_list_join", args=[occasion.pk]) in page.content.decode()
    response = client.post(reverse("visits:waiting_list_join", args=[occasion.pk]), {
        "school": teacher.memberships.get().school_id, "participants": "2", "contact_name": "Vera",
        "contact_email": "vera@example.se",
    })
    entry = WaitingListEntry.objects.get()
    assert response["Location"] == reverse("visits:waiting_entry", args=[entry.pk])


def test_the_loser_of_the_last_places_sees_why(client_for, certification, teacher):
    occasion = make_occasion(certification=certification, capacity=3)
    client = client_for(teacher)
    data = booking_post(client, occasion)
    school = SchoolFactory()
    make_booking(occasion=occasion, school=school, booked_by=member(school), participants=3)  # meanwhile
    response = client.post(reverse("visits:book", args=[occasion.pk]), data)
    assert response.status_code == 200
    assert "the occasion is fully booked" in response.content.decode()
    assert reverse("visits:waiting_list_join", args=[occasion.pk]) in response.content.decode()


def test_a_school_visiting_itself_is_told_so_and_offered_no_form(client_for, occasion, staff):
    client = client_for(staff)
    page = client.get(reverse("visits:book", args=[occasion.pk])).content.decode()
    assert "a school cannot visit itself" in page
    assert 'name="idempotency_key"' not in page
    waiting = client.get(reverse("visits:waiting_list_join", args=[occasion.pk])).content.decode()
    assert "a school cannot visit itself" in waiting and 'name="participants"' not in waiting
    client.post(reverse("visits:book", args=[occasion.pk]), {
        "school": occasion.certification.school_id, "participants": 2, "contact_name": "A",
        "contact_email": "a@example.se", "idempotency_key": "2f1c1f9e-1111-4111-8111-111111111111"})
    assert not Booking.objects.exists()


def test_the_principal_approves_a_held_booking(client_for, occasion, teacher, other_school, visiting_principal):
    SchoolVisitSettings.objects.create(school=other_school, requires_principal_approval=True)
    client = client_for(teacher)
    client.post(reverse("visits:book", args=[occasion.pk]), booking_post(client, occasion))
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD
    assert client.get(reverse("visits:booking_approve", args=[booking.pk])).status_code == 403

    client = client_for(visiting_principal)
    response = client.post(reverse("visits:booking_approve", args=[booking.pk]), {"decision": "approve"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_visitor_cancels_before_the_deadline(client_for, occasion, teacher, other_school):
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    client = client_for(teacher)
    assert reverse("visits:booking_cancel", args=[booking.pk]) in client.get(
        reverse("visits:booking", args=[booking.pk])).content.decode()
    response = client.post(reverse("visits:booking_cancel", args=[booking.pk]), {"reason": ""})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_an_offer_is_accepted_from_its_page(client_for, certification, teacher, other_school):
    occasion = make_occasion(certification=certification, capacity=3)
    entry = make_waiting_entry(occasion=occasion, school=other_school, user=teacher, participants=2,
                               status=WaitingListEntry.Status.OFFERED, offered_at=timezone.now(),
                               offer_expires_at=timezone.now() + timedelta(hours=48))
    client = client_for(teacher)
    assert "Accept and book" in client.get(reverse("visits:waiting_entry", args=[entry.pk])).content.decode()
    response = client.post(reverse("visits:waiting_accept", args=[entry.pk]))
    booking = Booking.objects.get()
    assert response["Location"] == reverse("visits:booking", args=[booking.pk])


def test_my_bookings_list_queries(client_for, certification, teacher, other_school, django_assert_num_queries):
    for _ in range(6):
        make_booking(occasion=make_occasion(certification=certification), school=other_school,
                     booked_by=member(other_school))
    client = client_for(teacher)
    client.get(reverse("visits:mine"))
    with django_assert_num_queries(8):
        response = client.get(reverse("visits:mine"))
    assert len(response.context["page_obj"]) == 6


def test_my_bookings_shows_only_my_schools(client_for, occasion, teacher):
    stranger = SchoolFactory()
    make_booking(occasion=occasion, school=stranger, booked_by=member(stranger))
    response = client_for(teacher).get(reverse("visits:mine"))
    assert len(response.context["page_obj"]) == 0
    assert "Your schools have no coming visits." in response.content.decode()


def test_free_occasions_list_queries(client, certification, django_assert_num_queries):
    for _ in range(6):
        make_occasion(certification=certification)
    with django_assert_num_queries(2):
        response = client.get(reverse("visits:free"))
    assert len(response.context["page_obj"]) == 6
