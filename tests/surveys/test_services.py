from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from inspira.core.clock import local_midnight
from inspira.core.models import OutboxItem
from inspira.surveys import services
from inspira.surveys.models import Answer, Invitation, Question, Response, Survey
from inspira.surveys.services import SurveyError, invitation_token
from tests.factories import InvitationFactory, UserFactory, evaluation_survey, programme

STOCKHOLM = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def _english():
    """Errors in English, so the assertions read the msgids (emails are rendered in Swedish regardless)."""
    with translation.override("en"):
        yield


def good_answers(single, scale, choice_index=0, value=4):
    return {single.pk: single.choices.all()[choice_index].pk, scale.pk: value}


def test_survey_create_with_questions_and_open(db, administrator):
    closes = timezone.now() + timedelta(days=7)
    survey = services.survey_create(
        programme=programme("tailor_made"), title="Utvärdering", closes_at=closes, actor=administrator,
        questions=[{"kind": "single", "text": "Skolform?", "choices": ["Förskola", "Grundskola"]},
                   {"kind": "scale", "text": "Nöjd?"}, {"kind": "text", "text": "Övrigt", "required": False}])
    assert survey.state() == Survey.State.DRAFT
    assert [q.kind for q in survey.questions.all()] == ["single", "scale", "text"]
    assert list(survey.questions.first().choices.values_list("text", flat=True)) == ["Förskola", "Grundskola"]
    services.survey_open(survey=survey, actor=administrator)
    survey.refresh_from_db()
    assert survey.state() == Survey.State.OPEN
    with pytest.raises(SurveyError):
        services.question_add(survey=survey, kind="scale", text="För sent")


def test_a_choice_question_needs_two_choices(db, administrator):
    with pytest.raises(SurveyError):
        services.survey_create(programme=programme("tailor_made"), title="X", actor=administrator,
                               closes_at=timezone.now() + timedelta(days=1),
                               questions=[{"kind": "single", "text": "?", "choices": ["Bara en"]}])
    assert not Survey.objects.exists()


def test_invite_emails_a_personal_link_naming_survey_last_day_and_anonymity(db, settings):
    survey, *_ = evaluation_survey(title="Utvärdering av kickoffen",
                                   closes_at=local_midnight(date(2026, 10, 25)),
                                   opens_at=datetime(2026, 10, 1, tzinfo=STOCKHOLM))
    people = [UserFactory(), UserFactory()]
    invitations = services.survey_invite(survey=survey, users=people, now=datetime(2026, 10, 2, tzinfo=STOCKHOLM))
    assert len(invitations) == 2
    item = OutboxItem.objects.get(key=f"survey-invitation:{invitations[0].pk}")
    text = item.payload["text"]
    assert item.payload["to"] == [people[0].email]
    assert "Utvärdering av kickoffen" in item.payload["subject"]
    # Closing at midnight starting 25 October: the last day to answer is the 24th.
    assert "24 oktober 2026" in text
    assert "anonyma" in text
    assert invitation_token(invitations[0]) in text
    # Inviting again sends nothing new.
    assert services.survey_invite(survey=survey, users=people, now=datetime(2026, 10, 3, tzinfo=STOCKHOLM)) == []
    assert Invitation.objects.count() == 2


def test_reminders_go_only_to_those_who_have_not_answered_once_a_day(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    answered, waiting = UserFactory(), UserFactory()
    first, second = services.survey_invite(survey=survey, users=[answered, waiting])
    services.survey_answer(token=invitation_token(first), answers=good_answers(single, scale))
    now = timezone.now()
    assert services.survey_remind(survey=survey, now=now) == 1
    reminders = OutboxItem.objects.filter(key__startswith="survey-reminder:")
    assert [item.payload["to"] for item in reminders] == [[waiting.email]]
    # A second call the same day sends nothing; the next day one more reminder.
    assert services.survey_remind(survey=survey, now=now) == 0
    assert services.survey_remind(survey=survey, now=now + timedelta(days=1)) == 1
    assert OutboxItem.objects.filter(key__startswith="survey-reminder:").count() == 2
    # The reminder carries the same link, which still works.
    assert invitation_token(second) in reminders.first().payload["text"]


def test_answering_marks_the_invitation_and_stores_only_the_day(db):
    survey, single, multiple, scale, text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    now = timezone.now()
    services.survey_answer(token=invitation_token(invitation), now=now, answers={
        single.pk: single.choices.all()[1].pk, multiple.pk: [c.pk for c in multiple.choices.all()[:2]],
        scale.pk: "5", text.pk: "Bra dag!"})
    invitation.refresh_from_db()
    assert invitation.answered
    response = Response.objects.get()
    assert response.submitted_on == timezone.localdate(now)
    assert Answer.objects.filter(response=response).count() == 5
    assert Answer.objects.get(question=text).review == Answer.Review.PENDING
    assert Answer.objects.get(question=scale).value == 5


def test_a_second_answer_is_refused(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    token = invitation_token(invitation)
    services.survey_answer(token=token, answers=good_answers(single, scale))
    with pytest.raises(SurveyError, match="already answered"):
        services.survey_answer(token=token, answers=good_answers(single, scale))
    assert Response.objects.count() == 1


def test_a_bad_token_is_refused(db):
    survey, single, _multiple, scale, _text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    token = invitation_token(invitation)
    for bad in ("nonsense", token[:-2] + "xx", ""):
        with pytest.raises(SurveyError, match="not valid"):
            services.survey_answer(token=bad, answers=good_answers(single, scale))
    # A signed token whose hash is not stored (e.g. an invitation made again) is refused too.
    Invitation.objects.filter(pk=invitation.pk).update(token_hash="0" * 64)
    with pytest.raises(SurveyError, match="not valid"):
        services.survey_answer(token=token, answers=good_answers(single, scale))
    assert not Response.objects.exists()


@pytest.mark.parametrize("change, message", [
    (lambda s, m, sc: {s.pk: None, sc.pk: 3}, "Please answer"),
    (lambda s, m, sc: {s.pk: m.choices.first().pk, sc.pk: 3}, "not one of its choices"),
    (lambda s, m, sc: {s.pk: [c.pk for c in s.choices.all()[:2]], sc.pk: 3}, "only one"),
    (lambda s, m, sc: {s.pk: s.choices.first().pk, sc.pk: 6}, "from 1 to 5"),
    (lambda s, m, sc: {s.pk: s.choices.first().pk, sc.pk: 0}, "from 1 to 5"),
    (lambda s, m, sc: {s.pk: s.choices.first().pk, sc.pk: "x"}, "from 1 to 5"),
    (lambda s, m, sc: {s.pk: s.choices.first().pk}, "Please answer"),
    (lambda s, m, sc: {s.pk: "a", sc.pk: 3}, "not one of the choices"),
])
def test_answers_are_checked_against_the_questions(db, change, message):
    survey, single, multiple, scale, _text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    with pytest.raises(SurveyError, match=message):
        services.survey_answer(token=invitation_token(invitation), answers=change(single, multiple, scale))
    invitation.refresh_from_db()
    assert not invitation.answered
    assert not Response.objects.exists()


def test_a_closed_or_unopened_survey_takes_no_answers(db, administrator):
    survey, single, _multiple, scale, _text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    services.survey_close(survey=survey, actor=administrator)
    with pytest.raises(SurveyError, match="closed"):
        services.survey_answer(token=invitation_token(invitation), answers=good_answers(single, scale))
    draft, single, _multiple, scale, _text = evaluation_survey(opens_at=None)
    invitation = InvitationFactory(survey=draft)
    with pytest.raises(SurveyError, match="not open"):
        services.survey_answer(token=invitation_token(invitation), answers=good_answers(single, scale))
    assert not Response.objects.exists()


def test_closing_at_local_midnight_across_the_october_dst_change(db):
    # Summer time ends at 03:00 on 25 October 2026; midnight starting that day is still CEST (22:00 UTC).
    survey, single, _multiple, scale, _text = evaluation_survey(
        opens_at=datetime(2026, 10, 1, tzinfo=STOCKHOLM), closes_at=local_midnight(date(2026, 10, 25)))
    assert survey.closes_at == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert survey.last_day == date(2026, 10, 24)
    late = datetime(2026, 10, 24, 23, 59, 59, tzinfo=STOCKHOLM)
    assert survey.state(late) == Survey.State.OPEN
    assert survey.state(datetime(2026, 10, 25, 0, 0, tzinfo=STOCKHOLM)) == Survey.State.CLOSED
    first, second = InvitationFactory(survey=survey), InvitationFactory(survey=survey)
    services.survey_answer(token=invitation_token(first), answers=good_answers(single, scale), now=late)
    assert Response.objects.get().submitted_on == date(2026, 10, 24)
    with pytest.raises(SurveyError, match="closed"):
        services.survey_answer(token=invitation_token(second), answers=good_answers(single, scale),
                               now=datetime(2026, 10, 24, 22, 0, 1, tzinfo=UTC))


def test_free_text_review_only_for_free_texts(db, administrator):
    survey, single, _multiple, scale, text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    services.survey_answer(token=invitation_token(invitation),
                           answers={**good_answers(single, scale), text.pk: "Mycket bra"})
    free = Answer.objects.get(question=text)
    services.free_text_review(answer=free, approved=True, actor=administrator)
    free.refresh_from_db()
    assert free.review == Answer.Review.APPROVED
    with pytest.raises(SurveyError):
        services.free_text_review(answer=Answer.objects.get(question__kind=Question.Kind.SCALE), approved=True,
                                  actor=administrator)
