"""What a visitor is shown before and around a booking: full occasions with their waiting list,
who is asked to log in, one's own school's occasions, the deadline warning and the label of a
visit the visitors called off. The decisions come from the services' predicates; the pages only
show them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from inspira.accounts.models import Membership
from inspira.visits import services
from inspira.visits.models import Booking, SiteVisitSettings
from tests.factories import SchoolFactory, UserFactory
from tests.visits.builders import make_booking, make_occasion, make_waiting_entry, member

pytestmark = pytest.mark.usefixtures("en")


@pytest.fixture
def full_occasion(certification, other_school):
    occasion = make_occasion(certification=certification, capacity=4)
    make_booking(occasion=occasion, school=other_school, booked_by=member(other_school), participants=4)
    return occasion


def _site_page(client, certification):
    return client.get(reverse("catalogue:site", args=[certification.pk])).content.decode()


# --- Full occasions stay on the lists, with their waiting list ---------------------------------------------------

def test_a_full_occasion_is_listed_with_its_waiting_list(client, full_occasion, certification):
    open_one = make_occasion(certification=certification, day=full_occasion.date + timedelta(days=1))
    page = client.get(reverse("visits:free")).content.decode()
    assert reverse("visits:waiting_list_join", args=[full_occasion.pk]) in page
    assert reverse("visits:book", args=[full_occasion.pk]) not in page
    assert reverse("visits:book", args=[open_one.pk]) in page
    assert "Full" in page


def test_the_site_page_lists_a_full_occasion_with_its_waiting_list(client, full_occasion, certification):
    page = _site_page(client, certification)
    assert reverse("visits:waiting_list_join", args=[full_occasion.pk]) in page
    assert reverse("visits:book", args=[full_occasion.pk]) not in page


def test_the_catalogue_filter_still_means_free_places(full_occasion, certification):
    from inspira.certification.models import Certification
    from inspira.visits.selectors import certifications_with_free_occasions

    assert not certifications_with_free_occasions(Certification.objects.all()).exists()


def test_free_occasions_queries_stay_constant_for_a_logged_in_teacher(client_for, certification, teacher,
                                                                      django_assert_num_queries):
    for i in range(6):
        occasion = make_occasion(certification=certification, capacity=2)
        if i % 2:
            make_booking(occasion=occasion, school=teacher.memberships.get().school, booked_by=teacher,
                         participants=2)
    client = client_for(teacher)
    client.get(reverse("visits:free"))  # warm the session
    # session, user, the teacher's schools, count, the page of occasions
    with django_assert_num_queries(5):
        response = client.get(reverse("visits:free"))
    rows = response.context["rows"]
    assert len(rows) == 6 and sum(row.offer_waiting_list for row in rows) == 3


# --- Who is asked to log in, and one's own school ---------------------------------------------------------------

def test_only_anonymous_visitors_are_asked_to_log_in(client, client_for, certification, occasion, teacher):
    assert "Log in to book for your school." in client.get(reverse("visits:free")).content.decode()
    assert "Log in to book for your school." in _site_page(client, certification)
    client = client_for(teacher)
    assert "Log in to book" not in client.get(reverse("visits:free")).content.decode()
    assert "Log in to book" not in _site_page(client, certification)


def test_a_person_without_a_school_is_told_to_connect_to_one(client_for, certification, occasion):
    client = client_for(UserFactory())
    for page in (client.get(reverse("visits:free")).content.decode(), _site_page(client, certification)):
        assert "Log in to book" not in page
        assert reverse("accounts:join_school") in page
        assert reverse("visits:book", args=[occasion.pk]) not in page


def test_a_school_is_not_offered_its_own_occasions(client_for, certification, occasion, staff):
    client = client_for(staff)
    for page in (client.get(reverse("visits:free")).content.decode(), _site_page(client, certification)):
        assert reverse("visits:book", args=[occasion.pk]) not in page
        assert "Your school's own occasion" in page


def test_staff_of_two_schools_may_book_the_other_schools_visit(client_for, certification, occasion, staff,
                                                                other_school):
    Membership.objects.create(user=staff, school=other_school, role=Membership.Role.STAFF,
                              confirmed_at=timezone.now())
    client = client_for(staff)
    assert reverse("visits:book", args=[occasion.pk]) in client.get(reverse("visits:free")).content.decode()
    form = client.get(reverse("visits:book", args=[occasion.pk])).context["form"]
    assert list(form.fields["school"].queryset) == [other_school]


# --- The cancellation deadline, before booking -----------------------------------------------------------------

def test_the_booking_page_warns_when_the_cancellation_deadline_has_passed(client_for, certification, teacher):
    SiteVisitSettings.objects.create(certification=certification, cancellation_deadline_working_days=10)
    soon = make_occasion(certification=certification, day=timezone.localdate() + timedelta(days=3))
    page = client_for(teacher).get(reverse("visits:book", args=[soon.pk])).content.decode()
    assert "You can no longer cancel this visit once it is booked." in page
    assert 'name="idempotency_key"' in page  # the warning comes before the form, which is still there


def test_the_booking_page_gives_the_last_day_to_cancel_when_it_is_still_ahead(client_for, occasion, teacher):
    page = client_for(teacher).get(reverse("visits:book", args=[occasion.pk])).content.decode()
    assert "You can no longer cancel" not in page
    assert "You can cancel the booking until" in page


# --- "Avbokat" and "Inställt" ------------------------------------------------------------------------------------

def test_a_visit_the_visitors_called_off_is_not_labelled_as_cancelled_by_the_site(occasion, teacher, other_school,
                                                                                  site_contact):
    by_visitors = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    services.booking_cancel(booking=by_visitors, actor=teacher)
    by_visitors.refresh_from_db()
    with translation.override("sv"):
        assert by_visitors.status_label == "Avbokat"
    other = make_occasion(certification=occasion.certification)
    by_host = make_booking(occasion=other, school=other_school, booked_by=teacher)
    services.booking_cancel(booking=by_host, actor=site_contact, reason="Sjukdom")
    by_host.refresh_from_db()
    with translation.override("sv"):
        assert by_host.status_label == "Inställt"


def test_the_visit_page_shows_avbokat_in_swedish(client_for, occasion, teacher, other_school, settings):
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    services.booking_cancel(booking=booking, actor=teacher)
    client = client_for(teacher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(reverse("visits:booking", args=[booking.pk])).content.decode()
    assert "Avbokat" in page and "Inställt" not in page


# --- The page offers what the service allows -------------------------------------------------------------------

def test_the_principal_is_offered_to_decline_a_held_booking_after_the_deadline(client_for, certification,
                                                                               other_school, teacher,
                                                                               visiting_principal):
    SiteVisitSettings.objects.create(certification=certification, cancellation_deadline_working_days=10)
    soon = make_occasion(certification=certification, day=timezone.localdate() + timedelta(days=3))
    held = make_booking(occasion=soon, school=other_school, booked_by=teacher, status=Booking.Status.HELD)
    response = client_for(visiting_principal).get(reverse("visits:booking", args=[held.pk]))
    assert response.context["can_cancel"] is True
    assert services.booking_may_cancel(booking=held, actor=visiting_principal)
    assert not services.booking_may_cancel(booking=held, actor=teacher)  # past the deadline for staff
    services.booking_cancel(booking=held, actor=visiting_principal)  # and the action agrees


def test_the_waiting_entry_page_shows_the_place_in_line(client_for, full_occasion, teacher):
    make_waiting_entry(occasion=full_occasion, school=SchoolFactory(), user=UserFactory(),
                       created_at=timezone.now() - timedelta(hours=1))
    entry = make_waiting_entry(occasion=full_occasion, school=teacher.memberships.get().school, user=teacher)
    page = client_for(teacher).get(reverse("visits:waiting_entry", args=[entry.pk])).content.decode()
    assert "number 2 in line" in page


def test_the_host_cancelling_without_a_reason_is_told_by_the_service_at_the_field(client_for, occasion, teacher,
                                                                                  other_school, site_contact):
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    response = client_for(site_contact).post(reverse("visits:booking_cancel", args=[booking.pk]), {"reason": " "})
    assert response.context["form"].errors["reason"] == ["Give a reason; the visitors will see it."]
    booking.refresh_from_db()
    assert booking.is_active


def test_a_cancelled_occasion_offers_no_change(client_for, occasion, site_contact):
    client = client_for(site_contact)
    assert client.get(reverse("visits:occasion", args=[occasion.pk])).context["can_change"] is True
    services.occasion_cancel(occasion=occasion, actor=site_contact, reason="Studiedag")
    response = client.get(reverse("visits:occasion", args=[occasion.pk]))
    assert response.context["can_change"] is False
    assert reverse("visits:occasion_edit", args=[occasion.pk]) not in response.content.decode()



def test_the_booking_page_warns_on_the_last_day_to_cancel(client_for, occasion, teacher, monkeypatch):
    # Working days make a real deadline fall on today only on some days; pin it instead.
    monkeypatch.setattr(services, "cancellation_deadline", lambda occasion: timezone.localdate())
    page = client_for(teacher).get(reverse("visits:book", args=[occasion.pk])).content.decode()
    assert "Today is the last day to cancel this visit." in page
    assert "You can no longer cancel" not in page


def test_the_calendar_cancellation_says_avbokat_when_the_visitors_cancelled(occasion, teacher, other_school):
    from icalendar import Calendar

    from inspira.visits.ics import CANCEL, booking_ics

    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    services.booking_cancel(booking=booking, actor=teacher, reason="Bussen är inställd")
    booking.refresh_from_db()
    description = str(Calendar.from_ical(booking_ics(booking, method=CANCEL)).walk("VEVENT")[0]["DESCRIPTION"])
    assert "Avbokat: Bussen är inställd" in description


def test_my_visits_show_the_place_in_line_in_a_constant_number_of_queries(client_for, certification, teacher,
                                                                          django_assert_num_queries):
    school = teacher.memberships.get().school
    client = client_for(teacher)

    def wait_on_a_new_full_occasion():
        occasion = make_occasion(certification=certification, capacity=1)
        make_waiting_entry(occasion=occasion, school=SchoolFactory(), user=UserFactory(),
                           created_at=timezone.now() - timedelta(hours=1))
        make_waiting_entry(occasion=occasion, school=school, user=teacher)

    wait_on_a_new_full_occasion()
    client.get(reverse("visits:mine"))  # warm the session
    with django_assert_num_queries(7) as one:
        client.get(reverse("visits:mine"))
    for _ in range(4):
        wait_on_a_new_full_occasion()
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("visits:mine")).content.decode()
    assert page.count("number 2 in line") == 5
