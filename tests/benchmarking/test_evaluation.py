"""The round's closing evaluation (inspira/benchmarking/evaluation.py): the events app's evaluation
of the closing meeting, with benchmarking's questions, sent to those who attended (or to everyone)."""

import pytest
from django.urls import reverse

from inspira.benchmarking import evaluation
from inspira.benchmarking.models import Interest
from inspira.core.models import AuditEvent
from inspira.surveys.models import Invitation, Survey
from inspira.surveys.services import survey_open
from tests.benchmarking.builders_costs import make_meeting, make_participant, make_round
from tests.factories import ProgrammeCoordinatorFactory, RegistrationFactory, UserFactory, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return make_round()


def test_create_makes_the_closing_meetings_evaluation_with_benchmarking_questions_in_swedish(round_, administrator):
    closing = make_meeting(round_, "closing")
    survey = evaluation.round_evaluation_create(round=round_, actor=administrator)
    round_.refresh_from_db()
    closing.refresh_from_db()
    assert round_.evaluation == survey == closing.evaluation
    assert survey.state() == Survey.State.DRAFT and survey.programme.key == "benchmarking"
    texts = list(survey.questions.order_by("position").values_list("text", flat=True))
    assert texts[:3] == ["Hur nöjd är du med benchmarkingomgången som helhet?",
                         "Vad lärde du dig av besöken på de andra skolorna?",
                         "Vad kommer du att pröva i ditt eget klassrum?"]
    assert [q.kind for q in survey.questions.order_by("position")] == ["scale", "text", "text", "single", "text"]
    assert AuditEvent.objects.filter(action="benchmarking.evaluation_created").count() == 1


def test_one_evaluation_a_round_and_none_without_a_closing_meeting(round_, administrator):
    with pytest.raises(evaluation.EvaluationError):
        evaluation.round_evaluation_create(round=round_, actor=administrator)
    make_meeting(round_, "closing")
    evaluation.round_evaluation_create(round=round_, actor=administrator)
    with pytest.raises(evaluation.EvaluationError):
        evaluation.round_evaluation_create(round=round_, actor=administrator)
    assert Survey.objects.count() == 1


def test_an_evaluation_made_on_the_event_page_is_taken_not_doubled(round_, administrator):
    from inspira.events.evaluation import event_evaluation_create

    closing = make_meeting(round_, "closing")
    survey = event_evaluation_create(event=closing, actor=administrator)
    assert evaluation.round_evaluation_create(round=round_, actor=administrator) == survey
    assert Survey.objects.count() == 1


def test_only_coordinators_create_and_invite(round_):
    make_meeting(round_, "closing")
    with pytest.raises(evaluation.EvaluationError):
        evaluation.round_evaluation_create(round=round_, actor=UserFactory())
    coordinator = ProgrammeCoordinatorFactory(programme=programme("benchmarking")).user
    evaluation.round_evaluation_create(round=round_, actor=coordinator)
    with pytest.raises(evaluation.EvaluationError):
        evaluation.round_evaluation_invite(round=round_, actor=UserFactory())


def _participants_at_closing(round_, closing):
    came = [make_participant(round_) for _ in range(2)]
    absent = make_participant(round_)
    withdrawn = make_participant(round_, withdrawn_at=round_.interest_closes_at)
    not_admitted = make_participant(round_, decision=Interest.Decision.NOT_ADMITTED)
    for p in came:
        RegistrationFactory(event=closing, user=p.user, attended=True)
    RegistrationFactory(event=closing, user=absent.user, attended=False)
    return came, absent, withdrawn, not_admitted


def test_invite_reaches_those_who_attended_the_closing_meeting(round_, administrator):
    closing = make_meeting(round_, "closing")
    came, absent, _withdrawn, _not_admitted = _participants_at_closing(round_, closing)
    survey = evaluation.round_evaluation_create(round=round_, actor=administrator)
    with pytest.raises(evaluation.EvaluationError):  # a draft takes no invitations
        evaluation.round_evaluation_invite(round=round_, actor=administrator)
    survey_open(survey=survey, actor=administrator)
    round_.refresh_from_db()
    assert evaluation.round_evaluation_invite(round=round_, actor=administrator) == 2
    assert set(Invitation.objects.values_list("user_id", flat=True)) == {p.user_id for p in came}
    assert evaluation.round_evaluation_invite(round=round_, actor=administrator) == 0


def test_invite_everyone_reaches_every_admitted_participant_once(round_, administrator):
    closing = make_meeting(round_, "closing")
    came, absent, withdrawn, not_admitted = _participants_at_closing(round_, closing)
    survey = evaluation.round_evaluation_create(round=round_, actor=administrator)
    survey_open(survey=survey, actor=administrator)
    round_.refresh_from_db()
    evaluation.round_evaluation_invite(round=round_, actor=administrator)
    assert evaluation.round_evaluation_invite(round=round_, actor=administrator, everyone=True) == 1
    assert set(Invitation.objects.values_list("user_id", flat=True)) == {p.user_id for p in [*came, absent]}
    assert AuditEvent.objects.filter(action="benchmarking.evaluation_invited").count() == 2


def test_the_coordinators_page_and_buttons(round_, administrator, client_for):
    make_meeting(round_, "closing")
    client = client_for(administrator)
    page = client.get(reverse("benchmarking:round_closing", args=[round_.pk]))
    assert page.status_code == 200 and reverse("benchmarking:evaluation_create", args=[round_.pk]) in page.text
    response = client.post(reverse("benchmarking:evaluation_create", args=[round_.pk]))
    round_.refresh_from_db()
    assert response.url == reverse("surveys:detail", kwargs={"survey_id": round_.evaluation_id})
    survey_open(survey=round_.evaluation, actor=administrator)
    participant = make_participant(round_)
    response = client.post(reverse("benchmarking:evaluation_invite", args=[round_.pk]), {"who": "everyone"},
                           follow=True)
    assert Invitation.objects.get().user == participant.user
    assert response.status_code == 200
