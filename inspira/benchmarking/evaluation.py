"""The round's closing evaluation (issue 14, item 7): the events app's evaluation of the round's
closing meeting, with questions of benchmarking's own.

The survey is the closing meeting's (``Event.evaluation``), so its organiser sees the summary on the
event's page as for any event, and the survey engine shows results only from five answers. The round
points at the same survey (``Round.evaluation``). Invitations go to the participants whose
attendance at the closing meeting was marked (the events app's rule), or, if the coordinator
chooses, to every admitted participant who has not withdrawn.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.benchmarking import permissions
from inspira.benchmarking.models import Interest, Round
from inspira.core.audit import audit_record
from inspira.events.evaluation import evaluation_may_create, event_evaluation_create, event_evaluation_invite
from inspira.events.services import EventError
from inspira.surveys.models import Question, Survey
from inspira.surveys.services import survey_invite


class EvaluationError(Exception):
    """Message is translated; views show it as is."""


# Stored in the site's language when the survey is made (the events app translates them then); the
# coordinator may change them in the survey builder before opening it.
QUESTIONS = (
    {"kind": Question.Kind.SCALE,
     "text": gettext_lazy("How satisfied are you with the benchmarking round as a whole?")},
    {"kind": Question.Kind.TEXT, "text": gettext_lazy("What did you learn from the visits to the other schools?")},
    {"kind": Question.Kind.TEXT, "text": gettext_lazy("What will you try in your own classroom?")},
    {"kind": Question.Kind.SINGLE, "text": gettext_lazy("Would you recommend benchmarking to a colleague?"),
     "choices": (gettext_lazy("Yes"), gettext_lazy("No"), gettext_lazy("I don't know yet"))},
    {"kind": Question.Kind.TEXT, "text": gettext_lazy("Anything else you want to tell us?"), "required": False},
)


def round_evaluation_may_create(*, round: Round) -> bool:
    """Once the round has a closing meeting that is not cancelled, and only once."""
    return round.evaluation_id is None and round.closing_id is not None and not round.closing.is_cancelled


def round_evaluation_may_invite(*, round: Round, now=None) -> bool:
    now = now or timezone.now()
    return round.evaluation_id is not None and round.evaluation.state(now) == Survey.State.OPEN


def round_evaluation_state(*, round: Round, now=None) -> dict:
    """What the coordinator's page shows, as booleans and counts."""
    now = now or timezone.now()
    survey = round.evaluation
    state = survey.state(now) if survey else None
    return {
        "has_closing": round.closing_id is not None,
        "may_create": round_evaluation_may_create(round=round),
        "survey": survey,
        "is_draft": state == Survey.State.DRAFT,
        "is_open": state == Survey.State.OPEN,
        "is_closed": state == Survey.State.CLOSED,
        "may_invite": round_evaluation_may_invite(round=round, now=now),
        "invited": survey.invitations.count() if survey else 0,
    }


def admitted_users(round: Round):
    """Every admitted participant of the round who has not withdrawn, with an active account."""
    return get_user_model().objects.filter(
        benchmarking_interests__round=round, benchmarking_interests__withdrawn_at__isnull=True,
        benchmarking_interests__decision=Interest.Decision.ADMITTED, is_active=True).distinct().order_by("pk")


@transaction.atomic
def round_evaluation_create(*, round: Round, actor, now=None) -> Survey:
    """A draft evaluation of the closing meeting with benchmarking's questions, which becomes the
    round's. If the closing meeting already has an evaluation (made on the event's page), the round
    takes that one instead of making a second."""
    now = now or timezone.now()
    if not permissions.may_coordinate(actor):
        raise EvaluationError(_("Only the programme's coordinators can make the round's evaluation."))
    round = Round.objects.select_for_update(of=("self",)).select_related("closing").get(pk=round.pk)
    if round.evaluation_id is not None:
        raise EvaluationError(_("The round already has an evaluation."))
    if round.closing_id is None:
        raise EvaluationError(_("The round needs a closing meeting before its evaluation can be made."))
    closing = round.closing
    if closing.evaluation_id is not None:
        survey = closing.evaluation
    elif evaluation_may_create(event=closing):
        try:
            survey = event_evaluation_create(event=closing, actor=actor, now=now, questions=QUESTIONS)
        except EventError as e:
            raise EvaluationError(str(e)) from e
    else:
        raise EvaluationError(_("A cancelled meeting is not evaluated."))
    round.evaluation = survey
    round.save(update_fields=["evaluation"])
    audit_record(actor=actor, action="benchmarking.evaluation_created", obj=round, summary=round.title,
                 data={"survey": survey.pk, "event": closing.pk})
    return survey


@transaction.atomic
def round_evaluation_invite(*, round: Round, actor, everyone: bool = False, now=None) -> int:
    """Invite those whose attendance at the closing meeting was marked (``everyone``: every admitted
    participant). Inviting again reaches only those not invited yet. Returns how many were invited now."""
    now = now or timezone.now()
    if not permissions.may_coordinate(actor):
        raise EvaluationError(_("Only the programme's coordinators can invite to the round's evaluation."))
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.evaluation_id is None:
        raise EvaluationError(_("The round has no evaluation yet."))
    if not round_evaluation_may_invite(round=round, now=now):
        raise EvaluationError(_("The evaluation must be open to invite the participants."))
    if everyone:
        invited = len(survey_invite(survey=round.evaluation, users=admitted_users(round), now=now, actor=actor))
    else:
        try:
            invited = event_evaluation_invite(event=round.closing, actor=actor, now=now)
        except EventError as e:
            raise EvaluationError(str(e)) from e
    audit_record(actor=actor, action="benchmarking.evaluation_invited", obj=round, summary=round.title,
                 data={"survey": round.evaluation_id, "everyone": everyone, "invited": invited})
    return invited
