"""The rules an application must meet to be submitted (services.submission_problems)."""

from datetime import date

import pytest
from django.utils import translation

from inspira.certification import services
from inspira.certification.models import Application
from inspira.certification.services import ApplicationIncomplete, latest_experience_start, submission_problems

from .conftest import at, make_application, submit


def _fields(application, today=date(2025, 6, 2)):
    return {p.field for p in submission_problems(application, today=today)}


def test_a_complete_application_has_no_problems(application):
    assert submission_problems(application, today=date(2025, 6, 2)) == []


@pytest.mark.parametrize(("today", "latest"), [
    (date(2025, 6, 2), date(2024, 6, 2)),
    (date(2025, 3, 1), date(2024, 3, 1)),
    (date(2028, 2, 29), date(2027, 2, 28)),  # no 29 February in 2027: the day before counts
    (date(2025, 1, 1), date(2024, 1, 1)),
])
def test_latest_experience_start_is_the_same_date_a_year_earlier(today, latest):
    assert latest_experience_start(today) == latest


def test_exactly_one_year_of_experience_passes(school, staff):
    application = make_application(school=school, applicant=staff, experience_since=date(2024, 6, 2))
    assert "experience_since" not in _fields(application, today=date(2025, 6, 2))


def test_one_day_less_than_a_year_is_refused_with_the_earliest_date(school, staff):
    application = make_application(school=school, applicant=staff, experience_since=date(2024, 6, 3))
    with translation.override("en"):
        problems = [p for p in submission_problems(application, today=date(2025, 6, 2))
                    if p.field == "experience_since"]
    assert len(problems) == 1
    assert problems[0].step == services.STEP_SITE
    assert "2 June 2024" in problems[0].message  # the latest allowed start
    assert "3 June 2025" in problems[0].message  # the first day it can be submitted


def test_experience_since_29_february_needs_until_1_march(school, staff):
    application = make_application(school=school, applicant=staff, experience_since=date(2024, 2, 29))
    assert "experience_since" in _fields(application, today=date(2025, 2, 28))
    assert "experience_since" not in _fields(application, today=date(2025, 3, 1))


def test_submitting_on_29_february_accepts_28_february_a_year_earlier(school, staff):
    application = make_application(school=school, applicant=staff, experience_since=date(2027, 2, 28))
    assert "experience_since" not in _fields(application, today=date(2028, 2, 29))
    application.experience_since = date(2027, 3, 1)
    assert "experience_since" in _fields(application, today=date(2028, 2, 29))


def test_missing_experience_date_is_a_problem(school, staff):
    application = make_application(school=school, applicant=staff, experience_since=None)
    assert "experience_since" in _fields(application)


def test_submission_is_refused_without_a_year_of_experience(school, staff):
    application = make_application(school=school, applicant=staff, experience_since=date(2025, 1, 1))
    with pytest.raises(ApplicationIncomplete) as exc:
        submit(application, now=at(2025, 6, 2))
    assert [p.field for p in exc.value.problems] == ["experience_since"]
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.endorsement_round == 0
    assert not application.endorsements.exists()


def test_five_visit_commitment_is_required(school, staff):
    application = make_application(school=school, applicant=staff, commits_to_five_visits=False)
    problems = submission_problems(application, today=date(2025, 6, 2))
    assert [(p.step, p.field) for p in problems] == [(services.STEP_TARGETS, "commits_to_five_visits")]
    with pytest.raises(ApplicationIncomplete):
        submit(application)


def test_plan_needs_two_rows(school, staff):
    application = make_application(school=school, applicant=staff, plan=[("09:00", "12:00", "Everything")])
    assert _fields(application) == {"plan"}


@pytest.mark.parametrize(("end", "ok"), [("11:29", False), ("11:30", True), ("14:00", True), ("14:01", False)])
def test_plan_lasts_about_half_a_working_day(school, staff, end, ok):
    application = make_application(school=school, applicant=staff,
                                   plan=[("09:00", "10:00", "Welcome"), ("10:00", end, "Lesson")])
    assert ("plan" not in _fields(application)) is ok


def test_contacts_principal_and_school_forms_are_required(school, staff):
    application = make_application(school=school, applicant=staff, contacts=[], principal=None)
    application.school_forms.clear()
    problems = submission_problems(application, today=date(2025, 6, 2))
    assert {(p.step, p.field) for p in problems} == {
        (services.STEP_TARGETS, "school_forms"),
        (services.STEP_CONTACTS, "contacts"),
        (services.STEP_CONTACTS, "principal"),
    }


def test_empty_draft_lists_every_problem_in_step_order(school, staff):
    application = services.application_create(school=school, applicant=staff)
    problems = submission_problems(application, today=date(2025, 6, 2))
    steps = [p.step for p in problems]
    assert steps == sorted(steps)
    assert {p.field for p in problems} >= {"area_title", "area_description", "experience_since", "plan",
                                           "commits_to_five_visits", "contacts", "principal"}
