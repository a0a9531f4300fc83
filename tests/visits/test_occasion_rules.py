"""What an occasion may be: a half-day on a working day within the certification, with sensible
times. One set of rules (services.occasion_input_problems) for single occasions, series and
changes; the forms show its answers at their fields."""

import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.core.workdays import is_holiday
from inspira.visits import services
from inspira.visits.forms import OccasionForm, SeriesDatesForm
from inspira.visits.models import Occasion
from inspira.visits.services import OccasionDetails, VisitError
from tests.visits.builders import make_certification, make_occasion, working_day

MORNING, AFTERNOON = Occasion.Slot.MORNING, Occasion.Slot.AFTERNOON


@pytest.fixture
def site(school, site_contact):
    return make_certification(school=school, starts_on=date(2026, 1, 1))


def fields_of(problems) -> list[str]:
    return sorted(problem.field for problem in problems)


@pytest.mark.parametrize(("slot", "start", "end", "fields"), [
    (MORNING, time(8, 30), time(12), []),
    (MORNING, time(8), time(13), []),  # five hours, ending at the latest a morning may
    (AFTERNOON, time(12), time(14), []),  # two hours, from noon
    (AFTERNOON, time(13), time(16, 30), []),
    (AFTERNOON, time(8), time(9), ["end_time", "start_time"]),  # an "afternoon" in the morning, one hour long
    (MORNING, time(9), time(14), ["end_time"]),  # a morning past 13:00
    (MORNING, time(9), time(10, 30), ["end_time"]),  # an hour and a half is not half a day
    (AFTERNOON, time(12), time(17, 30), ["end_time"]),  # five and a half hours
    (MORNING, time(6), time(9), ["start_time"]),  # before the school day
    (AFTERNOON, time(15), time(19), ["end_time"]),  # after it
    (MORNING, time(12), time(9), ["end_time"]),  # ends before it starts
])
def test_the_times_of_a_half_day(slot, start, end, fields):
    assert fields_of(services.occasion_problems(slot=slot, start_time=start, end_time=end)) == fields


@pytest.mark.parametrize(("day", "reason"), [
    (date(2026, 3, 7), "weekend day"),  # a Saturday
    (date(2026, 3, 8), "weekend day"),  # a Sunday
    (date(2026, 4, 3), "public holiday: Good Friday"),
    (date(2026, 6, 19), "public holiday: Midsummer Eve"),
    (date(2028, 6, 1), "outside the certification period"),
    (date(2026, 2, 2), "already passed"),
])
def test_the_dates_an_occasion_cannot_have(site, en, day, reason):
    [problem] = services.occasion_date_problems(certification=site, day=day, today=date(2026, 3, 1))
    assert problem.short == reason and problem.field == "date"
    assert not services.occasion_date_problems(certification=site, day=date(2026, 3, 9), today=date(2026, 3, 1))


def test_the_service_refuses_a_saturday_afternoon_at_eight(site, site_contact, en):
    details = OccasionDetails(slot=AFTERNOON, start_time=time(8), end_time=time(9), place="Aulan", capacity=10)
    with pytest.raises(VisitError, match="afternoon starts at 12:00") as caught:
        services.occasion_create(certification=site, actor=site_contact, date=date(2026, 10, 24), details=details,
                                 now=timezone.make_aware(timezone.datetime(2026, 10, 1, 10)))
    assert caught.value.field == "start_time"
    ok = OccasionDetails(slot=AFTERNOON, start_time=time(13), end_time=time(16), place="Aulan", capacity=10)
    with pytest.raises(VisitError, match="is a Saturday") as caught:
        services.occasion_create(certification=site, actor=site_contact, date=date(2026, 10, 24), details=ok,
                                 now=timezone.make_aware(timezone.datetime(2026, 10, 1, 10)))
    assert caught.value.field == "date"
    assert not Occasion.objects.exists()


def test_a_series_refuses_a_public_holiday(site, site_contact, en):
    details = OccasionDetails(slot=MORNING, start_time=time(9), end_time=time(12), place="Aulan", capacity=10)
    with pytest.raises(VisitError, match="public holiday"):
        services.occasion_create_series(certification=site, actor=site_contact, details=details,
                                        dates=[date(2026, 3, 30), date(2026, 4, 6)],
                                        now=timezone.make_aware(timezone.datetime(2026, 3, 1, 10)))
    assert not Occasion.objects.exists()


def occasion_data(day, **overrides):
    return {"date": day.isoformat(), "slot": "morning", "start_time": "09:00", "end_time": "12:00",
            "place": "Aulan", "capacity": "12", "note": ""} | overrides


def test_the_half_day_has_no_empty_choice_and_must_be_chosen(site, en):
    form = OccasionForm(certification=site)
    assert [value for value, _label in form.fields["slot"].choices] == ["morning", "afternoon"]
    assert "---------" not in str(form["slot"])
    form = OccasionForm(occasion_data(date(2026, 10, 26), slot=""), certification=site, today=date(2026, 10, 1))
    assert form.errors["slot"] == ["Choose morning or afternoon."]


def test_the_form_shows_each_rule_at_its_field_in_swedish(site):
    # The example: a Saturday "afternoon" from 08:00 to 09:00.
    form = OccasionForm(occasion_data(date(2026, 10, 24), slot="afternoon", start_time="08:00", end_time="09:00"),
                        certification=site, today=date(2026, 10, 1))
    assert not form.is_valid()
    assert form.errors["date"] == ["24 oktober 2026 är en lördag. Besökstillfällen erbjuds på vardagar, måndag "
                                   "till fredag."]
    assert form.errors["start_time"] == ["En eftermiddag börjar klockan 12:00 eller senare. Välj förmiddag för "
                                         "ett tidigare tillfälle."]
    assert form.errors["end_time"] == ["En halvdag är mellan 2 och 5 timmar lång (ungefär en halv arbetsdag)."]


def test_an_unchanged_date_is_not_checked_again_when_an_occasion_is_changed(site, en):
    # A day that has passed since the occasion was made; only its time changes.
    occasion = make_occasion(certification=site, day=date(2026, 3, 9))
    form = OccasionForm(occasion_data(occasion.date, start_time="10:00"), instance=occasion,
                        today=date(2026, 3, 20))
    assert form.is_valid(), form.errors
    form = OccasionForm(occasion_data(date(2026, 3, 14), start_time="10:00"), instance=occasion,
                        today=date(2026, 3, 1))
    assert "is a Saturday" in form.errors["date"][0]


def test_the_series_preview_flags_public_holidays_and_leaves_them_unticked(site, en):
    mondays = [date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 13)]  # 6 April is Easter Monday
    form = SeriesDatesForm(dates=mondays, certification=site, today=date(2026, 3, 1))
    assert form.initial["dates"] == ["2026-03-30", "2026-04-13"]
    labels = dict(form.fields["dates"].choices)
    assert labels["2026-04-06"] == "Monday 6 April 2026 (public holiday: Easter Monday)"
    inputs = {re.search(r'value="([\d-]+)"', tag).group(1): tag
              for tag in re.findall(r"<input[^>]*>", str(form["dates"]))}
    assert "disabled" in inputs["2026-04-06"] and "checked" not in inputs["2026-04-06"]
    assert "disabled" not in inputs["2026-03-30"] and "checked" in inputs["2026-03-30"]
    # Sent anyway (the box is disabled in the browser): refused at the field.
    form = SeriesDatesForm({"dates": ["2026-03-30", "2026-04-06"]}, dates=mondays, certification=site,
                           today=date(2026, 3, 1))
    assert not form.is_valid() and "public holiday" in form.errors["dates"][0]


def test_the_series_page_shows_the_holiday_unticked(client_for, site_contact, school, en):
    certification = make_certification(school=school)
    # The first Monday that is a public holiday (e.g. Easter Monday, Christmas Day) in the coming year.
    holiday = next(day for day in (timezone.localdate() + timedelta(days=8 + n) for n in range(400))
                   if day.weekday() == 0 and is_holiday(day))
    pattern = {"weekday": "0", "slot": "morning", "start_time": "09:00", "end_time": "12:00",
               "first_date": (holiday - timedelta(days=7)).isoformat(), "weeks": "3", "place": "Aulan",
               "capacity": "15", "note": "", "step": "pattern"}
    response = client_for(site_contact).post(reverse("visits:occasion_series", args=[certification.pk]), pattern)
    assert response.status_code == 200
    dates_form = response.context["dates_form"]
    assert holiday.isoformat() not in dates_form.initial["dates"]
    assert "public holiday" in dict(dates_form.fields["dates"].choices)[holiday.isoformat()]
    assert working_day(holiday) != holiday
