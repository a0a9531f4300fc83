"""The evaluation at the effort's last session (inspira/efforts/evaluation.py) and the principal's
summary: the events app's evaluation, results only through the survey engine (threshold five)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from inspira.core.models import AuditEvent, OutboxItem
from inspira.efforts import evaluation
from inspira.efforts.permissions import may_read_evaluation_summary
from inspira.surveys.models import Invitation, Survey
from inspira.surveys.services import survey_open
from tests.efforts.factories import (
    EffortFactory,
    centre,
    evaluated_effort,
    principal_of,
    running_effort,
    session_of,
)
from tests.factories import RegistrationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_evaluation_is_the_last_sessions_and_made_once(school):
    effort = running_effort(schools=[school])
    actor = centre()
    assert not evaluation.effort_evaluation_may_create(effort=effort)
    with pytest.raises(evaluation.EvaluationError, match="plan the sessions first"):
        evaluation.effort_evaluation_create(effort=effort, actor=actor)
    session_of(effort, days=-7, actor=actor)
    last = session_of(effort, days=-1, actor=actor)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    survey = evaluation.effort_evaluation_create(effort=effort, actor=actor)
    last.event.refresh_from_db()
    assert last.event.evaluation == survey and survey.state() == Survey.State.DRAFT
    assert evaluation.effort_survey(effort) == survey
    assert list(AuditEvent.objects.filter(pk__gt=before).order_by("pk").values_list("action", flat=True)) == [
        "survey.create", "event.evaluation_created", "effort.evaluation_created"]
    assert not evaluation.effort_evaluation_may_create(effort=effort)
    with pytest.raises(evaluation.EvaluationError, match="already has"):
        evaluation.effort_evaluation_create(effort=effort, actor=actor)
    session_of(effort, days=3, actor=actor)  # a session added later does not make a second evaluation
    assert not evaluation.effort_evaluation_may_create(effort=effort)


def test_an_effort_not_yet_running_has_no_evaluation(school):
    effort = EffortFactory(schools=[school])
    assert not evaluation.effort_evaluation_may_create(effort=effort)


def test_only_those_who_attended_the_last_session_are_invited(school):
    effort = running_effort(schools=[school])
    actor = centre()
    session = session_of(effort, days=-1, actor=actor)
    came = RegistrationFactory(event=session.event, user=member(school), attended=True).user
    RegistrationFactory(event=session.event, user=member(school), attended=False)
    with pytest.raises(evaluation.EvaluationError, match="no evaluation"):
        evaluation.effort_evaluation_invite(effort=effort, actor=actor)
    survey = evaluation.effort_evaluation_create(effort=effort, actor=actor)
    with pytest.raises(evaluation.EvaluationError, match="must be open"):
        evaluation.effort_evaluation_invite(effort=effort, actor=actor)
    survey_open(survey=survey, actor=actor)
    assert evaluation.effort_evaluation_invite(effort=effort, actor=actor) == 1
    assert list(Invitation.objects.values_list("user", flat=True)) == [came.pk]
    assert evaluation.effort_evaluation_invite(effort=effort, actor=actor) == 0
    assert AuditEvent.objects.filter(action="effort.evaluation_invited", actor=actor).count() == 2


def test_the_principal_cannot_handle_the_evaluation(school):
    effort = running_effort(schools=[school])
    session_of(effort, days=-1)
    with pytest.raises(evaluation.EvaluationError, match="Only those who lead"):
        evaluation.effort_evaluation_create(effort=effort, actor=principal_of(school))


# --- Sharing the summary ----------------------------------------------------------------------------------------

def test_the_summary_is_shared_once_the_survey_has_closed(school, django_capture_on_commit_callbacks):
    effort, survey = evaluated_effort(school, answers=5, close=False)
    principal = principal_of(school)
    actor = centre()
    assert not evaluation.effort_evaluation_may_share(effort=effort)
    with pytest.raises(evaluation.EvaluationError, match="once the evaluation has closed"):
        evaluation.effort_evaluation_share(effort=effort, actor=actor, summary="Nöjda deltagare.")
    later = survey.closes_at + timedelta(minutes=1)
    assert evaluation.effort_evaluation_may_share(effort=effort, now=later)
    with pytest.raises(evaluation.EvaluationError, match="Write a short summary"):
        evaluation.effort_evaluation_share(effort=effort, actor=actor, summary="  ", now=later)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.effort_evaluation_share(effort=effort, actor=actor, summary="Nöjda deltagare.", now=later)
    effort.refresh_from_db()
    assert effort.evaluation_summary == "Nöjda deltagare." and effort.evaluation_shared_at == later
    assert AuditEvent.objects.get(action="effort.evaluation_shared").actor == actor
    item = OutboxItem.objects.get(key=f"effort-evaluation-shared:{effort.pk}")
    assert item.payload["to"] == [principal.email]
    assert f"/insatser/{effort.pk}/utvardering/" in item.payload["text"]
    with pytest.raises(evaluation.EvaluationError, match="already shared"):
        evaluation.effort_evaluation_share(effort=effort, actor=actor, summary="Igen", now=later)


def test_the_principal_reads_the_summary_only_once_it_is_shared(school, client_for):
    effort, _survey = evaluated_effort(school, answers=5)
    principal, staff = principal_of(school), member(school)
    url = reverse("efforts:evaluation_summary", args=[effort.pk])
    assert not may_read_evaluation_summary(principal, effort)
    assert client_for(principal).get(url).status_code == 403
    evaluation.effort_evaluation_share(effort=effort, actor=centre(), summary="Deltagarna var nöjda.")
    effort.refresh_from_db()
    page = client_for(principal).get(url)
    assert page.status_code == 200 and "Deltagarna var nöjda." in page.text
    assert client_for(staff).get(url).status_code == 403


# --- The threshold: results only from five answers ---------------------------------------------------------------

def test_four_answers_show_only_their_number(school, client_for, en):
    effort, _survey = evaluated_effort(school, answers=4)
    page = client_for(centre()).get(reverse("efforts:evaluation_summary", args=[effort.pk]))
    assert page.status_code == 200
    assert "4 responses in all." in page.text
    assert "Fewer than 5 people answered, so only the number of responses is shown." in page.text
    assert "How satisfied are you" not in page.text and "Mean" not in page.text


def test_five_answers_show_the_results(school, client_for, en):
    effort, _survey = evaluated_effort(school, answers=5)
    page = client_for(centre()).get(reverse("efforts:evaluation_summary", args=[effort.pk]))
    assert page.status_code == 200
    assert "5 responses in all." in page.text and "Fewer than 5 people answered" not in page.text
    assert "Mean: 4.0" in page.text or "Mean: 4,0" in page.text


def test_nothing_is_shown_before_the_survey_closes(school, client_for, en):
    effort, _survey = evaluated_effort(school, answers=6, close=False)
    page = client_for(centre()).get(reverse("efforts:evaluation_summary", args=[effort.pk]))
    assert "Results are shown when the survey has closed." in page.text
    assert "responses in all" not in page.text


# --- The case page's section and the buttons --------------------------------------------------------------------

def test_the_centre_creates_invites_and_shares_through_the_pages(school, client_for, en):
    effort = running_effort(schools=[school])
    actor = centre()
    session = session_of(effort, days=-1, actor=actor)
    RegistrationFactory(event=session.event, user=member(school), attended=True)
    client = client_for(actor)
    detail = reverse("efforts:effort_detail", args=[effort.pk])
    assert reverse("efforts:evaluation_create", args=[effort.pk]) in client.get(detail).text
    response = client.post(reverse("efforts:evaluation_create", args=[effort.pk]))
    survey = evaluation.effort_survey(effort)
    assert response.status_code == 302 and response.url == reverse("surveys:detail", args=[survey.pk])
    survey_open(survey=survey, actor=actor)
    assert reverse("efforts:evaluation_invite", args=[effort.pk]) in client.get(detail).text
    invited = client.post(reverse("efforts:evaluation_invite", args=[effort.pk]), follow=True)
    assert "1 person who attended is invited to the evaluation." in invited.text
    share_url = reverse("efforts:evaluation_share", args=[effort.pk])
    assert share_url not in client.get(detail).text  # not before the survey closes
    assert client.get(share_url).status_code == 302
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now() - timedelta(seconds=1))
    assert share_url in client.get(detail).text
    form = client.get(share_url)
    assert form.status_code == 200 and "Fewer than 5 people answered" in form.text
    assert client.post(share_url, {"summary": ""}).status_code == 200
    response = client.post(share_url, {"summary": "En kort sammanfattning."})
    assert response.status_code == 302 and response.url == reverse("efforts:evaluation_summary", args=[effort.pk])
    assert share_url not in client.get(detail).text


def test_the_principal_sees_the_state_of_the_evaluation_but_no_buttons(school, client_for, en):
    effort, _survey = evaluated_effort(school, answers=5)
    principal = principal_of(school)
    page = client_for(principal).get(reverse("efforts:effort_detail", args=[effort.pk]))
    assert "The participants answer the evaluation at the last session" in page.text
    assert reverse("efforts:evaluation_summary", args=[effort.pk]) not in page.text
    assert reverse("efforts:evaluation_share", args=[effort.pk]) not in page.text
    evaluation.effort_evaluation_share(effort=effort, actor=centre(), summary="Bra.")
    page = client_for(principal).get(reverse("efforts:effort_detail", args=[effort.pk]))
    assert reverse("efforts:evaluation_summary", args=[effort.pk]) in page.text
