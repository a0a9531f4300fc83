"""survey_summaries: many surveys' numbers and means in a fixed number of queries, under the same
threshold as survey_results."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspira.surveys.models import Answer, Response
from inspira.surveys.selectors import survey_summaries
from tests.factories import QuestionFactory, SurveyFactory


def closed_survey(answers: list[tuple]):
    """A closed survey with two scale questions; ``answers``: one (first, second) per response, None
    for a question left out."""
    survey = SurveyFactory(closes_at=timezone.now() + timedelta(days=1))
    first = QuestionFactory(survey=survey, position=1)
    second = QuestionFactory(survey=survey, position=2, required=False)
    for values in answers:
        response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
        Answer.objects.bulk_create(Answer(response=response, question=q, value=v)
                                   for q, v in zip((first, second), values, strict=True) if v is not None)
    survey.closed_at = timezone.now() - timedelta(seconds=1)
    survey.save(update_fields=["closed_at"])
    return survey


def test_a_mean_only_of_a_question_answered_by_five(db):
    survey = closed_survey([(4, 2)] * 4 + [(5, None)] * 2)
    summary = survey_summaries(surveys=[survey])[survey.pk]
    assert summary.responses.value == 6
    assert summary.means == {1: 4.3, 2: None}


def test_under_five_responses_only_the_number_as_fewer_than_five(db):
    survey = closed_survey([(4, 4)] * 4)
    summary = survey_summaries(surveys=[survey])[survey.pk]
    assert summary.suppressed and summary.responses.value is None and summary.means == {}


def test_an_open_survey_shows_nothing(db):
    survey = SurveyFactory()
    QuestionFactory(survey=survey)
    summary = survey_summaries(surveys=[survey])[survey.pk]
    assert not summary.closed and summary.responses is None and summary.suppressed


def test_the_queries_do_not_grow_with_the_surveys(db):
    few = [closed_survey([(3, 3)] * 5)]
    with CaptureQueriesContext(connection) as one:
        survey_summaries(surveys=few)
    many = few + [closed_survey([(3, 3)] * 5) for _ in range(3)]
    with CaptureQueriesContext(connection) as four:
        survey_summaries(surveys=many)
    assert len(one) == len(four) == 2
