"""The threshold of five, in every result: totals, cells, filters and the export's rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from inspira.surveys import selectors, services
from inspira.surveys.models import Answer
from inspira.surveys.selectors import results_rows, survey_results
from inspira.surveys.services import SurveyError, invitation_token
from tests.factories import InvitationFactory, evaluation_survey


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def answer(survey, single, scale, *, choice=0, value=3, text=None, multiple=None, free=None):
    answers = {single.pk: single.choices.all()[choice].pk, scale.pk: value}
    if multiple is not None:
        answers[multiple[0].pk] = [c.pk for c in multiple[0].choices.all()[:multiple[1]]]
    if free is not None:
        answers[free[0].pk] = free[1]
    services.survey_answer(token=invitation_token(InvitationFactory(survey=survey)), answers=answers)


def close(survey):
    survey.closed_at = timezone.now() - timedelta(seconds=1)
    survey.save(update_fields=["closed_at"])


def test_results_are_hidden_until_the_survey_closes(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    for _ in range(6):
        answer(survey, single, scale)
    with pytest.raises(SurveyError, match="closed"):
        survey_results(survey=survey)
    close(survey)
    assert survey_results(survey=survey).total == 6


def test_below_five_in_total_only_the_count_is_given(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    for _ in range(4):
        answer(survey, single, scale, value=5)
    close(survey)
    results = survey_results(survey=survey)
    assert results.total == 4
    assert results.suppressed
    assert results.questions == []
    assert results_rows(results) == [["Responses", "", "4"]]


def test_at_five_the_results_are_shown_with_small_cells_suppressed(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    for value in (1, 2, 2, 2, 2, 2):
        answer(survey, single, scale, choice=0 if value == 2 else 1, value=value)
    close(survey)
    results = survey_results(survey=survey)
    assert results.group.value == 6
    by_kind = {item.question.kind: item for item in results.questions}
    choices = by_kind["single"].rows
    assert [(row.label, row.count.value) for row in choices] == [
        ("Förskola", 5), ("Grundskola", None), ("Gymnasieskola", None)]
    assert str(choices[1].count) == "fewer than 5"
    scale_rows = by_kind["scale"].rows
    assert [row.count.value for row in scale_rows] == [None, 5, None, None, None]
    assert by_kind["scale"].mean == 1.8
    assert by_kind["single"].answered.value == 6


def test_a_suppressed_cell_looks_the_same_at_one_and_at_four(db):
    shown = []
    for small in (1, 4):
        survey, single, _multiple, scale, _text = evaluation_survey()
        for n in range(5 + small):
            answer(survey, single, scale, choice=0 if n < 5 else 1)
        close(survey)
        results = survey_results(survey=survey)
        row = results.questions[0].rows[1]
        # Everything the page and the export take from the suppressed cell.
        shown.append((row.count, str(row.count),
                       [r for r in results_rows(results) if r[1] == "Grundskola"]))
    assert shown[0] == shown[1]
    assert shown[0][1] == "fewer than 5"


def test_a_filter_that_leaves_fewer_than_five_suppresses_everything(db):
    survey, single, multiple, scale, _text = evaluation_survey()
    for _ in range(5):
        answer(survey, single, scale, choice=0, value=3)
    # One person answered "Gymnasieskola": a filter on it would single out their other answers.
    answer(survey, single, scale, choice=2, value=1, multiple=(multiple, 1))
    close(survey)
    lone = single.choices.get(text="Gymnasieskola")
    results = survey_results(survey=survey, filters={single.pk: lone.pk})
    assert results.suppressed and results.filtered
    assert results.questions == []
    assert results.group.value is None
    # Not even the size of the group: only "fewer than 5".
    assert results_rows(results) == [["Responses", "", "fewer than 5"]]
    big = survey_results(survey=survey, filters={str(single.pk): str(single.choices.get(text="Förskola").pk)})
    assert big.group.value == 5
    assert {item.question.kind: item.mean for item in big.questions}["scale"] == 3.0


def test_a_filter_must_be_a_choice_of_this_survey(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    other, other_single, *_ = evaluation_survey()
    close(survey)
    for filters in ({single.pk: other_single.choices.first().pk}, {scale.pk: 3}, {"x": 1}, {999999: 1}):
        with pytest.raises(SurveyError, match="filter"):
            survey_results(survey=survey, filters=filters)


def test_free_texts_are_shown_only_once_approved(db, administrator):
    survey, single, _multiple, scale, text = evaluation_survey()
    for n in range(6):
        answer(survey, single, scale, free=(text, f"Synpunkt {n}"))
    close(survey)
    assert {i.question.kind: i.texts for i in survey_results(survey=survey).questions}["text"] == []
    pending = list(selectors.pending_free_texts(survey))
    assert len(pending) == 6
    services.free_text_review(answer=pending[0], approved=True, actor=administrator)
    services.free_text_review(answer=pending[1], approved=False, actor=administrator)
    texts = {i.question.kind: i.texts for i in survey_results(survey=survey).questions}["text"]
    assert texts == [pending[0].text]
    assert Answer.objects.filter(review=Answer.Review.REJECTED).count() == 1


def test_the_threshold_is_a_setting(db, settings):
    settings.SURVEY_MIN_GROUP = 3
    survey, single, _multiple, scale, _text = evaluation_survey()
    for _ in range(3):
        answer(survey, single, scale)
    close(survey)
    results = survey_results(survey=survey)
    assert not results.suppressed
    assert str(results.questions[0].rows[1].count) == "fewer than 3"


def test_the_number_of_queries_does_not_grow_with_the_answers(db):
    counted = []
    for people in (15, 30):  # at least five in the filtered group each time
        survey, single, multiple, scale, text = evaluation_survey()
        for n in range(people):
            answer(survey, single, scale, choice=n % 3, multiple=(multiple, 2), free=(text, f"Text {n}"))
        close(survey)
        with CaptureQueriesContext(connection) as queries:
            results = survey_results(survey=survey, filters={single.pk: single.choices.first().pk})
            results_rows(results)
        counted.append(len(queries))
    assert counted[0] == counted[1]
