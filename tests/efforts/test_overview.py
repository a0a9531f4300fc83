"""The centre's overview of the tailor-made efforts: access, the order (late clocks first), the filters,
the counts per state, the exports, and queries that do not grow with the list."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.efforts import clock as proposal_clock
from inspira.efforts.models import Effort
from inspira.efforts.selectors import clock_states
from tests.efforts.factories import (
    CooperationFactory,
    EffortFactory,
    area,
    clock_entry,
    closed_day,
    cooperation_effort,
    cooperation_on,
    coordinator,
    efforts_on,
    principal_of,
)
from tests.factories import SchoolFactory

URL = reverse("efforts:overview")


def _today():
    return timezone.localdate()


def late_effort(**fields) -> Effort:
    """A proposal being prepared whose clock started long ago: the deadline has passed."""
    effort = EffortFactory(state=Effort.State.PROPOSAL, **fields)
    clock_entry(effort, "started", _today() - timedelta(days=60))
    return effort


def warned_effort(**fields) -> Effort:
    """A clock whose deadline is two working days ahead: inside the three warning days."""
    effort = EffortFactory(state=Effort.State.PROPOSAL, **fields)
    start = proposal_clock.subtract_working_days(_today(), 8, proposal_clock.working_day_test())
    clock_entry(effort, "started", start)
    return effort


def fresh_effort(**fields) -> Effort:
    """A clock started today: ten working days to go."""
    effort = EffortFactory(state=Effort.State.PROPOSAL, **fields)
    clock_entry(effort, "started", _today())
    return effort


@pytest.fixture
def centre(db):
    return coordinator()


def _titles(response) -> list[str]:
    return [row["effort"].title for row in response.context["rows"]]


def test_only_the_centre_sees_the_overview(client_for, centre, school):
    efforts_on()
    principal = principal_of(school)
    assert client_for(principal).get(URL).status_code == 403
    assert client_for(centre).get(URL).status_code == 200


def test_late_clocks_come_first_then_warned_then_the_newest(client_for, centre):
    old = EffortFactory(title="Äldst")
    late = late_effort(title="Försenad")
    warned = warned_effort(title="Varnad")
    fresh = fresh_effort(title="Nystartad")
    newest = EffortFactory(title="Nyast")
    # Met on time long ago: no longer late, whatever the deadline was.
    met = EffortFactory(title="Förslag lämnat", state=Effort.State.PROPOSAL)
    clock_entry(met, "started", _today() - timedelta(days=60))
    clock_entry(met, "met", _today() - timedelta(days=58))
    # Paused: no deadline while paused.
    paused = EffortFactory(title="Pausad", state=Effort.State.PROPOSAL)
    clock_entry(paused, "started", _today() - timedelta(days=60))
    clock_entry(paused, "paused", _today() - timedelta(days=59), reason="Rektor är sjuk")
    response = client_for(centre).get(URL)
    titles = _titles(response)
    assert titles[:2] == [late.title, warned.title]
    assert titles[2:] == [paused.title, met.title, newest.title, fresh.title, old.title]
    assert response.context["late_count"] == 1 and response.context["warned_count"] == 1


def test_a_closed_day_of_the_centre_moves_the_deadline(client_for, centre):
    # Started eleven working days ago: the ten days ran out yesterday. Two days the centre was closed
    # on in between do not count, so the deadline moves past today.
    is_working = proposal_clock.working_day_test()
    start = proposal_clock.subtract_working_days(_today(), 11, is_working)
    effort = EffortFactory(title="Nästan sen", state=Effort.State.PROPOSAL)
    clock_entry(effort, "started", start)
    assert _titles(client_for(centre).get(URL))[0] == effort.title
    assert client_for(centre).get(URL).context["late_count"] == 1
    day = proposal_clock.add_working_days(start, 1, is_working)
    closed_day(day)
    closed_day(proposal_clock.add_working_days(day, 1, is_working))
    assert client_for(centre).get(URL).context["late_count"] == 0


def test_clock_states_agree_with_the_case_pages_clock(db):
    efforts_on()
    efforts = [late_effort(), warned_effort(), fresh_effort(), EffortFactory()]
    closed_day(_today() + timedelta(days=3))
    states = clock_states(Effort.objects.filter(pk__in=[e.pk for e in efforts]))
    assert states == {e.pk: proposal_clock.clock_of(e) for e in efforts}


def test_filters_by_state_area_unit_and_text(client_for, centre):
    north, south = SchoolFactory(name="Norrskolan"), SchoolFactory(name="Söderskolan")
    reading = area("Läsfrämjande arbete")
    one = EffortFactory(title="Läslyft", schools=[north], area=reading, state=Effort.State.RUNNING)
    two = EffortFactory(title="Matematiklyft", schools=[south], need="Problemlösning i åk 7")
    three = EffortFactory(title="ÅTERKOPPLING", schools=[north, south], state=Effort.State.ENDED)
    cooperation_on()
    cooperation_effort(CooperationFactory(), title="Samverkansinsats", schools=[north])
    client = client_for(centre)
    assert set(_titles(client.get(URL))) == {one.title, two.title, three.title}
    assert _titles(client.get(URL, {"state": "running"})) == [one.title]
    assert _titles(client.get(URL, {"area": reading.pk})) == [one.title]
    assert set(_titles(client.get(URL, {"school": north.pk}))) == {one.title, three.title}
    assert _titles(client.get(URL, {"q": "problemlösning"})) == [two.title]
    # Case folds on every database (Å, Ä, Ö) and a unit's name matches; an effort of two units is one row.
    assert _titles(client.get(URL, {"q": "återkoppling"})) == [three.title]
    assert _titles(client.get(URL, {"q": "skolan"})) == [three.title, two.title, one.title]
    # A filter that is not valid is left out; the list still shows.
    assert len(_titles(client.get(URL, {"state": "nonsense", "area": "x"}))) == 3


def test_counts_per_state_follow_the_other_filters(client_for, centre, en):
    reading = area("Läsfrämjande arbete")
    EffortFactory(area=reading, state=Effort.State.RUNNING)
    EffortFactory(area=reading, state=Effort.State.RUNNING)
    EffortFactory(state=Effort.State.RUNNING)
    EffortFactory(area=reading, state=Effort.State.WITHDRAWN, withdrawn_reason="Ny rektor")
    response = client_for(centre).get(URL, {"area": reading.pk, "state": "running"})
    counts = {state["label"]: state["count"] for state in response.context["states"]}
    assert counts == {"Requested": 0, "Planning meeting booked": 0, "Proposal being prepared": 0,
                      "Running": 2, "Ended": 0, "Withdrawn": 1}
    assert "Running: 2" in response.text and "Withdrawn: 1" in response.text
    assert len(_titles(response)) == 2


def test_empty_and_filtered_states(client_for, centre, en):
    client = client_for(centre)
    assert "No unit has requested an effort yet." in client.get(URL).text
    EffortFactory(title="Läslyft")
    response = client.get(URL, {"q": "inget sådant"})
    assert "No efforts match the filter." in response.text and "Show all efforts" in response.text


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_export_holds_the_filtered_list_in_the_pages_order_and_defuses_formulas(client_for, centre, en):
    north = SchoolFactory(name="Norrskolan")
    late = late_effort(title="=HYPERLINK(\"x\")", schools=[north])
    EffortFactory(title="Annan skola")
    plain = EffortFactory(title="Läslyft", schools=[north], state=Effort.State.RUNNING)
    rows = _csv(client_for(centre).get(reverse("efforts:overview_csv"), {"school": north.pk}))
    assert rows[0][:4] == ["Effort", "School units", "Development area", "State"]
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(\"x\")", plain.title]
    assert rows[1][1] == "Norrskolan" and rows[1][7] == "Late"
    assert rows[1][6] == proposal_clock.clock_of(late).deadline.isoformat()
    assert rows[2][3] == "Running" and rows[2][6] == ""


def test_the_xlsx_export_opens_with_the_same_rows(client_for, centre):
    from openpyxl import load_workbook

    EffortFactory(title="Läslyft")
    late_effort(title="Försenad")
    response = client_for(centre).get(reverse("efforts:overview_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Försenad", "Läslyft"]


def test_the_overview_link_is_on_the_programme_page_for_the_centre_only(client, client_for, centre):
    assert URL not in client.get(reverse("efforts:index")).text
    assert URL in client_for(centre).get(reverse("efforts:index")).text


def _menu(client, url: str = URL) -> list:
    return [(item.url, item.current) for item in client.get(url).context["menu_items"] if not item.children]


def test_the_centre_reaches_the_overview_from_the_menu_current_on_the_case_pages(client_for, centre, school):
    """Without the entry the coordinators had no way to the efforts but the emailed links."""
    from inspira.programmes.models import Programme
    from inspira.programmes.services import programme_set_active

    effort = EffortFactory(schools=[school])
    case = reverse("efforts:effort_detail", args=[effort.pk])
    assert (URL, False) in _menu(client_for(centre), reverse("core:dashboard"))
    assert (URL, True) in _menu(client_for(centre), case)
    principal = principal_of(school)
    urls = [url for url, _current in _menu(client_for(principal), case)]
    assert URL not in urls and reverse("efforts:mine") in urls
    assert (reverse("efforts:mine"), False) in _menu(client_for(principal), case)

    programme_set_active(programme=Programme.objects.get(key="tailor_made"), active=False, actor=centre)
    assert URL not in [url for url, _current in _menu(client_for(centre), reverse("core:dashboard"))]


def _efforts(n: int, schools, areas):
    makers = (late_effort, warned_effort, fresh_effort, EffortFactory)
    for i in range(n):
        effort = makers[i % 4](schools=[schools[i % len(schools)], schools[(i + 1) % len(schools)]],
                               area=areas[i % len(areas)], leader=None)
        if i % 5 == 0:
            clock_entry(effort, "extended", _today(), working_days=2, reason="Rektor bad om mer tid")


@pytest.mark.parametrize("query", [{}, {"state": "proposal"}, {"q": "språk"}])
def test_the_overview_and_its_export_keep_their_queries_as_they_grow(client_for, centre, django_assert_num_queries,
                                                                     query):
    schools = [SchoolFactory() for _ in range(4)]
    areas = [area("Läsfrämjande arbete"), area("Kollegialt lärande")]
    closed_day(_today() + timedelta(days=5))
    client = client_for(centre)
    _efforts(3, schools, areas)
    client.get(URL, query)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, query)
    with CaptureQueriesContext(connection) as few_csv:
        client.get(reverse("efforts:overview_csv"), query)
    _efforts(27, schools, areas)
    with django_assert_num_queries(len(few)):
        response = client.get(URL, query)
    assert response.context["page_obj"].paginator.count >= 24
    assert len(response.context["rows"]) == min(25, response.context["page_obj"].paginator.count)
    with django_assert_num_queries(len(few_csv)):
        client.get(reverse("efforts:overview_csv"), query)


def test_the_unit_filter_offers_the_units_that_asked_for_an_effort(client_for, centre):
    asked, other = SchoolFactory(name="Norrskolan"), SchoolFactory(name="Söderskolan")
    cooperating = SchoolFactory(name="Västerskolan")
    EffortFactory(schools=[asked])
    cooperation_on()
    cooperation_effort(CooperationFactory(), schools=[cooperating])
    choices = list(client_for(centre).get(URL).context["filter_form"].fields["school"].queryset)
    assert choices == [asked]
    assert other not in choices
