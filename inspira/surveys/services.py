"""Every change to a survey: making it, inviting, reminding, answering, reviewing free texts.

Answering writes two things in one transaction: the invitation is marked answered, and an anonymous
``Response`` is written with only the day. The two rows share nothing a reader could join them on.
"""

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.surveys.models import Answer, Choice, Invitation, Question, Response, Survey

TOKEN_SALT = "inspira.surveys.invitation"  # noqa: S105 (a salt, not a secret)


class SurveyError(Exception):
    """Message is translated; views show it as is."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The personal link's token. Signed without a timestamp, so a reminder repeats the same link;
    only its hash is stored."""
    return signing.Signer(salt=TOKEN_SALT).sign_object({"i": invitation.pk, "s": invitation.survey_id})


def invitation_for_token(token: str) -> Invitation:
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
        invitation = Invitation.objects.select_related("survey").get(pk=value["i"], survey_id=value["s"])
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise SurveyError(_("This survey link is not valid. Use the link in your latest email.")) from exc
    if not hmac.compare_digest(invitation.token_hash, _hash(token)):
        raise SurveyError(_("This survey link is not valid. Use the link in your latest email."))
    return invitation


@transaction.atomic
def survey_create(*, programme, title: str, closes_at, actor, intro: str = "",
                  questions: Iterable[dict] = ()) -> Survey:
    """``questions``: dicts with ``kind``, ``text``, optional ``required`` and ``choices`` (texts)."""
    survey = Survey.objects.create(programme=programme, title=title, intro=intro, closes_at=closes_at,
                                   created_by=actor)
    for question in questions:
        question_add(survey=survey, **question)
    audit_record(actor=actor, action="survey.create", obj=survey, summary=title,
                 data={"programme": programme.key})
    return survey


@transaction.atomic
def question_add(*, survey: Survey, kind: str, text: str, required: bool = True,
                 choices: Iterable[str] = ()) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state() != Survey.State.DRAFT:
        raise SurveyError(_("Questions can only be changed while the survey is a draft."))
    if kind not in Question.Kind.values:
        raise SurveyError(_("Unknown kind of question."))
    choices = [c for c in choices if c.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(choices) < 2:
        raise SurveyError(_("A choice question needs at least two choices."))
    if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and choices:
        raise SurveyError(_("Only choice questions have choices."))
    position = survey.questions.count() + 1
    question = Question.objects.create(survey=survey, position=position, kind=kind, text=text, required=required)
    Choice.objects.bulk_create(Choice(question=question, position=n, text=t) for n, t in enumerate(choices, 1))
    return question


@transaction.atomic
def survey_open(*, survey: Survey, actor, now=None) -> Survey:
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state(now) != Survey.State.DRAFT:
        raise SurveyError(_("Only a draft survey can be opened."))
    if not survey.questions.exists():
        raise SurveyError(_("A survey needs at least one question."))
    survey.opens_at = now
    survey.save(update_fields=["opens_at"])
    audit_record(actor=actor, action="survey.open", obj=survey, summary=survey.title)
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, actor, now=None) -> Survey:
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state(now) == Survey.State.CLOSED:
        raise SurveyError(_("The survey is already closed."))
    survey.closed_at = now
    survey.save(update_fields=["closed_at"])
    audit_record(actor=actor, action="survey.close", obj=survey, summary=survey.title)
    return survey


def _email_invitation(invitation: Invitation, *, template: str, key: str) -> None:
    survey, user = invitation.survey, invitation.user
    email_enqueue(key=key, to=[user.email], template=template, context={
        "name": user.name or user.email,
        "survey_title": survey.title,
        "last_day": survey.last_day,
        "answer_url": absolute_url("surveys:answer", token=invitation_token(invitation)),
        "min_group": settings.SURVEY_MIN_GROUP,
    })


@transaction.atomic
def survey_invite(*, survey: Survey, users: Iterable, now=None) -> list[Invitation]:
    """Invite each person once; someone already invited is left alone (no second email)."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state(now) == Survey.State.CLOSED:
        raise SurveyError(_("The survey is closed."))
    invited = set(survey.invitations.values_list("user_id", flat=True))
    created = []
    for user in users:
        if user.pk in invited or not user.is_active:
            continue
        invited.add(user.pk)
        invitation = Invitation.objects.create(survey=survey, user=user, token_hash="", invited_at=now)
        invitation.token_hash = _hash(invitation_token(invitation))
        invitation.save(update_fields=["token_hash"])
        _email_invitation(invitation, template="survey_invitation", key=f"survey-invitation:{invitation.pk}")
        created.append(invitation)
    return created


@transaction.atomic
def survey_remind(*, survey: Survey, now=None) -> int:
    """Email a reminder to everyone invited who has not answered; at most one a day each."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state(now) != Survey.State.OPEN:
        raise SurveyError(_("Reminders can only be sent while the survey is open."))
    today = timezone.localdate(now)
    sent = 0
    for invitation in survey.invitations.filter(answered=False).select_related("user", "survey"):
        if invitation.reminded_at and timezone.localdate(invitation.reminded_at) >= today:
            continue
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
        _email_invitation(invitation, template="survey_reminder",
                          key=f"survey-reminder:{invitation.pk}:{today.isoformat()}")
        sent += 1
    return sent


def _ids(value) -> list[int]:
    values = value if isinstance(value, list | tuple | set) else [value]
    try:
        return [int(v) for v in values if v not in (None, "")]
    except (TypeError, ValueError) as exc:
        raise SurveyError(_("An answer is not one of the choices.")) from exc


def _answers_for(survey: Survey, answers: dict) -> list[Answer]:
    """Check ``answers`` ({question id: value}) against the questions and make the rows (unsaved)."""
    rows = []
    for question in survey.questions.prefetch_related("choices"):
        value = answers.get(question.pk, answers.get(str(question.pk)))
        label = {"question": question.text}
        if question.kind == Question.Kind.TEXT:
            text = (value or "").strip() if isinstance(value, str) else ""
            if text:
                rows.append(Answer(question=question, text=text, review=Answer.Review.PENDING))
            elif question.required:
                raise SurveyError(_("Please answer the question “%(question)s”.") % label)
            continue
        if question.kind == Question.Kind.SCALE:
            if value in (None, ""):
                if question.required:
                    raise SurveyError(_("Please answer the question “%(question)s”.") % label)
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
            if number is None or not Question.SCALE_MIN <= number <= Question.SCALE_MAX:
                raise SurveyError(_("The answer to “%(question)s” must be a number from 1 to 5.") % label)
            rows.append(Answer(question=question, value=number))
            continue
        ids = _ids(value)
        if not ids:
            if question.required:
                raise SurveyError(_("Please answer the question “%(question)s”.") % label)
            continue
        choices = {c.pk: c for c in question.choices.all()}
        if any(i not in choices for i in ids) or len(set(ids)) != len(ids):
            raise SurveyError(_("An answer to “%(question)s” is not one of its choices.") % label)
        if question.kind == Question.Kind.SINGLE and len(ids) > 1:
            raise SurveyError(_("Choose only one answer to “%(question)s”.") % label)
        rows.extend(Answer(question=question, choice=choices[i]) for i in ids)
    return rows


@transaction.atomic
def survey_answer(*, token: str, answers: dict, now=None) -> None:
    now = now or timezone.now()
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if invitation.answered:
        raise SurveyError(_("You have already answered this survey. Thank you!"))
    survey = invitation.survey
    state = survey.state(now)
    if state == Survey.State.CLOSED:
        raise SurveyError(_("The survey is closed and takes no more answers."))
    if state != Survey.State.OPEN:
        raise SurveyError(_("The survey is not open yet."))
    rows = _answers_for(survey, answers)
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    # Only the day: an exact time could be matched with the invitation's change in the logs of a day's
    # traffic, a day cannot among a day's answers.
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate(now))
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)


@transaction.atomic
def free_text_review(*, answer: Answer, approved: bool, actor) -> Answer:
    answer = Answer.objects.select_for_update().select_related("question__survey").get(pk=answer.pk)
    if answer.question.kind != Question.Kind.TEXT:
        raise SurveyError(_("Only free-text answers are reviewed."))
    answer.review = Answer.Review.APPROVED if approved else Answer.Review.REJECTED
    answer.save(update_fields=["review"])
    # The audit row names the survey, never the answer's words.
    audit_record(actor=actor, action="survey.free_text_approved" if approved else "survey.free_text_rejected",
                 obj=answer.question.survey, summary=answer.question.survey.title)
    return answer
