"""Every change to a survey: making it, inviting, reminding, answering, reviewing free texts.

Answering writes two things in one transaction: the invitation is marked answered, and an anonymous
``Response`` is written with only the day. The two rows share nothing a reader could join them on.
"""

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.clock import local_midnight
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.surveys.models import Answer, Choice, Invitation, Question, Response, Survey

TOKEN_SALT = "inspira.surveys.invitation"  # noqa: S105 (a salt, not a secret)


class SurveyError(Exception):
    """Message is translated; views show it as is, next to ``field`` when it names the input at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


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
                  questions: Iterable[dict] = (), now=None) -> Survey:
    """``questions``: dicts with ``kind``, ``text``, optional ``required`` and ``choices`` (texts)."""
    _check_closes_at(closes_at, now or timezone.now())
    survey = Survey.objects.create(programme=programme, title=title, intro=intro, closes_at=closes_at,
                                   created_by=actor)
    for question in questions:
        question_add(survey=survey, **question)
    audit_record(actor=actor, action="survey.create", obj=survey, summary=title,
                 data={"programme": programme.key})
    return survey


def survey_may_change(*, survey: Survey, now=None) -> bool:
    """Its details and questions change only while it is a draft: once open, people answer what
    they were shown."""
    return survey.state(now) == Survey.State.DRAFT


def survey_may_open(*, survey: Survey, now=None) -> bool:
    return survey_may_change(survey=survey, now=now) and survey.questions.exists()


def survey_may_close(*, survey: Survey, now=None) -> bool:
    return survey.state(now) != Survey.State.CLOSED


def survey_may_remind(*, survey: Survey, now=None) -> bool:
    return survey.state(now) == Survey.State.OPEN


def _draft_for_change(survey_pk: int) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey_pk)
    if not survey_may_change(survey=survey):
        raise SurveyError(_("Questions can only be changed while the survey is a draft."))
    return survey


def closes_at_for(last_day) -> datetime:
    """The closing moment for a last day to answer: the next local midnight (``Survey.last_day`` reads
    it back), also on the days the clocks change."""
    return local_midnight(last_day + timedelta(days=1))


def _check_closes_at(closes_at, now) -> None:
    if closes_at <= now:
        raise SurveyError(_("The last day to answer must be today or later."), field="closes_at")


@transaction.atomic
def survey_update(*, survey: Survey, actor, title: str, intro: str, closes_at, now=None) -> Survey:
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey_may_change(survey=survey, now=now):
        raise SurveyError(_("A survey can only be changed while it is a draft."))
    _check_closes_at(closes_at, now)
    survey.title, survey.intro, survey.closes_at = title, intro, closes_at
    survey.save(update_fields=["title", "intro", "closes_at"])
    audit_record(actor=actor, action="survey.update", obj=survey, summary=title)
    return survey


def _checked_choices(kind: str, choices: Iterable[str]) -> list[str]:
    if kind not in Question.Kind.values:
        raise SurveyError(_("Unknown kind of question."), field="kind")
    choices = [c.strip() for c in choices if c.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(choices) < 2:
        raise SurveyError(_("A choice question needs at least two choices."), field="choices")
    if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and choices:
        raise SurveyError(_("Only choice questions have choices."), field="choices")
    if len({c.casefold() for c in choices}) != len(choices):
        # Two equal choices could not be told apart in the results.
        raise SurveyError(_("Each choice can be given only once."), field="choices")
    return choices


@transaction.atomic
def question_add(*, survey: Survey, kind: str, text: str, required: bool = True,
                 choices: Iterable[str] = (), actor=None) -> Question:
    """``actor``: who added it in the builder (an audit row); survey_create's own questions have none,
    its row covers them."""
    survey = _draft_for_change(survey.pk)
    choices = _checked_choices(kind, choices)
    position = (survey.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    question = Question.objects.create(survey=survey, position=position, kind=kind, text=text, required=required)
    Choice.objects.bulk_create(Choice(question=question, position=n, text=t) for n, t in enumerate(choices, 1))
    if actor is not None:
        audit_record(actor=actor, action="survey.question_add", obj=survey, summary=text)
    return question


@transaction.atomic
def question_update(*, question: Question, actor, kind: str, text: str, required: bool,
                    choices: Iterable[str] = ()) -> Question:
    """The choices are given whole, in their order: a draft has no answers that could point to them,
    so they are replaced."""
    _draft_for_change(question.survey_id)
    question = Question.objects.select_for_update().get(pk=question.pk)
    choices = _checked_choices(kind, choices)
    question.kind, question.text, question.required = kind, text, required
    question.save(update_fields=["kind", "text", "required"])
    question.choices.all().delete()
    Choice.objects.bulk_create(Choice(question=question, position=n, text=t) for n, t in enumerate(choices, 1))
    audit_record(actor=actor, action="survey.question_update", obj=question.survey, summary=text)
    return question


@transaction.atomic
def question_remove(*, question: Question, actor) -> None:
    survey = _draft_for_change(question.survey_id)
    question = Question.objects.select_for_update().get(pk=question.pk)
    text = question.text
    question.delete()
    # Close the gap, lowest first, so that no two questions share a position even for a moment.
    for later in survey.questions.filter(position__gt=question.position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    audit_record(actor=actor, action="survey.question_remove", obj=survey, summary=text)


@transaction.atomic
def question_move(*, question: Question, actor, up: bool) -> Question:
    """Swap the question with the one before (``up``) or after it."""
    survey = _draft_for_change(question.survey_id)
    question = Question.objects.select_for_update().get(pk=question.pk)
    neighbours = survey.questions.select_for_update()
    other = (neighbours.filter(position__lt=question.position).order_by("-position") if up
             else neighbours.filter(position__gt=question.position).order_by("position")).first()
    if other is None:
        raise SurveyError(_("The question is already first.") if up else _("The question is already last."))
    mine, theirs = question.position, other.position
    # Position 0 is never used: a place to park the question while the other takes its position.
    question.position = 0
    question.save(update_fields=["position"])
    other.position = mine
    other.save(update_fields=["position"])
    question.position = theirs
    question.save(update_fields=["position"])
    audit_record(actor=actor, action="survey.question_move", obj=survey, summary=question.text,
                 data={"position": theirs})
    return question


@transaction.atomic
def survey_open(*, survey: Survey, actor, now=None) -> Survey:
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey_may_change(survey=survey, now=now):
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
    if not survey_may_close(survey=survey, now=now):
        raise SurveyError(_("The survey is already closed."))
    survey.closed_at = now
    survey.save(update_fields=["closed_at"])
    audit_record(actor=actor, action="survey.close", obj=survey, summary=survey.title)
    return survey


def _email_invitation(invitation: Invitation, *, template: str, key: str, note: str = "") -> None:
    survey, user = invitation.survey, invitation.user
    email_enqueue(key=key, to=[user.email], template=template, context={
        "name": user.name or user.email,
        "survey_title": survey.title,
        "last_day": survey.last_day,
        "answer_url": absolute_url("surveys:answer", token=invitation_token(invitation)),
        "min_group": settings.SURVEY_MIN_GROUP,
        "note": note,
    })


@transaction.atomic
def survey_invite(*, survey: Survey, users: Iterable, now=None, actor=None, note: str = "") -> list[Invitation]:
    """Invite each person once; someone already invited is left alone (no second email). ``actor``:
    the person who sent the invitations (an audit row with their number, never the names). ``note``:
    a paragraph of the caller's added to every invitation email (already translated)."""
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
        _email_invitation(invitation, template="survey_invitation", key=f"survey-invitation:{invitation.pk}",
                          note=note)
        created.append(invitation)
    if actor is not None and created:
        audit_record(actor=actor, action="survey.invite", obj=survey, summary=survey.title,
                     data={"invited": len(created)})
    return created


@transaction.atomic
def survey_remind(*, survey: Survey, now=None, actor=None) -> int:
    """Email a reminder to everyone invited who has not answered; at most one a day each. ``actor``:
    the person who sent them (an audit row with their number)."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey_may_remind(survey=survey, now=now):
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
    if actor is not None and sent:
        audit_record(actor=actor, action="survey.remind", obj=survey, summary=survey.title, data={"reminded": sent})
    return sent


@transaction.atomic
def invitations_withdraw(*, user, programme, now=None) -> int:
    """Withdraw the person's pending invitations to the programme's surveys (not answered, survey not
    closed): their links stop working and no reminder follows. Answered invitations stay, so nobody
    answers twice. Returns how many were withdrawn."""
    now = now or timezone.now()
    pending = [invitation.pk for invitation in
               Invitation.objects.filter(user=user, survey__programme=programme, answered=False)
               .select_related("survey") if invitation.survey.state(now) != Survey.State.CLOSED]
    return Invitation.objects.filter(pk__in=pending).delete()[0]


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
