"""The yearly survey in December (inspira/efforts/yearly.py): planning, when it is sent, to whom, and
the threshold of five in its results."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_q.models import Schedule

from inspira.accounts.models import Membership
from inspira.core.clock import local_midnight
from inspira.core.models import AuditEvent
from inspira.efforts import tasks, yearly
from inspira.efforts.models import Effort, YearlyAreaSurvey, YearlySurvey
from inspira.surveys.models import Invitation, Question, Survey
from inspira.surveys.selectors import survey_results, survey_summaries
from tests.efforts.factories import (
    CooperationFactory,
    YearlySurveyFactory,
    area,
    clock_at,
    cooperation_effort,
    coordinator,
    effort_in_year,
    efforts_on,
    principal_of,
    yearly_answers,
    yearly_sent,
)
from tests.factories import MembershipFactory, SchoolFactory, UserFactory, member

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year, month, day, hour=6, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def centre(db):
    return coordinator()


def sent(year=2024, **fields):
    """A sent yearly survey of a past year: its surveys closed (on the real clock) by now."""
    return yearly_sent(year, now=at(year, 12, 1), **fields)


def send(planned, now):
    with clock_at(now):
        return yearly.yearly_survey_send(yearly=planned, now=now)


def run_job(now):
    with clock_at(now):
        return tasks.send_due_yearly_surveys(now=now)


# --- Planning ---------------------------------------------------------------------------------------------

def test_coordinator_plans_the_year_with_an_audit_row(centre):
    planned = yearly.yearly_survey_plan(year=2030, send_on=date(2030, 12, 1), closes_on=date(2030, 12, 20),
                                        actor=centre, now=at(2030, 6, 1))
    assert (planned.year, planned.send_on, planned.closes_on, planned.sent_at) == (2030, date(2030, 12, 1),
                                                                                  date(2030, 12, 20), None)
    row = AuditEvent.objects.get(action="effort.yearly_planned")
    assert row.actor == centre and row.object_id == str(planned.pk)


def test_only_the_centre_plans(db, principal):
    efforts_on()
    with pytest.raises(yearly.YearlyError):
        yearly.yearly_survey_plan(year=2030, send_on=date(2030, 12, 1), closes_on=date(2030, 12, 20),
                                  actor=principal, now=at(2030, 6, 1))
    assert not YearlySurvey.objects.exists()


@pytest.mark.parametrize(("send_on", "closes_on", "field"), [
    (date(2031, 1, 5), date(2031, 1, 20), "send_on"),  # not in the survey's year
    (date(2030, 5, 31), date(2030, 6, 20), "send_on"),  # before today
    (date(2030, 12, 1), date(2030, 12, 1), "closes_on"),  # not after the day it is sent
    (date(2030, 12, 1), date(2030, 11, 30), "closes_on"),
    (date(2030, 12, 1), date(2031, 3, 2), "closes_on"),  # open more than 90 days
])
def test_days_that_do_not_fit_are_refused_at_their_field(centre, send_on, closes_on, field):
    with pytest.raises(yearly.YearlyError) as refused:
        yearly.yearly_survey_plan(year=2030, send_on=send_on, closes_on=closes_on, actor=centre, now=at(2030, 6, 1))
    assert refused.value.field == field
    assert not YearlySurvey.objects.exists()


def test_a_day_outside_december_is_allowed_within_the_year(centre):
    planned = yearly.yearly_survey_plan(year=2030, send_on=date(2030, 11, 24), closes_on=date(2030, 12, 10),
                                        actor=centre, now=at(2030, 6, 1))
    assert planned.send_on == date(2030, 11, 24)


def test_the_days_change_until_it_is_sent(centre):
    yearly.yearly_survey_plan(year=2024, send_on=date(2024, 12, 2), closes_on=date(2024, 12, 20),
                              actor=centre, now=at(2024, 6, 1))
    changed = yearly.yearly_survey_plan(year=2024, send_on=date(2024, 12, 3), closes_on=date(2024, 12, 18),
                                        actor=centre, now=at(2024, 6, 2))
    assert YearlySurvey.objects.count() == 1 and changed.send_on == date(2024, 12, 3)
    assert AuditEvent.objects.filter(action="effort.yearly_changed", actor=centre).count() == 1
    send(changed, at(2024, 12, 3))
    with pytest.raises(yearly.YearlyError):
        yearly.yearly_survey_plan(year=2024, send_on=date(2024, 12, 5), closes_on=date(2024, 12, 18),
                                  actor=centre, now=at(2024, 12, 4))
    changed.refresh_from_db()
    assert changed.send_on == date(2024, 12, 3)


# --- Which efforts and whom --------------------------------------------------------------------------------

def test_the_efforts_of_a_year(db):
    efforts_on()
    school = SchoolFactory()
    counted = {
        effort_in_year(schools=[school], at=at(2024, 3, 1)).pk,  # ended in the year
        effort_in_year(schools=[school], at=at(2024, 12, 31, 23, 30)).pk,  # ended the year's last evening
        effort_in_year(schools=[school], state=Effort.State.RUNNING, at=at(2023, 9, 1)).pk,  # running all year
        effort_in_year(schools=[school], state=Effort.State.RUNNING, at=at(2024, 12, 31, 23, 30)).pk,
    }
    effort_in_year(schools=[school], at=at(2023, 12, 31, 23, 30))  # ended the year before
    effort_in_year(schools=[school], at=at(2025, 1, 1, 0, 30))  # ended the year after
    effort_in_year(schools=[school], state=Effort.State.RUNNING, at=at(2025, 1, 1, 0, 30))  # began after
    for state in (Effort.State.REQUESTED, Effort.State.PLANNING, Effort.State.PROPOSAL):
        effort_in_year(schools=[school], state=state, at=at(2024, 5, 1))
    effort_in_year(schools=[school], state=Effort.State.WITHDRAWN, at=at(2024, 5, 1), withdrawn_reason="Omorganisation")
    cooperation_effort(CooperationFactory(), schools=[school], state_changed_at=at(2024, 2, 1))
    assert set(yearly.efforts_of_year(2024).values_list("pk", flat=True)) == counted


def test_a_survey_per_area_with_efforts_to_its_principals_once(db):
    efforts_on()
    language, health, maths = area("Språkutveckling"), area("Elevhälsa"), area("Matematik")
    north, south, west = SchoolFactory(), SchoolFactory(), SchoolFactory()
    rektor_north, rektor_south, rektor_west = principal_of(north), principal_of(south), principal_of(west)
    member(north)  # staff are not asked
    MembershipFactory(school=north, role=Membership.Role.PRINCIPAL, confirmed_at=None)  # not confirmed
    MembershipFactory(school=south, role=Membership.Role.PRINCIPAL, user=UserFactory(is_active=False))
    # North had two efforts in language (and one for both units), one in health; west only one long ago.
    effort_in_year(schools=[north], area=language, at=at(2024, 4, 1))
    effort_in_year(schools=[north], area=language, state=Effort.State.RUNNING, at=at(2024, 9, 1))
    effort_in_year(schools=[north, south], area=language, at=at(2024, 6, 1))
    effort_in_year(schools=[south], area=health, at=at(2024, 10, 1))
    effort_in_year(schools=[west], area=maths, at=at(2022, 10, 1))

    planned = sent(2024)

    surveys = {a.area: a.survey for a in YearlyAreaSurvey.objects.filter(yearly=planned).select_related("survey")}
    assert set(surveys) == {language, health}
    invited = {a: sorted(s.invitations.values_list("user", flat=True)) for a, s in surveys.items()}
    assert invited == {language: sorted([rektor_north.pk, rektor_south.pk]), health: [rektor_south.pk]}
    assert rektor_west.pk not in Invitation.objects.values_list("user", flat=True)
    survey = surveys[language]
    assert survey.programme.key == "tailor_made"
    assert survey.state(at(2024, 12, 1, 7)) == Survey.State.OPEN
    assert "2024" in survey.title and "Språkutveckling" in survey.title
    kinds = list(survey.questions.order_by("position").values_list("kind", flat=True))
    assert kinds == [Question.Kind.SCALE, Question.Kind.SCALE, Question.Kind.SCALE, Question.Kind.TEXT]
    row = AuditEvent.objects.get(action="effort.yearly_sent")
    assert row.data == {"areas": 2, "invited": 3}


def test_a_year_without_efforts_is_sent_with_no_surveys(db):
    efforts_on()
    planned = sent(2024)
    assert planned.sent_at == at(2024, 12, 1) and not planned.area_surveys.exists()


# --- When it is sent -----------------------------------------------------------------------------------------

@pytest.fixture
def one_effort(db):
    efforts_on()
    school = SchoolFactory()
    principal_of(school)
    return effort_in_year(schools=[school], at=at(2024, 5, 1))


def test_not_sent_the_day_before_its_day(one_effort):
    YearlySurveyFactory(year=2024, send_on=date(2024, 12, 2))
    assert run_job(at(2024, 12, 1, 23, 59)) == 0
    assert not Survey.objects.exists() and YearlySurvey.objects.get().sent_at is None


def test_sent_on_its_day_and_only_once(one_effort):
    YearlySurveyFactory(year=2024, send_on=date(2024, 12, 2))
    assert run_job(at(2024, 12, 2, 0, 5)) == 1
    assert run_job(at(2024, 12, 2, 6)) == 0
    assert run_job(at(2024, 12, 3, 6)) == 0
    assert Survey.objects.count() == 1 and Invitation.objects.count() == 1
    assert YearlySurvey.objects.get().sent_at == at(2024, 12, 2, 0, 5)


def test_a_late_run_still_sends_before_the_last_day_but_not_after(one_effort):
    YearlySurveyFactory(year=2024, send_on=date(2024, 12, 2), closes_on=date(2024, 12, 20))
    YearlySurveyFactory(year=2023, send_on=date(2023, 12, 2), closes_on=date(2023, 12, 20))
    assert run_job(at(2024, 12, 5)) == 1
    assert YearlySurvey.objects.get(year=2023).sent_at is None


def test_nothing_is_sent_while_the_programme_is_off(one_effort):
    from inspira.programmes.models import Programme

    YearlySurveyFactory(year=2024, send_on=date(2024, 12, 2))
    Programme.objects.filter(key="tailor_made").update(is_active=False)
    assert run_job(at(2024, 12, 2)) == 0
    Programme.objects.filter(key="tailor_made").update(is_active=True)
    assert run_job(at(2024, 12, 3)) == 1


def test_a_second_worker_with_an_old_copy_sends_nothing(one_effort):
    planned = YearlySurveyFactory(year=2024)
    stale = YearlySurvey.objects.get(pk=planned.pk)
    assert send(planned, at(2024, 12, 1))
    # The row is read again under its lock, so the copy from before the first send does not count.
    assert stale.sent_at is None
    assert not send(stale, at(2024, 12, 1))
    assert Survey.objects.count() == 1


def test_the_job_is_scheduled_daily(db):
    schedule = Schedule.objects.get(name="efforts-yearly-surveys-daily")
    assert schedule.func == "inspira.efforts.tasks.send_due_yearly_surveys"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


def test_closes_at_the_end_of_the_last_day_also_on_the_autumn_change(one_effort):
    last_sunday_of_october = date(2026, 10, 25)
    closes_at = yearly.yearly_closes_at(last_sunday_of_october)
    assert closes_at.utcoffset() is not None
    assert closes_at == datetime(2026, 10, 26, 0, 0, tzinfo=STOCKHOLM)
    assert closes_at - local_midnight(last_sunday_of_october) == timedelta(hours=25)  # the day is 25 hours
    one_effort.ended_at = at(2026, 5, 1)
    one_effort.save(update_fields=["ended_at"])
    planned = YearlySurveyFactory(year=2026, send_on=date(2026, 10, 1), closes_on=last_sunday_of_october)
    send(planned, at(2026, 10, 1))
    survey = Survey.objects.get()
    assert survey.closes_at == closes_at and survey.last_day == last_sunday_of_october
    assert survey.state(at(2026, 10, 25, 23, 59)) == Survey.State.OPEN
    assert survey.state(at(2026, 10, 26, 0, 0)) == Survey.State.CLOSED


# --- Results: the threshold of five ----------------------------------------------------------------------------

@pytest.fixture
def language_2024(db):
    efforts_on()
    school = SchoolFactory()
    principal_of(school)
    effort_in_year(schools=[school], area=area("Språkutveckling"), at=at(2024, 5, 1))
    planned = sent(2024)
    return planned, planned.area_surveys.get().survey


def test_four_answers_show_nothing_but_fewer_than_five(language_2024):
    planned, survey = language_2024
    yearly_answers(survey, 4)
    [item] = yearly.year_results(yearly=planned)
    assert item.closed and item.responses.suppressed and item.means == [None, None, None]
    areas, rows = yearly.results_over_years(yearlies=[planned])
    assert yearly.summary_values(rows[0].cells[0]) == ["färre än 5", "", "", ""]
    assert yearly.export_rows() == [[2024, "Språkutveckling", "färre än 5", "", "", ""]]


def test_five_answers_are_shown(language_2024):
    planned, survey = language_2024
    yearly_answers(survey, 5, values=(4, 5, 3))
    [item] = yearly.year_results(yearly=planned)
    assert item.responses.value == 5 and item.means == [4.0, 5.0, 3.0]
    areas, rows = yearly.results_over_years(yearlies=[planned])
    assert yearly.summary_values(rows[0].cells[0]) == ["5", "4,0", "5,0", "3,0"]
    assert yearly.export_rows() == [[2024, "Språkutveckling", "5", "4,0", "5,0", "3,0"]]


def test_nothing_is_shown_before_the_survey_closes(language_2024):
    planned, survey = language_2024
    yearly_answers(survey, 6)
    [item] = yearly.year_results(yearly=planned, now=at(2024, 12, 10))
    assert not item.closed and item.responses is None
    summary = survey_summaries(surveys=[survey], now=at(2024, 12, 10))[survey.pk]
    assert summary.suppressed and summary.means == {}
    assert yearly.summary_values(summary) == ["öppen", "", "", ""]


@pytest.mark.parametrize("count", [0, 4, 5, 7])
def test_the_table_over_the_years_agrees_with_the_survey_results(language_2024, count):
    _planned, survey = language_2024
    yearly_answers(survey, count, values=(2, 3, 5))
    results = survey_results(survey=survey)
    summary = survey_summaries(surveys=[survey])[survey.pk]
    assert str(summary.responses) == str(results.group)
    assert summary.means == {r.question.position: r.mean for r in results.questions if r.mean is not None}
