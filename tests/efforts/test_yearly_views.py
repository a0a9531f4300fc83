"""The yearly survey's pages: planning, a year's page, the results over the years and the export, with
the threshold of five on every one."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspira.efforts.models import YearlySurvey
from tests.efforts.factories import (
    YearlySurveyFactory,
    area,
    coordinator,
    effort_in_year,
    efforts_on,
    principal_of,
    yearly_answers,
    yearly_sent,
)
from tests.factories import SchoolFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def centre(db, client_for):
    return client_for(coordinator())


def year_with_answers(year: int, count: int, *, names=("Språkutveckling",), values=(4, 5, 3)) -> YearlySurvey:
    """A sent (past) year with one effort per named area and ``count`` answers to each area's survey."""
    for name in names:
        school = SchoolFactory()
        principal_of(school)
        effort_in_year(schools=[school], area=area(name), at=datetime(year, 5, 1, tzinfo=STOCKHOLM))
    planned = yearly_sent(year)
    for area_survey in planned.area_surveys.select_related("survey"):
        yearly_answers(area_survey.survey, count, values=values)
    return planned


def test_the_list_shows_the_years_and_the_plan_form(centre):
    YearlySurveyFactory(year=2029)
    page = centre.get(reverse("efforts:yearly_list"))
    assert page.status_code == 200
    assert reverse("efforts:yearly_detail", args=[2029]) in page.text
    assert f'action="{reverse("efforts:yearly_plan")}"' in page.text


def test_the_list_is_paginated(centre):
    for year in range(2030, 2057):
        YearlySurveyFactory(year=year)
    page = centre.get(reverse("efforts:yearly_list"))
    assert page.context["page_obj"].paginator.num_pages == 2
    assert len(page.context["page_obj"].object_list) == 25


def test_planning_a_year(centre):
    year = timezone.localdate().year + 1
    response = centre.post(reverse("efforts:yearly_plan"), {
        "year": year, "send_on": f"{year}-12-01", "closes_on": f"{year}-12-20"})
    assert response.status_code == 302 and response.url == reverse("efforts:yearly_detail", args=[year])
    assert YearlySurvey.objects.get(year=year).send_on == date(year, 12, 1)
    assert "planerad" in centre.get(response.url).text


def test_bad_days_are_shown_at_their_field_and_nothing_is_saved(centre):
    year = timezone.localdate().year + 1
    response = centre.post(reverse("efforts:yearly_plan"), {
        "year": year, "send_on": f"{year}-12-10", "closes_on": f"{year}-12-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["closes_on"] == [
        "Sista svarsdag måste vara efter dagen då enkäten skickas."]
    assert not YearlySurvey.objects.exists()


def test_a_year_is_planned_once(centre):
    year = timezone.localdate().year + 1
    YearlySurveyFactory(year=year)
    response = centre.post(reverse("efforts:yearly_plan"), {
        "year": year, "send_on": f"{year}-12-02", "closes_on": f"{year}-12-20"})
    assert "year" in response.context["form"].errors
    assert YearlySurvey.objects.get(year=year).send_on == date(year, 12, 1)


def test_changing_the_days_until_sent(centre):
    year = timezone.localdate().year + 1
    YearlySurveyFactory(year=year)
    response = centre.post(reverse("efforts:yearly_edit", args=[year]), {
        "year": 1999, "send_on": f"{year}-12-03", "closes_on": f"{year}-12-19"})
    assert response.status_code == 302
    planned = YearlySurvey.objects.get()  # the year is fixed: the posted 1999 is ignored
    assert (planned.year, planned.send_on, planned.closes_on) == (year, date(year, 12, 3), date(year, 12, 19))


def test_a_sent_survey_cannot_be_changed(centre):
    efforts_on()
    planned = yearly_sent(2024)
    response = centre.post(reverse("efforts:yearly_edit", args=[2024]), {
        "send_on": "2024-12-05", "closes_on": "2024-12-19"})
    assert response.status_code == 302 and response.url == reverse("efforts:yearly_detail", args=[2024])
    assert YearlySurvey.objects.get().send_on == planned.send_on
    assert reverse("efforts:yearly_edit", args=[2024]) not in centre.get(response.url).text


def test_the_year_page_with_four_answers_shows_fewer_than_five(centre):
    year_with_answers(2024, 4)
    page = centre.get(reverse("efforts:yearly_detail", args=[2024]))
    assert page.status_code == 200
    [item] = page.context["areas"]
    assert item.invited == 1 and item.responses.suppressed
    assert "färre än 5" in page.text and "4,0" not in page.text


def test_the_year_page_with_five_answers_shows_the_means(centre):
    year_with_answers(2024, 5)
    page = centre.get(reverse("efforts:yearly_detail", args=[2024]))
    assert "färre än 5" not in page.text
    assert "4,0" in page.text and "5,0" in page.text and "3,0" in page.text


def test_the_results_over_the_years_hold_the_threshold(centre):
    year_with_answers(2023, 5, values=(2, 2, 2))
    year_with_answers(2024, 4, values=(4, 4, 4))
    page = centre.get(reverse("efforts:yearly_results"))
    rows = {row["year"]: row["cells"] for row in page.context["rows"]}
    assert rows == {2023: [["5", "2,0", "2,0", "2,0"]], 2024: [["färre än 5", "", "", ""]]}
    assert "4,0" not in page.text and "2,0" in page.text


def test_each_area_heading_covers_its_columns(centre):
    # An area's heading has scope="colgroup": without a column group of the area's columns (the answers
    # and the three ratings) a screen reader ties the heading to no cell.
    year_with_answers(2023, 5, names=("Språkutveckling", "Elevhälsa"))
    page = centre.get(reverse("efforts:yearly_results")).text
    assert page.count('<colgroup span="4"></colgroup>') == 2
    assert page.count('scope="colgroup"') == 2


def test_the_export_holds_the_threshold(centre):
    year_with_answers(2023, 5, values=(2, 3, 4))
    year_with_answers(2024, 4, values=(5, 5, 5))
    response = centre.get(reverse("efforts:yearly_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["År", "Utvecklingsområde", "Svar", "Mötte enhetens behov", "Pedagogcentrums arbete",
                       "Skulle rekommendera"]
    assert sorted(rows[1:]) == [[2023, "Språkutveckling", "5", "2,0", "3,0", "4,0"],
                                [2024, "Språkutveckling", "färre än 5", None, None, None]]


def test_the_results_page_keeps_its_queries_as_years_grow(centre):
    url = reverse("efforts:yearly_results")
    year_with_answers(2020, 5, names=("Språkutveckling", "Elevhälsa"))
    centre.get(url)
    with CaptureQueriesContext(connection) as few:
        centre.get(url)
    for year in (2021, 2022, 2023):
        year_with_answers(year, 5, names=("Språkutveckling", "Elevhälsa", "Matematik"))
    with CaptureQueriesContext(connection) as many:
        page = centre.get(url)
    assert len(page.context["rows"]) == 4 and len(page.context["areas"]) == 3
    assert len(many) == len(few)


def test_the_pages_are_for_the_centre_only(db, client_for, principal):
    efforts_on()
    YearlySurveyFactory(year=2024)
    client = client_for(principal)
    for url in (reverse("efforts:yearly_list"), reverse("efforts:yearly_results"), reverse("efforts:yearly_export"),
                reverse("efforts:yearly_detail", args=[2024]), reverse("efforts:yearly_edit", args=[2024]),
                reverse("efforts:yearly_plan")):
        assert client.get(url).status_code == 403


def test_the_programme_page_leads_the_centre_to_the_yearly_survey(centre, client_for, principal):
    url = reverse("efforts:yearly_list")
    assert url in centre.get(reverse("efforts:index")).text
    assert url not in client_for(principal).get(reverse("efforts:index")).text
