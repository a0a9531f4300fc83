"""A closed school's open bookings and applications are listed to the administration (the portal's page
/skolor/upphorda/, reading each app's own selector of what is open), never deleted or cancelled; a programme
that is off leaves no trace there; the page costs the same queries however many schools and items it lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.certification.models import Application
from inspira.events.models import Registration
from inspira.portal.closed_schools import closed_school_rows
from inspira.programmes.models import Programme
from inspira.programmes.services import programme_set_active
from inspira.schools import selectors
from inspira.schools.models import RegisterUnit
from inspira.schools.register import register_successor_set
from inspira.visits.models import Booking
from tests.benchmarking.factories import InterestFactory, benchmarking_on
from tests.certification.conftest import make_application
from tests.efforts.factories import EffortFactory, efforts_on
from tests.factories import EventFactory, RegistrationFactory, SchoolFactory, UserFactory, member
from tests.schools.register_support import FIXTURE, KATARINA, SKARPNACK_NEW, SKARPNACK_OLD, Recorded, import_from
from tests.visits.builders import make_booking, make_certification, make_occasion, make_waiting_entry

PAGE = reverse("core:closed_schools")


@pytest.fixture(autouse=True)
def _english(en):
    """The pages in English, so that the assertions read the msgids."""


@pytest.fixture
def closed(db):
    """Skarpnäcksskolan (closed in the register) in Inspira, with business still open at it, and some over."""
    import_from(FIXTURE)
    school = SchoolFactory(unit_code=SKARPNACK_OLD, name="Skarpnäcksskolan")
    other = SchoolFactory(unit_code=KATARINA, name="Katarina Södra skola")
    teacher, other_teacher = member(school), member(other)
    ahead = timezone.localdate() + timedelta(days=20)
    # It visits Katarina's site; Katarina visits its site; it waits for a place.
    katarina_site = make_certification(school=other)
    visit = make_booking(occasion=make_occasion(certification=katarina_site, day=ahead), school=school,
                         booked_by=teacher)
    make_booking(occasion=make_occasion(certification=katarina_site, day=ahead + timedelta(days=1)), school=school,
                 booked_by=teacher, status=Booking.Status.CANCELLED)  # over: not listed
    own_site = make_certification(school=school, team_name="Arbetslag Ek")
    hosted = make_booking(occasion=make_occasion(certification=own_site, day=ahead), school=other,
                          booked_by=other_teacher, status=Booking.Status.HELD,
                          hold_expires_at=timezone.now() + timedelta(days=2))
    make_waiting_entry(occasion=make_occasion(certification=katarina_site, day=ahead, capacity=1), school=school,
                       user=teacher)
    # Its draft application (open) and a withdrawn one (over).
    draft = make_application(school=school, applicant=teacher, area_title="Utomhusmatematik")
    make_application(school=school, applicant=teacher, area_title="Gammal ansökan", status=Application.Status.WITHDRAWN)
    # Places on an event ahead (open) and on one that is over.
    RegistrationFactory(event=EventFactory(title="Läsfrämjande seminarium"), school=school, user=teacher)
    past = EventFactory(title="Förra årets seminarium", starts_at=timezone.now() - timedelta(days=30),
                        ends_at=timezone.now() - timedelta(days=30, hours=-2))
    RegistrationFactory(event=past, school=school, user=teacher)
    benchmarking_on()
    InterestFactory(school=school, user=teacher)
    efforts_on()
    EffortFactory(schools=[school], title="Språkutvecklande arbetssätt", requested_by=teacher)
    return {"school": school, "other": other, "visit": visit, "hosted": hosted, "draft": draft}


def test_a_closed_school_is_listed_with_everything_open_there(client_for, administrator, closed):
    response = client_for(administrator).get(PAGE)
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row.school == closed["school"] and row.unit.is_closed
    groups = {heading: [item.title for item in items] for heading, items in row.groups}
    assert groups == {
        "Study visits the school has booked": ["Katarina Södra skola"],
        "Study visits booked at the school's sites": ["Katarina Södra skola"],
        "Places on waiting lists for study visits": ["Katarina Södra skola"],
        "Applications to become an inspiration site, not decided": ["Utomhusmatematik"],
        "Certified inspiration sites in force": ["Arbetslag Ek, Skarpnäcksskolan"],
        "Places on events to come": ["Läsfrämjande seminarium"],
        "Registrations for benchmarking rounds not finished": [row.groups[6][1][0].title],
        "Development efforts not ended": ["Språkutvecklande arbetssätt"],
    }
    page = response.content.decode()
    # Each item leads where the administration can act on it (a draft has no case page yet).
    assert reverse("visits:booking", args=[closed["visit"].pk]) in page
    assert reverse("visits:booking", args=[closed["hosted"].pk]) in page
    assert reverse("certification:case", args=[closed["draft"].pk]) not in page
    assert "No successor recorded." in page and reverse("schools:register_successor", args=[SKARPNACK_OLD]) in page


def test_nothing_of_a_closed_school_is_deleted_or_cancelled(client_for, administrator, closed):
    client_for(administrator).get(PAGE)
    assert Booking.objects.get(pk=closed["visit"].pk).status == Booking.Status.CONFIRMED
    assert Booking.objects.get(pk=closed["hosted"].pk).status == Booking.Status.HELD
    assert Application.objects.get(pk=closed["draft"].pk).status == Application.Status.DRAFT
    assert Registration.objects.filter(school=closed["school"]).count() == 2


def test_the_successor_is_shown_with_its_school(client_for, administrator, closed):
    successor_school = SchoolFactory(unit_code=SKARPNACK_NEW, name="Skarpnäcks skola")
    register_successor_set(unit=RegisterUnit.objects.get(unit_code=SKARPNACK_OLD),
                           successor=RegisterUnit.objects.get(unit_code=SKARPNACK_NEW), actor=administrator)
    page = client_for(administrator).get(PAGE).content.decode()
    assert "Succeeded by Skarpnäcks skola (41827365)." in page
    assert reverse("schools:detail", args=[successor_school.pk]) in page


def test_a_programme_that_is_off_leaves_no_trace(client_for, administrator, closed):
    for key in ("inspiration_sites", "benchmarking", "tailor_made"):
        programme_set_active(programme=Programme.objects.get(key=key), active=False, actor=administrator)
    [row] = client_for(administrator).get(PAGE).context["rows"]
    # The event belongs to the inspiration sites: gone with them.
    assert row.groups == []
    assert "Nothing is open at this school." in client_for(administrator).get(PAGE).content.decode()


def test_a_school_that_closes_later_appears_and_an_open_school_does_not(client_for, administrator, closed, tmp_path):
    recorded = Recorded(tmp_path / "register")
    recorded.change_unit(KATARINA, status="UPPHORT")
    import_from(recorded.path)
    rows = client_for(administrator).get(PAGE).context["rows"]
    assert [row.school.name for row in rows] == ["Katarina Södra skola", "Skarpnäcksskolan"]


def test_without_closed_schools_the_page_says_so(client_for, administrator, db):
    import_from(FIXTURE)
    assert "No school in Inspira is closed in the register." in client_for(administrator).get(PAGE).content.decode()


@pytest.mark.parametrize("role", ["director", "finance", "staff", "principal"])
def test_only_administrators_see_the_closed_schools(request, client_for, role):
    assert client_for(request.getfixturevalue(role)).get(PAGE).status_code == 403


def _closed_schools(count: int) -> None:
    """``count`` closed schools in Inspira, each with something open of every kind."""
    import_from(FIXTURE)
    benchmarking_on()
    efforts_on()
    host = SchoolFactory(unit_code=KATARINA)
    site = make_certification(school=host)
    now = timezone.now()
    day = timezone.localdate() + timedelta(days=20)
    for n in range(count):
        unit = RegisterUnit.objects.create(
            unit_code=f"{30000000 + n}", name=f"Nedlagd skola {n}", status=RegisterUnit.Status.CLOSED,
            municipality_code="0180", first_imported_at=now, last_imported_at=now,
            successor=RegisterUnit.objects.get(unit_code=SKARPNACK_NEW))
        school = SchoolFactory(unit_code=unit.unit_code, name=unit.name)
        teacher = UserFactory()
        make_booking(occasion=make_occasion(certification=site, day=day), school=school, booked_by=teacher)
        own = make_certification(school=school)
        make_booking(occasion=make_occasion(certification=own, day=day), school=host, booked_by=teacher)
        make_application(school=school, applicant=teacher)
        RegistrationFactory(school=school, user=teacher)
        InterestFactory(school=school, user=teacher)
        EffortFactory(schools=[school], requested_by=teacher)


@pytest.mark.parametrize("count", [1, 10])
def test_the_page_costs_the_same_queries_however_many_schools(client_for, administrator, django_assert_num_queries,
                                                              count):
    _closed_schools(count)
    client = client_for(administrator)
    client.get(PAGE)  # the programmes that are on are cached after the first page
    # session, user, two-factor device; the count and the page of schools; bookings, places in line,
    # applications, certifications, event registrations, benchmarking registrations, efforts; the schools'
    # units with their successors; the last import
    with django_assert_num_queries(15):
        response = client.get(PAGE)
    rows = response.context["rows"]
    # Every kind but the waiting list, at every school: the queries read them all.
    assert len(rows) == count and {len(row.groups) for row in rows} == {7}


def test_the_rows_read_one_page_of_schools_at_a_time(closed):
    # The service behind the page: a page of schools in, a row each out, in the page's order.
    schools = list(selectors.closed_schools())
    assert [row.school for row in closed_school_rows(schools)] == schools
    assert closed_school_rows([]) == []
