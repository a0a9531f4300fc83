"""No occasion on a day the host school is closed: the municipality's breaks and the school's own
study days (schools.ClosedPeriod), for single occasions and series, through occasion_date_problems."""

import re
from datetime import date, time

import pytest
from django.utils import timezone

from inspira.schools.models import ClosedPeriod
from inspira.visits import services
from inspira.visits.forms import OccasionForm, SeriesDatesForm
from inspira.visits.models import Occasion
from inspira.visits.services import OccasionDetails, VisitError
from tests.factories import ClosedPeriodFactory
from tests.visits.builders import make_certification

TODAY = date(2026, 9, 1)


@pytest.fixture
def site(school, site_contact):
    return make_certification(school=school, starts_on=date(2026, 1, 1))


@pytest.fixture
def hostlov(db):
    # The municipality's, for every school: week 44 of 2026.
    return ClosedPeriodFactory(name="Höstlov", starts_on=date(2026, 10, 26), ends_on=date(2026, 10, 30))


def occasion_data(day):
    return {"date": day.isoformat(), "slot": "morning", "start_time": "09:00", "end_time": "12:00",
            "place": "Aulan", "capacity": "12", "note": ""}


def test_a_single_occasion_in_hostlov_is_refused_at_the_field(site, hostlov):
    form = OccasionForm(occasion_data(date(2026, 10, 28)), certification=site, today=TODAY)
    assert not form.is_valid()
    assert form.errors["date"] == ["Skolan har stängt 28 oktober 2026: Höstlov. Välj en annan dag."]
    assert OccasionForm(occasion_data(date(2026, 11, 2)), certification=site, today=TODAY).is_valid()


def test_the_service_refuses_a_day_in_a_break(site, site_contact, hostlov, en):
    details = OccasionDetails(slot="morning", start_time=time(9), end_time=time(12), place="Aulan", capacity=10)
    with pytest.raises(VisitError, match="school is closed on 26 October 2026: Höstlov") as caught:
        services.occasion_create(certification=site, actor=site_contact, date=date(2026, 10, 26), details=details,
                                 now=timezone.make_aware(timezone.datetime(2026, 9, 1, 10)))
    assert caught.value.field == "date"
    with pytest.raises(VisitError, match="Höstlov"):
        services.occasion_create_series(certification=site, actor=site_contact, details=details,
                                        dates=[date(2026, 10, 19), date(2026, 10, 26)],
                                        now=timezone.make_aware(timezone.datetime(2026, 9, 1, 10)))
    assert not Occasion.objects.exists()


def test_the_series_preview_flags_a_break_and_leaves_it_unticked(site, hostlov, en, django_assert_max_num_queries):
    mondays = [date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)]
    with django_assert_max_num_queries(1):  # one query for the closed days, however many dates
        form = SeriesDatesForm(dates=mondays, certification=site, today=TODAY)
    assert form.initial["dates"] == ["2026-10-19", "2026-11-02", "2026-11-09"]
    assert dict(form.fields["dates"].choices)["2026-10-26"] == "Monday 26 October 2026 (school closed: Höstlov)"
    inputs = {re.search(r'value="([\d-]+)"', tag).group(1): tag
              for tag in re.findall(r"<input[^>]*>", str(form["dates"]))}
    assert "disabled" in inputs["2026-10-26"] and "checked" not in inputs["2026-10-26"]
    # Sent anyway (the box is disabled in the browser): refused at the field.
    form = SeriesDatesForm({"dates": ["2026-10-19", "2026-10-26"]}, dates=mondays, certification=site, today=TODAY)
    assert not form.is_valid() and "Höstlov" in form.errors["dates"][0]


def test_the_schools_own_study_day_is_refused(site, school, en):
    ClosedPeriodFactory(school=school, name="Studiedag", kind=ClosedPeriod.Kind.STUDY_DAY,
                        starts_on=date(2026, 11, 13), ends_on=date(2026, 11, 13))
    [problem] = services.occasion_date_problems(certification=site, day=date(2026, 11, 13), today=TODAY)
    assert problem.short == "school closed: Studiedag" and problem.field == "date"
    assert not services.occasion_date_problems(certification=site, day=date(2026, 11, 12), today=TODAY)


def test_another_schools_study_day_does_not_matter(site, other_school, en):
    ClosedPeriodFactory(school=other_school, name="Studiedag", kind=ClosedPeriod.Kind.STUDY_DAY,
                        starts_on=date(2026, 11, 13), ends_on=date(2026, 11, 13))
    assert not services.occasion_date_problems(certification=site, day=date(2026, 11, 13), today=TODAY)
    form = OccasionForm(occasion_data(date(2026, 11, 13)), certification=site, today=TODAY)
    assert form.is_valid(), form.errors
