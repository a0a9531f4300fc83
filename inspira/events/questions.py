"""Registration questions: the organiser's questions to everyone who registers (e.g. dietary needs).

The questions may be added, changed and removed only while the event has no registration at all
(``questions_may_change``). Once someone has registered, a changed question would make the answers
already given mean something else, a removed one would leave answers to nothing, and a new required
one would leave the early registrations without an answer; the organiser asks those people directly.

``add_question_fields`` and ``answers_from`` let any registration form ask the questions and turn
the answers into ``Registration.answers`` (question id as a string -> the answer's text). The answers
are personal data: only the event's organisers see them (``registration_answers`` and the include
``events/includes/registration_answers.html``), and the retention rule ``event_answers``
(inspira/privacy/retention.py) empties them a while after the event.
"""

from django import forms
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.core.audit import audit_record
from inspira.events.models import Event, Registration, RegistrationQuestion
from inspira.events.rules import EventInputError

ANSWER_MAX_LENGTH = 500
MAX_QUESTIONS = 20
YES, NO = gettext_lazy("Yes"), gettext_lazy("No")


class QuestionError(Exception):
    """Message is translated; views show it as is."""


def field_name(question: RegistrationQuestion) -> str:
    return f"question_{question.pk}"


def event_questions(event: Event):
    return RegistrationQuestion.objects.filter(event=event).order_by("position", "pk")


# --- Checks and actions --------------------------------------------------------------------------------------

def questions_may_change(*, event: Event) -> bool:
    """Only before anyone has registered (see the module's note), and not on a cancelled event."""
    return not event.is_cancelled and not Registration.objects.filter(event=event).exists()


def _locked_error(event: Event) -> QuestionError:
    if event.is_cancelled:
        return QuestionError(_("A cancelled event cannot be changed."))
    return QuestionError(_("People have registered, so the questions can no longer be changed."))


def question_errors(fields: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (fields.get("text") or "").strip():
        errors.setdefault("text", []).append(_("Write the question."))
    options = [line.strip() for line in (fields.get("options") or "").splitlines() if line.strip()]
    if fields.get("kind") == RegistrationQuestion.Kind.CHOICE:
        if len(options) < 2:
            errors.setdefault("options", []).append(_("A choice needs at least two options, one a line."))
        elif len(set(options)) != len(options):
            errors.setdefault("options", []).append(_("Each option must be different."))
    elif options:
        errors.setdefault("options", []).append(_("Only a choice from a list has options."))
    return errors


def _clean(fields: dict) -> dict:
    errors = question_errors(fields)
    if errors:
        raise EventInputError(errors)
    options = [line.strip() for line in (fields.get("options") or "").splitlines() if line.strip()]
    return fields | {"text": fields["text"].strip(), "help_text": (fields.get("help_text") or "").strip(),
                     "options": "\n".join(options)}


QUESTION_FIELDS = ("text", "help_text", "kind", "options", "required")


@transaction.atomic
def question_create(*, event: Event, actor, **fields) -> RegistrationQuestion:
    # Lock the event: a registration arriving at the same time must not miss the new question.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not questions_may_change(event=event):
        raise _locked_error(event)
    if RegistrationQuestion.objects.filter(event=event).count() >= MAX_QUESTIONS:
        raise QuestionError(_("An event can have at most %(count)s questions.") % {"count": MAX_QUESTIONS})
    fields = _clean({name: fields.get(name) for name in QUESTION_FIELDS})
    last = RegistrationQuestion.objects.filter(event=event).aggregate(last=Max("position"))["last"]
    question = RegistrationQuestion.objects.create(event=event, position=(last or 0) + 1, **fields)
    audit_record(actor=actor, action="registration_question.created", obj=question, summary=question.text,
                 data={"event": event.pk})
    return question


@transaction.atomic
def question_update(*, question: RegistrationQuestion, actor, **fields) -> RegistrationQuestion:
    event = Event.objects.select_for_update().get(pk=question.event_id)
    if not questions_may_change(event=event):
        raise _locked_error(event)
    fields = _clean({name: fields.get(name) for name in QUESTION_FIELDS})
    question = RegistrationQuestion.objects.get(pk=question.pk)
    changed = [name for name, value in fields.items() if getattr(question, name) != value]
    if not changed:
        return question
    for name in changed:
        setattr(question, name, fields[name])
    question.save(update_fields=changed)
    audit_record(actor=actor, action="registration_question.updated", obj=question, summary=question.text,
                 data={"event": event.pk, "changed": sorted(changed)})
    return question


@transaction.atomic
def question_delete(*, question: RegistrationQuestion, actor) -> None:
    event = Event.objects.select_for_update().get(pk=question.event_id)
    if not questions_may_change(event=event):
        raise _locked_error(event)
    audit_record(actor=actor, action="registration_question.deleted", obj=question, summary=question.text,
                 data={"event": event.pk})
    question.delete()


# --- Asking the questions in a registration form ---------------------------------------------------------------

def add_question_fields(form: forms.BaseForm, event: Event) -> list[RegistrationQuestion]:
    """Add one field per question of the event to ``form`` (named ``question_<id>``, labelled with
    the question, its help text under it, required when the question is). Returns the questions."""
    questions = list(event_questions(event))
    for question in questions:
        common = {"label": question.text, "help_text": question.help_text, "required": question.required}
        if question.kind == RegistrationQuestion.Kind.YES_NO:
            field = forms.ChoiceField(choices=[("yes", YES), ("no", NO)], widget=forms.RadioSelect, **common)
        elif question.kind == RegistrationQuestion.Kind.CHOICE:
            field = forms.ChoiceField(choices=[(option, option) for option in question.option_list],
                                      widget=forms.RadioSelect, **common)
        else:
            field = forms.CharField(max_length=ANSWER_MAX_LENGTH, **common)
        form.fields[field_name(question)] = field
    form._registration_questions = questions
    return questions


def answers_from(form: forms.BaseForm, event: Event) -> dict[str, str]:
    """The answers of a valid form that ``add_question_fields`` prepared: question id (as a string)
    -> the answer's text. A question left unanswered is left out."""
    questions = getattr(form, "_registration_questions", None)
    if questions is None:
        questions = list(event_questions(event))
    answers = {}
    for question in questions:
        value = (form.cleaned_data.get(field_name(question)) or "").strip()
        if not value:
            continue
        if question.kind == RegistrationQuestion.Kind.YES_NO:
            value = str(YES if value == "yes" else NO)
        answers[str(question.pk)] = value
    return answers


# --- Reading the answers (the organisers only) -------------------------------------------------------------------

def registration_answers(event: Event):
    """The event's open registrations that have answers, with the person (or walk-in) and school,
    for ``events/includes/registration_answers.html``. The caller checks ``event_may_manage``."""
    return (Registration.objects.filter(event=event, status__in=Registration.OPEN_STATUSES)
            .exclude(answers={}).select_related("user", "school").order_by("created_at", "pk"))


def answer_rows(registrations, questions) -> list[dict]:
    """Each registration with its answers in the questions' order ("" where it gave none)."""
    return [{"registration": r, "answers": [r.answers.get(str(q.pk), "") for q in questions]}
            for r in registrations]
