"""Bad input to the application and decision forms is a form error, never a server error
(regressions found by tests/fuzz)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.certification import casework_services
from inspira.certification.models import Application, Decision
from tests.factories import FeeRuleFactory, SchoolYearFactory

from .casework import sent_to_director
from .conftest import make_application


@pytest.fixture
def today_rule(db):
    today = timezone.localdate()
    return FeeRuleFactory(school_year=SchoolYearFactory(start_year=today.year if today.month >= 7 else today.year - 1))


def test_a_start_date_in_year_9999_is_refused_next_to_the_field(client_for, administrator, director, application,
                                                                 today_rule, en):
    # The certification runs two years from the start date; from 9998 on that is past year 9999,
    # the last one Python's dates have, and the decision failed with a server error.
    sent_to_director(application, administrator)
    response = client_for(director).post(reverse("certification:decide", args=[application.pk]), {
        "outcome": "approve", "start_date": "9999-12-31", "reasons": ""})
    assert response.status_code == 200
    assert "at most five years after the day of the decision" in " ".join(response.context["form"].errors["start_date"])
    assert not Decision.objects.exists()


def test_the_decision_service_refuses_a_start_more_than_five_years_ahead(administrator, director, application,
                                                                        today_rule):
    sent_to_director(application, administrator)
    today = timezone.localdate()
    with pytest.raises(casework_services.DecisionError):
        casework_services.decision_make(application=application, actor=director, outcome="approve",
                                        start_date=today + casework_services.MAX_START_AHEAD + timedelta(days=1))
    casework_services.decision_make(application=application, actor=director, outcome="approve",
                                    start_date=today + casework_services.MAX_START_AHEAD)
    assert application.certification.starts_on == today + casework_services.MAX_START_AHEAD


def test_a_school_form_id_past_the_integer_range_is_an_invalid_choice(client_for, school, staff):
    # Django checks the ticked ids with pk__in, which sent the number to the database: a server error.
    application = make_application(school=school, applicant=staff)
    before = list(application.school_forms.all())
    response = client_for(staff).post(reverse("certification:step", args=[application.pk, 3]), {
        "school_forms": ["99999999999999999999"], "subjects": "matematik", "next": ""})
    assert response.status_code == 200
    assert "school_forms" in response.context["form"].errors
    assert list(Application.objects.get(pk=application.pk).school_forms.all()) == before
