"""The programme's overview (per unit and per area, exact counts), every unit's lessons and good examples,
and the closing seminar's attendance per unit (seed 004: 60 people, every unit represented)."""

import pytest
from django.urls import reverse

from inspira.efforts import cooperation_selectors as selectors
from inspira.efforts.models import Area, Document, Effort, Level
from tests.efforts.factories import (
    CooperationFactory,
    DocumentFactory,
    closing_seminar,
    cooperation_coordinator,
    cooperation_effort,
    process_leader_of,
    unit_effort,
)
from tests.factories import RegistrationFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


def _area(name):
    return Area.objects.get(name=name)


@pytest.fixture
def programme():
    """Two units: Aavaskolan with a running and an ended effort, Björkskolan in the ended one only; and an
    effort for the political leadership."""
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation, name="Pia Processledare")
    a, b = SchoolFactory(name="Aavaskolan"), SchoolFactory(name="Björkskolan")
    collegial = unit_effort(cooperation, [a], leader=leader, title="Kollegialt lärande",
                            area=_area("Kollegialt lärande"))
    language = unit_effort(cooperation, [a, b], leader=leader, title="Språket i alla ämnen",
                           area=_area("Språkutvecklande arbetssätt"), state=Effort.State.ENDED)
    political = cooperation_effort(cooperation, schools=[], level=Level.POLITICAL, leader=leader,
                                   title="Nämndens styrning", area=_area("Struktur och organisation"))
    DocumentFactory.create_batch(2, effort=collegial, kind=Document.Kind.NOTE)
    DocumentFactory(effort=collegial, kind=Document.Kind.LESSON, title="Tid för samtal", school=None)
    DocumentFactory(effort=language, kind=Document.Kind.LESSON, title="Läsloggar", school=b)
    DocumentFactory.create_batch(2, effort=language, kind=Document.Kind.GOOD_EXAMPLE, school=None)
    DocumentFactory(effort=political, kind=Document.Kind.NOTE, title="Nämndmöte i maj")
    return {"cooperation": cooperation, "a": a, "b": b, "collegial": collegial, "language": language,
            "political": political}


def _counts(row):
    return (len(row.efforts), row.running, row.ended, row.notes, row.lessons, row.good_examples)


def test_the_overview_counts_per_unit(programme):
    overview = selectors.overview(programme["cooperation"])

    rows = {row.label: _counts(row) for row in overview.units}
    assert rows == {
        "Aavaskolan": (2, 1, 1, 2, 2, 2),
        "Björkskolan": (1, 0, 1, 0, 1, 2),
        "Politisk ledning": (1, 1, 0, 1, 0, 0),
    }
    assert [row.label for row in overview.units] == ["Aavaskolan", "Björkskolan", "Politisk ledning"]


def test_the_overview_counts_per_area_and_lists_every_area_of_the_programme(programme):
    overview = selectors.overview(programme["cooperation"])

    rows = {row.label: _counts(row) for row in overview.areas}
    assert rows == {
        "Struktur och organisation": (1, 1, 0, 1, 0, 0),
        "Undervisningsnära utveckling": (0, 0, 0, 0, 0, 0),
        "Språkutvecklande arbetssätt": (1, 0, 1, 0, 1, 2),
        "Kollegialt lärande": (1, 1, 0, 2, 1, 0),
        "Elevhälsoprocesser": (0, 0, 0, 0, 0, 0),
    }


def test_each_effort_shows_its_latest_entry(programme):
    DocumentFactory(effort=programme["political"], title="Senaste nämndmötet", happened_on="2030-01-01")
    efforts = {e.title: e for e in selectors.overview(programme["cooperation"]).efforts}
    assert efforts["Nämndens styrning"].latest_title == "Senaste nämndmötet"
    assert str(efforts["Nämndens styrning"].latest_on) == "2030-01-01"


def test_the_overview_page_shows_the_counts(programme, client_for):
    response = client_for(cooperation_coordinator()).get(
        reverse("cooperation:programme_detail", args=[programme["cooperation"].pk]))
    assert response.status_code == 200
    assert "Aavaskolan" in response.text and "Nämndens styrning" in response.text
    assert "Avslutningsseminariet är inte planerat ännu." in response.text


def test_every_units_lessons_and_good_examples_are_collected(programme):
    shares = {share.label: share for share in selectors.lessons_by_unit(programme["cooperation"])}

    assert [d.title for d in shares["Aavaskolan"].lessons] == ["Tid för samtal"]
    assert len(shares["Aavaskolan"].good_examples) == 2  # the language effort's, for both its units
    assert [d.title for d in shares["Björkskolan"].lessons] == ["Läsloggar"]  # named for Björkskolan only
    assert len(shares["Björkskolan"].good_examples) == 2
    assert "Politisk ledning" not in shares  # its one entry is a note, not a lesson


def test_the_lessons_page_lists_every_unit_even_without_entries(programme, client_for):
    quiet = SchoolFactory(name="Centralskolan")
    unit_effort(programme["cooperation"], [quiet], leader=programme["collegial"].leader)
    response = client_for(cooperation_coordinator()).get(
        reverse("cooperation:programme_lessons", args=[programme["cooperation"].pk]))
    assert "Centralskolan" in response.text and "Inga lärdomar eller goda exempel ännu." in response.text
    assert "Läsloggar" in response.text


def _seminar_of_sixty(programme):
    """Seed 004: every unit represented by 60 people in all."""
    cooperation = programme["cooperation"]
    c = SchoolFactory(name="Centralskolan")
    unit_effort(cooperation, [c], leader=programme["collegial"].leader)
    event = closing_seminar(cooperation, capacity=100)
    for _ in range(20):  # own registrations without a school: counted for the unit they work at
        RegistrationFactory(event=event, user=member(programme["a"]), school=None, attended=True)
    RegistrationFactory(event=event, user=member(programme["b"], role="principal"), school=programme["b"],
                        is_group=True, participants=25, attended=True, attended_count=25)
    for _ in range(12):
        RegistrationFactory(event=event, user=member(c), school=c, attended=True)
    for leader in (programme["collegial"].leader, *(process_leader_of(cooperation) for _ in range(2))):
        RegistrationFactory(event=event, user=leader, school=None, attended=True)
    return event, c


def test_the_seminar_attendance_per_unit_every_unit_represented(programme):
    event, c = _seminar_of_sixty(programme)
    attendance = selectors.seminar_attendance(programme["cooperation"])

    assert [(u.label, u.counts.registered, u.counts.came, u.represented) for u in attendance.units] == [
        ("Aavaskolan", 20, 20, True), ("Björkskolan", 25, 25, True), ("Centralskolan", 12, 12, True)]
    assert (attendance.others.registered, attendance.others.came) == (3, 3)
    assert attendance.total.came == 60 and attendance.all_represented


def test_a_unit_nobody_came_from_is_marked_not_represented(programme, client_for):
    event, c = _seminar_of_sixty(programme)
    quiet = SchoolFactory(name="Dalskolan")
    unit_effort(programme["cooperation"], [quiet], leader=programme["collegial"].leader)
    RegistrationFactory(event=event, user=member(quiet), school=quiet, attended=False)

    attendance = selectors.seminar_attendance(programme["cooperation"])
    dal = attendance.units[-1]
    assert (dal.label, dal.counts.registered, dal.counts.came, dal.represented) == ("Dalskolan", 1, 0, False)
    assert [u.label for u in attendance.not_represented] == ["Dalskolan"]

    response = client_for(cooperation_coordinator()).get(
        reverse("cooperation:programme_detail", args=[programme["cooperation"].pk]))
    assert "Inte representerad" in response.text and "1 enhet var inte representerad." in response.text


def test_a_cancelled_registration_does_not_count(programme):
    event, c = _seminar_of_sixty(programme)
    RegistrationFactory(event=event, user=member(c), school=c, status="cancelled")
    attendance = selectors.seminar_attendance(programme["cooperation"])
    assert attendance.units[-1].counts.registered == 12
