"""The coordinators' pages of rounds: access, the form's wiring and messages, constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.benchmarking import rounds
from inspira.benchmarking.models import Round
from inspira.events.models import Event
from tests.benchmarking.factories import InterestFactory, RoundFactory, benchmarking_on, coordinator
from tests.benchmarking.test_rounds import round_fields
from tests.factories import SchoolFactory


def form_data(**changes) -> dict:
    data = {
        "title": "Klasslärare i åk 1–6, hösttermin 2027",
        "description": "Lärare från olika skolor besöker varandra.",
        "interest_opens_at": "2027-04-01T08:00", "interest_closes_at": "2027-06-01T23:59",
        "max_participants": "30", "group_size": "3",
        "visit_window_starts": "2027-09-13", "visit_window_ends": "2027-11-19",
        "min_days_between_visits": "7", "max_away_per_school": "1", "substitute_rate": "1 850,50",
        "kickoff_date": "2027-09-01", "kickoff_time": "13:00", "kickoff_place": "Stadshuset",
        "closing_date": "2027-11-30", "closing_time": "13:00", "closing_place": "Stadshuset",
    }
    return data | changes


@pytest.fixture
def the_coordinator(db):
    return coordinator()


def test_a_coordinator_opens_a_round(client_for, the_coordinator):
    client = client_for(the_coordinator)
    response = client.post(reverse("benchmarking:round_create"), form_data(), follow=True)
    made = Round.objects.get()
    assert response.redirect_chain[-1][0] == reverse("benchmarking:round_detail", args=[made.pk])
    assert made.substitute_rate == 185050  # kronor in, öre stored
    assert made.kickoff.kind == Event.Kind.KICK_OFF and made.closing.kind == Event.Kind.CLOSING
    assert list(response.context["messages"])  # a confirmation is shown


def test_the_form_offers_the_defaults(client_for, the_coordinator):
    response = client_for(the_coordinator).get(reverse("benchmarking:round_create"))
    form = response.context["form"]
    assert form["max_participants"].value() == 30 and form["group_size"].value() == 3


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"interest_closes_at": "2027-03-01T08:00"}, "interest_closes_at", "stänga"),
    ({"visit_window_starts": "2027-05-01", "kickoff_date": "2027-04-20"}, "visit_window_starts", "Skolbesöken"),
    ({"kickoff_date": "2027-09-20"}, "kickoff_date", "före"),
    ({"closing_date": "2027-11-01"}, "closing_date", "efter"),
    ({"substitute_rate": "ettusen"}, "substitute_rate", "kronor"),
    ({"substitute_rate": "-5"}, "substitute_rate", "negativt"),
    ({"max_participants": "1"}, "max_participants", ""),
])
def test_a_bad_round_is_shown_again_with_a_swedish_message_at_the_field(client_for, the_coordinator, changes,
                                                                          field, words):
    response = client_for(the_coordinator).post(reverse("benchmarking:round_create"), form_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field])
    assert not Round.objects.exists() and not Event.objects.exists()


def test_a_coordinator_changes_a_round_and_its_meetings(client_for, the_coordinator):
    made = rounds.round_create(actor=the_coordinator, **round_fields())
    client = client_for(the_coordinator)
    page = client.get(reverse("benchmarking:round_edit", args=[made.pk]))
    assert page.context["form"]["kickoff_place"].value() == "Stadshuset, sal 3"
    assert page.context["form"]["substitute_rate"].value() == "1 800"
    response = client.post(reverse("benchmarking:round_edit", args=[made.pk]),
                           form_data(kickoff_place="Aulan", kickoff_time="09:30"))
    assert response.status_code == 302
    made.kickoff.refresh_from_db()
    assert made.kickoff.place == "Aulan"
    assert timezone.localtime(made.kickoff.starts_at).time() == datetime.time(9, 30)


def test_a_finished_round_sends_the_coordinator_back_with_a_message(client_for, the_coordinator):
    made = RoundFactory(stage=Round.Stage.FINISHED)
    response = client_for(the_coordinator).get(reverse("benchmarking:round_edit", args=[made.pk]))
    assert response.status_code == 302


def test_the_round_page_shows_counts_registrations_and_the_meetings(client_for, the_coordinator):
    made = rounds.round_create(actor=the_coordinator, **round_fields())
    school = SchoolFactory(name="Ekskolan")
    InterestFactory(round=made, school=school, subjects="Bild")
    InterestFactory(round=made, school=school, subjects="Musik")
    InterestFactory(round=made, withdrawn_at=timezone.now())
    response = client_for(the_coordinator).get(reverse("benchmarking:round_detail", args=[made.pk]))
    assert response.context["counts"] == {"registered": 2, "withdrawn": 1, "schools": 1}
    assert [i.subjects for i in response.context["registrations"]] == ["Bild", "Musik"]
    html = response.content.decode()
    assert reverse("events:detail", args=[made.kickoff.pk]) in html
    assert reverse("events:detail", args=[made.closing.pk]) in html
    assert 'id="proposal-heading"' in html  # the place kept for the proposal and groups


def test_the_round_page_queries_do_not_grow_with_registrations(client_for, the_coordinator,
                                                               django_assert_max_num_queries):
    made = RoundFactory()
    earlier = RoundFactory()
    client = client_for(the_coordinator)
    InterestFactory(round=made, deferred_from=earlier)
    client.get(reverse("benchmarking:round_detail", args=[made.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("benchmarking:round_detail", args=[made.pk]))
    few = len(few)  # now: the next request empties the connection's log
    InterestFactory.create_batch(8, round=made, deferred_from=earlier)
    with django_assert_max_num_queries(few):
        client.get(reverse("benchmarking:round_detail", args=[made.pk]))


def test_the_round_list_queries_do_not_grow_with_rounds(client_for, the_coordinator, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(the_coordinator)
    InterestFactory(round=RoundFactory())
    client.get(reverse("benchmarking:round_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("benchmarking:round_list"))
    few = len(few)  # now: the next request empties the connection's log
    for _n in range(5):
        InterestFactory(round=RoundFactory())
    response = client.get(reverse("benchmarking:round_list"))
    assert response.context["page_obj"].paginator.count == 6
    with django_assert_max_num_queries(few):
        client.get(reverse("benchmarking:round_list"))


def test_the_round_list_is_paginated(client_for, the_coordinator):
    RoundFactory.create_batch(26)
    response = client_for(the_coordinator).get(reverse("benchmarking:round_list"))
    assert len(response.context["page_obj"].object_list) == 25


def test_a_teacher_or_a_coordinator_of_another_programme_is_refused(client_for, staff, db):
    from tests.factories import ProgrammeCoordinatorFactory, programme

    benchmarking_on()
    made = RoundFactory()
    other = ProgrammeCoordinatorFactory(programme=programme("tailor_made")).user
    for person in (staff, other):
        client = client_for(person)
        for url in (reverse("benchmarking:round_list"), reverse("benchmarking:round_create"),
                    reverse("benchmarking:round_detail", args=[made.pk]),
                    reverse("benchmarking:round_edit", args=[made.pk])):
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("benchmarking:round_create"), form_data()).status_code == 403
    assert Round.objects.count() == 1


def test_every_page_is_gone_while_the_programme_is_off(client_for, administrator):
    client = client_for(administrator)
    for url in (reverse("benchmarking:index"), reverse("benchmarking:round_list")):
        assert client.get(url).status_code == 404


def test_the_menu_has_the_rounds_for_coordinators_and_the_page_for_teachers(client_for, the_coordinator, staff):
    coordinator_menu = [item.url for item in client_for(the_coordinator).get(
        reverse("benchmarking:round_list")).context["menu_items"]]
    assert reverse("benchmarking:round_list") in coordinator_menu
    teacher_menu = [item.url for item in client_for(staff).get(reverse("benchmarking:index")).context["menu_items"]]
    assert reverse("benchmarking:index") in teacher_menu and reverse("benchmarking:round_list") not in teacher_menu
