"""Overviews: the site's dashboard and its commitment of five visits a school year, the visiting school's
bookings, the administration's list of all bookings (filters, CSV for Excel) and of the sites' progress,
and the public catalogue's occasions (through the catalogue's hooks)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.catalogue import hooks
from inspira.visits import selectors
from inspira.visits.models import Booking
from tests.factories import FeedbackFactory, SchoolFactory
from tests.visits.builders import make_booking, make_certification, make_occasion, member

pytestmark = pytest.mark.usefixtures("en")

TODAY = timezone.localdate()


def visit(certification, day, status=Booking.Status.CONFIRMED, school=None, **fields):
    school = school or SchoolFactory()
    occasion = make_occasion(certification=certification, day=day)
    if status in Booking.OUTCOME_STATUSES:
        fields.setdefault("outcome_marked_at", timezone.now())
    return make_booking(occasion=occasion, school=school, booked_by=member(school), status=status, **fields)


def school_year_start_date(day: date) -> date:
    return date(day.year if day.month >= 7 else day.year - 1, 7, 1)


# --- The commitment ----------------------------------------------------------------------------------------

def test_the_commitment_counts_completed_visits_of_this_school_year_only(school):
    today = date(2026, 3, 10)
    site = make_certification(school=school, starts_on=date(2024, 9, 1))
    visit(site, date(2025, 6, 30), Booking.Status.COMPLETED)  # last school year
    visit(site, date(2025, 7, 1), Booking.Status.COMPLETED)
    visit(site, date(2026, 3, 9), Booking.Status.COMPLETED)
    visit(site, date(2026, 3, 1), Booking.Status.NOT_CARRIED_OUT)
    visit(site, date(2026, 3, 2), Booking.Status.CANCELLED)
    visit(site, date(2026, 3, 5))  # took place, not recorded
    visit(site, date(2026, 4, 1))  # coming
    visit(site, date(2026, 7, 1))  # next school year
    commitment = selectors.site_commitment(site, today=today)
    assert commitment.school_year.label == "2025/26"
    assert (commitment.completed, commitment.to_record, commitment.booked) == (2, 1, 1)
    assert commitment.remaining == 3
    assert commitment.status == "behind"


def test_the_commitment_is_on_track_when_enough_are_booked_and_met_at_five(school):
    today = date(2026, 3, 10)
    site = make_certification(school=school, starts_on=date(2025, 8, 1))
    for day in (3, 4, 5):
        visit(site, date(2026, 2, day), Booking.Status.COMPLETED)
    visit(site, date(2026, 3, 9))
    visit(site, date(2026, 5, 20), Booking.Status.HELD)
    assert selectors.site_commitment(site, today=today).status == "on_track"
    for day in (6, 7):
        visit(site, date(2026, 2, day), Booking.Status.COMPLETED)
    commitment = selectors.site_commitment(site, today=today)
    assert (commitment.status, commitment.remaining) == ("met", 0)


def test_the_dashboard_flags_a_site_that_is_behind_in_words(client_for, certification, site_contact):
    visit(certification, TODAY - timedelta(days=1), Booking.Status.COMPLETED)
    body = client_for(site_contact).get(reverse("visits:site_visits", args=[certification.pk])).content.decode()
    # The number, the commitment and the status in words, not by colour alone.
    assert "1 of 5 completed" in body
    assert '<span class="badge text-bg-warning">behind</span>' in body
    assert "Behind: 4 more completed visits are needed by 30 June" in body


# --- The site's dashboard ---------------------------------------------------------------------------------------

def test_the_dashboard_shows_coming_to_record_and_past_visits(client_for, certification, site_contact):
    coming = visit(certification, TODAY + timedelta(days=5), school=SchoolFactory(name="Kommande skolan"))
    to_record = visit(certification, TODAY - timedelta(days=2), school=SchoolFactory(name="Oregistrerade skolan"))
    done = visit(certification, TODAY - timedelta(days=9), Booking.Status.COMPLETED,
                 school=SchoolFactory(name="Klara skolan"))
    visit(certification, TODAY + timedelta(days=6), Booking.Status.CANCELLED, school=SchoolFactory(name="Avbokade"))
    client = client_for(site_contact)
    url = reverse("visits:site_visits", args=[certification.pk])

    body = client.get(url).content.decode()
    assert "Kommande skolan" in body and "Oregistrerade skolan" not in body and "Avbokade" not in body
    assert "1 visit has taken place and is waiting for the site to record whether it was carried out." in body

    body = client.get(url, {"visa": "att-registrera"}).content.decode()
    assert "Oregistrerade skolan" in body and "Klara skolan" not in body
    assert reverse("visits:booking_outcome", args=[to_record.pk]) in body

    body = client.get(url, {"visa": "tidigare"}).content.decode()
    assert "Oregistrerade skolan" in body and "Klara skolan" in body and "Kommande skolan" not in body
    assert reverse("visits:booking_outcome", args=[done.pk]) not in body
    assert coming.pk


def test_central_staff_read_the_dashboard_without_recording(client_for, certification, director):
    to_record = visit(certification, TODAY - timedelta(days=2))
    body = client_for(director).get(reverse("visits:site_visits", args=[certification.pk]),
                                    {"visa": "att-registrera"}).content.decode()
    assert reverse("visits:booking", args=[to_record.pk]) in body
    assert reverse("visits:booking_outcome", args=[to_record.pk]) not in body


def test_the_dashboards_lists_have_empty_states(client_for, certification, site_contact):
    client = client_for(site_contact)
    url = reverse("visits:site_visits", args=[certification.pk])
    for tab, text in (("kommande", "No coming visits"), ("att-registrera", "No visits are waiting to be recorded"),
                      ("tidigare", "No past visits yet")):
        body = client.get(url, {"visa": tab}).content.decode()
        assert text in body and "empty-state" in body


@pytest.mark.parametrize("count", [1, 30])
def test_the_dashboard_runs_a_constant_number_of_queries(client_for, certification, site_contact,
                                                         django_assert_num_queries, count):
    for i in range(count):
        booking = visit(certification, TODAY - timedelta(days=1 + i % 25), Booking.Status.COMPLETED)
        FeedbackFactory(booking=booking, rating=4, takeaways="Bra", submitted_at=timezone.now())
        visit(certification, TODAY + timedelta(days=1 + i % 25))
    client = client_for(site_contact)
    url = reverse("visits:site_visits", args=[certification.pk])
    client.get(url)
    # session, user, certification, memberships, commitment, to-record count, count, page, latest feedback
    for tab in ("kommande", "tidigare"):
        with django_assert_num_queries(9):
            response = client.get(url, {"visa": tab})
        assert len(response.context["page_obj"]) == min(count, 25)


def test_the_host_reaches_the_dashboard_from_the_study_visits_page(client_for, certification, site_contact):
    body = client_for(site_contact).get(reverse("visits:mine")).content.decode()
    assert reverse("visits:site_visits", args=[certification.pk]) in body


# --- The visiting school ------------------------------------------------------------------------------------

def test_the_visiting_schools_staff_see_their_schools_visits_and_outcomes(client_for, certification, other_school,
                                                                         teacher):
    colleague = member(other_school)
    booking = visit(certification, TODAY - timedelta(days=3), Booking.Status.COMPLETED, school=other_school)
    booking.booked_by = colleague
    booking.save(update_fields=["booked_by"])
    visit(certification, TODAY - timedelta(days=3), Booking.Status.COMPLETED, school=SchoolFactory(name="Främling"))
    body = client_for(teacher).get(reverse("visits:mine"), {"visa": "tidigare"}).content.decode()
    assert reverse("visits:booking", args=[booking.pk]) in body and "Completed" in body
    assert "Främling" not in body


# --- All bookings, for the administration -------------------------------------------------------------------

ALL = reverse("visits:all_bookings")
CSV = reverse("visits:bookings_csv")


@pytest.fixture
def two_sites(school):
    year_start = school_year_start_date(TODAY)
    site = make_certification(school=school, starts_on=year_start - timedelta(days=400))
    other = make_certification(school=SchoolFactory(name="Andra platsen"), starts_on=year_start - timedelta(days=400))
    return site, other, year_start


def test_administrators_filter_all_bookings(client_for, administrator, two_sites, other_school):
    site, other, year_start = two_sites
    a = visit(site, year_start, Booking.Status.COMPLETED, school=other_school)
    b = visit(site, year_start - timedelta(days=1), Booking.Status.NOT_CARRIED_OUT)
    c = visit(other, year_start + timedelta(days=10), Booking.Status.CANCELLED, school=other_school)
    client = client_for(administrator)

    def shown(**params):
        response = client.get(ALL, params)
        assert response.status_code == 200
        return {booking.pk for booking in response.context["page_obj"]}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(school_year=year_start.year) == {a.pk, c.pk}
    assert shown(school_year=year_start.year - 1) == {b.pk}
    assert shown(site=site.pk) == {a.pk, b.pk}
    assert shown(school=other_school.pk) == {a.pk, c.pk}
    assert shown(status="cancelled") == {c.pk}
    assert shown(date_from=year_start.isoformat()) == {a.pk, c.pk}
    assert shown(date_to=year_start.isoformat()) == {a.pk, b.pk}
    assert shown(date_from=year_start.isoformat(), date_to=year_start.isoformat(), site=site.pk) == {a.pk}


def test_a_backwards_date_range_is_shown_at_the_field(client_for, administrator, two_sites):
    response = client_for(administrator).get(ALL, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.context["filter_form"].errors["date_to"] == ["The end date must not be before the start date."]


def test_all_bookings_empty_states(client_for, administrator, two_sites):
    client = client_for(administrator)
    assert "No study visits have been booked yet." in client.get(ALL).content.decode()
    visit(two_sites[0], TODAY)
    assert "No bookings match the filters." in client.get(ALL, {"status": "completed"}).content.decode()


def test_all_bookings_pages_by_25(client_for, administrator, two_sites):
    for i in range(26):
        visit(two_sites[0], TODAY + timedelta(days=i))
    client = client_for(administrator)
    assert len(client.get(ALL).context["page_obj"]) == 25
    assert len(client.get(ALL, {"page": 2}).context["page_obj"]) == 1


@pytest.mark.parametrize("count", [1, 30])
def test_all_bookings_runs_a_constant_number_of_queries(client_for, administrator, two_sites,
                                                         django_assert_num_queries, count):
    for i in range(count):
        booking = visit(two_sites[i % 2], TODAY - timedelta(days=i), Booking.Status.COMPLETED,
                        outcome_marked_by=administrator)
        if i % 3:
            FeedbackFactory(booking=booking, rating=3, takeaways="Bra", submitted_at=timezone.now())
    client = client_for(administrator)
    client.get(ALL)
    # session, user, two-factor device, count, page, and the sites and schools of the filter form
    with django_assert_num_queries(7):
        response = client.get(ALL, {"status": "completed"})
    assert len(response.context["page_obj"]) == min(count, 25)
    # The export: session, user, two-factor device, the bookings (the filter form's choices are not rendered)
    with django_assert_num_queries(4):
        assert client.get(CSV).status_code == 200


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, so Excel reads å, ä, ö"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_opens_in_swedish_excel(client_for, administrator, two_sites):
    site, _other, _start = two_sites
    visitor = SchoolFactory(name="=Åsa skola;Ö")  # a formula and the separator in a name
    booking = visit(site, date(2026, 3, 14), Booking.Status.COMPLETED, school=visitor,
                    outcome_marked_by=administrator, participants=4)
    FeedbackFactory(booking=booking, rating=5, takeaways="Mycket", submitted_at=timezone.now())
    response = client_for(administrator).get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="studiebesok-')
    assert b"\r\n" in response.content
    header, row = read_csv(response)
    assert header[:3] == ["Date", "Starts", "Ends"] and header[-1] == "Feedback rating"
    values = dict(zip(header, row, strict=True))
    assert values["Date"] == "2026-03-14" and values["Starts"] == "09:00"
    assert values["Visiting school"] == "'=Åsa skola;Ö"  # never run as a formula; the ; is quoted
    assert values["Inspiration site"] == site.display_name
    assert values["Participants"] == "4" and values["Status"] == "Completed"
    assert values["Outcome recorded by"] == administrator.name and values["Feedback rating"] == "5"


def test_the_csv_export_follows_the_filters(client_for, administrator, two_sites):
    site, other, _start = two_sites
    visit(site, TODAY, school=SchoolFactory(name="Första"))
    visit(other, TODAY, school=SchoolFactory(name="Andra"))
    rows = read_csv(client_for(administrator).get(CSV, {"site": other.pk}))
    assert [row[6] for row in rows[1:]] == ["Andra"]
    page = client_for(administrator).get(ALL, {"site": other.pk, "page": "1"}).content.decode()
    assert f"{CSV}?site={other.pk}" in page


@pytest.mark.parametrize("url", [ALL, CSV, reverse("visits:feedback_list"), reverse("visits:sites_overview")])
@pytest.mark.parametrize("who", ["staff", "principal", "teacher"])
def test_school_staff_cannot_see_every_booking(client_for, url, who, request):
    assert client_for(request.getfixturevalue(who)).get(url).status_code == 403


# --- The sites' progress, for the administration ------------------------------------------------------------------

SITES = reverse("visits:sites_overview")


def test_administrators_see_which_sites_are_behind(client_for, administrator, two_sites):
    site, other, _start = two_sites
    for i in range(5):
        visit(other, TODAY - timedelta(days=1 + i), Booking.Status.COMPLETED)
    visit(site, TODAY - timedelta(days=1), Booking.Status.COMPLETED)
    client = client_for(administrator)
    response = client.get(SITES)
    statuses = {s.pk: c.status for s, c in response.context["rows"]}
    assert statuses == {site.pk: "behind", other.pk: "met"}
    body = response.content.decode()
    assert "1 of 5" in body and "5 of 5" in body and ">behind</span>" in body and ">commitment met</span>" in body
    response = client.get(SITES, {"behind": "on"})
    assert [s.pk for s, _c in response.context["rows"]] == [site.pk]


@pytest.mark.parametrize("count", [1, 30])
def test_the_sites_overview_runs_a_constant_number_of_queries(client_for, administrator, django_assert_num_queries,
                                                              count):
    for _ in range(count):
        site = make_certification(school=SchoolFactory())
        visit(site, TODAY - timedelta(days=1), Booking.Status.COMPLETED)
        visit(site, TODAY + timedelta(days=3))
    client = client_for(administrator)
    client.get(SITES)
    # session, user, two-factor device, count, page
    with django_assert_num_queries(5):
        response = client.get(SITES)
    assert len(response.context["rows"]) == min(count, 25)


# --- The public catalogue (through its hooks; the catalogue never imports visits) -----------------------------------

def test_the_catalogue_filters_sites_with_free_occasions(client, school):
    from tests.catalogue.conftest import make_site

    with_places = make_site(school=school, area_title="Har platser")
    full = make_site(area_title="Fullbokad")
    make_site(area_title="Inga tillfällen")
    make_occasion(certification=with_places, day=TODAY + timedelta(days=3), capacity=5)
    full_occasion = make_occasion(certification=full, day=TODAY + timedelta(days=3), capacity=2)
    visitor = SchoolFactory()
    make_booking(occasion=full_occasion, school=visitor, booked_by=member(visitor), participants=2)
    index = reverse("catalogue:index")
    body = client.get(index).content.decode()
    assert "Only sites with study visits to book now" in body
    assert all(title in body for title in ("Har platser", "Fullbokad", "Inga tillfällen"))
    body = client.get(index, {"free_occasions": "on"}).content.decode()
    assert "Har platser" in body and "Fullbokad" not in body and "Inga tillfällen" not in body


def test_the_site_page_lists_occasions_to_book(client, school):
    from tests.catalogue.conftest import make_site

    site = make_site(school=school)
    occasions = [make_occasion(certification=site, day=TODAY + timedelta(days=3 + i)) for i in range(7)]
    cancelled = make_occasion(certification=site, day=TODAY + timedelta(days=2), cancelled_at=timezone.now())
    body = client.get(reverse("catalogue:site", args=[site.pk])).content.decode()
    assert "Book a study visit" in body
    for occasion in occasions[:6]:
        assert reverse("visits:book", args=[occasion.pk]) in body
    assert reverse("visits:book", args=[occasions[6].pk]) not in body
    assert reverse("visits:book", args=[cancelled.pk]) not in body
    assert f"{reverse('visits:free')}?plats={site.pk}" in body  # the rest


def test_the_catalogue_works_without_the_visits_hooks(client, school, monkeypatch):
    from tests.catalogue.conftest import make_site

    site = make_site(school=school, area_title="Utan besök")
    make_occasion(certification=site, day=TODAY + timedelta(days=3))
    monkeypatch.setattr(hooks, "free_occasions_filter", None)
    monkeypatch.setattr(hooks, "site_page_panels", [])
    body = client.get(reverse("catalogue:index"), {"free_occasions": "on"}).content.decode()
    assert "Utan besök" in body and 'name="free_occasions"' not in body
    body = client.get(reverse("catalogue:site", args=[site.pk])).content.decode()
    assert "Book a study visit" not in body
