"""An event's evaluation: a survey of the event's programme, sent to those who attended.

The survey itself is the surveys app's (built and edited in its builder, results only for groups of
five or more). This module makes a draft with a default set of questions, and invites the people whose
attendance was marked: not the no-shows, not those never marked, not walk-ins without an account.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.core.audit import audit_record
from inspira.events.models import Event, Registration
from inspira.events.services import EventError
from inspira.surveys.models import Question, Survey
from inspira.surveys.services import closes_at_for, survey_create, survey_invite

# How long after the event (or after today, for an evaluation made late) people may answer.
ANSWER_DAYS = 14

# The default questions, for the organiser to change in the builder. Stored in the site's language.
DEFAULT_QUESTIONS = (
    {"kind": Question.Kind.SCALE, "text": gettext_lazy("How satisfied are you with the event as a whole?")},
    {"kind": Question.Kind.SINGLE, "text": gettext_lazy("Will you use something you learned?"),
     "choices": (gettext_lazy("Yes, right away"), gettext_lazy("Yes, later on"), gettext_lazy("No"),
                 gettext_lazy("I don't know yet"))},
    {"kind": Question.Kind.MULTIPLE, "text": gettext_lazy("What was most rewarding?"), "required": False,
     "choices": (gettext_lazy("The content"), gettext_lazy("The conversations with others"),
                 gettext_lazy("The material"))},
    {"kind": Question.Kind.TEXT, "text": gettext_lazy("What will you take with you?"), "required": False},
    {"kind": Question.Kind.TEXT, "text": gettext_lazy("Anything else you want to tell us?"), "required": False},
)


def evaluation_attendees(event: Event):
    """The people to invite: their own confirmed registration, marked as attended, with an active
    account. A group's registrant is left out: the group's attendance is a count, not theirs."""
    return get_user_model().objects.filter(
        event_registrations__event=event, event_registrations__status=Registration.Status.CONFIRMED,
        event_registrations__attended=True, event_registrations__is_group=False, is_active=True,
    ).distinct().order_by("pk")


def evaluation_may_create(*, event: Event) -> bool:
    return event.evaluation_id is None and not event.is_cancelled


def evaluation_may_invite(*, event: Event, now=None) -> bool:
    """Only once the event has started (before, nobody has attended) and while its survey is open."""
    now = now or timezone.now()
    return (event.evaluation_id is not None and event.starts_at <= now
            and event.evaluation.state(now) == Survey.State.OPEN)


def evaluation_not_invited(event: Event):
    """The attendees not yet invited: those the next invitation reaches."""
    return evaluation_attendees(event).exclude(survey_invitations__survey_id=event.evaluation_id)


def _default_survey(event: Event, now, questions=None) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        day = timezone.localdate(event.starts_at)
        return {
            "title": _("Evaluation: %(title)s") % {"title": event.title},
            "intro": _("Thank you for taking part in %(title)s on %(day)s. Your answers help us make the next "
                       "event better.") % {"title": event.title, "day": formats.date_format(day, "j F Y")},
            "questions": [{**q, "text": str(q["text"]), "choices": [str(c) for c in q.get("choices", ())]}
                          for q in (DEFAULT_QUESTIONS if questions is None else questions)],
        }


@transaction.atomic
def event_evaluation_create(*, event: Event, actor, now=None, questions=None) -> Survey:
    """A draft survey of the event's programme with the default questions (or ``questions``, in the
    same shape as ``DEFAULT_QUESTIONS``: a programme's own), tied to the event."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().select_related("programme").get(pk=event.pk)
    if not evaluation_may_create(event=event):
        if event.is_cancelled:
            raise EventError(_("A cancelled event is not evaluated."))
        raise EventError(_("The event already has an evaluation."))
    last_day = max(timezone.localdate(event.ends_at), timezone.localdate(now)) + timedelta(days=ANSWER_DAYS)
    survey = survey_create(programme=event.programme, closes_at=closes_at_for(last_day), actor=actor, now=now,
                           **_default_survey(event, now, questions))
    event.evaluation = survey
    event.save(update_fields=["evaluation"])
    audit_record(actor=actor, action="event.evaluation_created", obj=event, summary=event.title,
                 data={"survey": survey.pk})
    return survey


@transaction.atomic
def event_evaluation_invite(*, event: Event, actor, now=None) -> int:
    """Invite the attendees not invited yet (inviting twice sends each person one email); returns how
    many were invited now."""
    now = now or timezone.now()
    # Lock the event row only: its evaluation may be missing (an outer join PostgreSQL cannot lock).
    event = Event.objects.select_for_update(of=("self",)).select_related("evaluation").get(pk=event.pk)
    if not evaluation_may_invite(event=event, now=now):
        if event.evaluation_id is None:
            raise EventError(_("The event has no evaluation yet."))
        if event.starts_at > now:
            raise EventError(_("Those who attended can be invited once the event has started."))
        raise EventError(_("The evaluation must be open to invite those who attended."))
    return len(survey_invite(survey=event.evaluation, users=evaluation_attendees(event), now=now, actor=actor))
