"""The evaluation at the effort's last session (seed 001, step 7): "the participants answer a digital
survey during the last session; the centre gives back a summarising description of the evaluation to
the principal".

The survey is the events app's evaluation of the last session (``events.evaluation``): a draft made
here, changed and opened in the surveys app's builder, sent to those whose attendance was marked, and
read through ``surveys.selectors.survey_results`` (nothing before it closes, only the number of
answers under five). The summary reaches the principal when the centre **shares** it, not when the
survey closes by itself: free-text answers are shown only once the centre has reviewed them, and the
seed has the centre write a summarising description, so the principal is told (by email) when the
centre has done both, not before.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts.models import Effort, Session
from inspira.efforts.permissions import may_lead_effort
from inspira.efforts.recipients import principal_emails
from inspira.efforts.sessions import last_session
from inspira.events.evaluation import (
    evaluation_may_create,
    evaluation_may_invite,
    event_evaluation_create,
    event_evaluation_invite,
)
from inspira.events.services import EventError
from inspira.surveys.models import Survey


class EvaluationError(Exception):
    """Message is translated; views show it as is."""


def evaluated_session(effort: Effort) -> Session | None:
    """The session whose evaluation is the effort's (at most one of its sessions has one)."""
    return (Session.objects.filter(effort=effort, event__evaluation__isnull=False)
            .select_related("event__evaluation").order_by("-event__starts_at", "-pk").first())


def effort_survey(effort: Effort) -> Survey | None:
    session = evaluated_session(effort)
    return session.event.evaluation if session else None


def effort_evaluation_may_create(*, effort: Effort) -> bool:
    """Once, for the last session that is not cancelled, while the effort runs or after it ended."""
    if effort.state not in (Effort.State.RUNNING, Effort.State.ENDED) or evaluated_session(effort) is not None:
        return False
    session = last_session(effort)
    return session is not None and evaluation_may_create(event=session.event)


def effort_evaluation_may_invite(*, effort: Effort, now=None) -> bool:
    session = evaluated_session(effort)
    return session is not None and evaluation_may_invite(event=session.event, now=now)


def effort_evaluation_may_share(*, effort: Effort, now=None) -> bool:
    """Once the survey has closed, and once."""
    survey = effort_survey(effort)
    return (survey is not None and effort.evaluation_shared_at is None
            and survey.state(now or timezone.now()) == Survey.State.CLOSED)


def _check_actor(actor, effort: Effort) -> None:
    if not may_lead_effort(actor, effort):
        raise EvaluationError(_("Only those who lead the effort can handle its evaluation."))


@transaction.atomic
def effort_evaluation_create(*, effort: Effort, actor, now=None) -> Survey:
    """A draft evaluation of the last session, with the events app's questions (changed in the builder)."""
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    _check_actor(actor, effort)
    if not effort_evaluation_may_create(effort=effort):
        if evaluated_session(effort) is not None:
            raise EvaluationError(_("The effort already has an evaluation."))
        raise EvaluationError(_("The evaluation is made for the effort's last session: plan the sessions first."))
    session = last_session(effort)
    try:
        survey = event_evaluation_create(event=session.event, actor=actor, now=now)
    except EventError as e:
        raise EvaluationError(str(e)) from e
    audit_record(actor=actor, action="effort.evaluation_created", obj=effort, summary=effort.title,
                 data={"survey": survey.pk, "event": session.event_id})
    return survey


@transaction.atomic
def effort_evaluation_invite(*, effort: Effort, actor, now=None) -> int:
    """Invite those whose attendance at the last session was marked (the events app's rule); returns
    how many were invited now."""
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    _check_actor(actor, effort)
    session = evaluated_session(effort)
    if session is None:
        raise EvaluationError(_("The effort has no evaluation yet."))
    try:
        invited = event_evaluation_invite(event=session.event, actor=actor, now=now)
    except EventError as e:
        raise EvaluationError(str(e)) from e
    audit_record(actor=actor, action="effort.evaluation_invited", obj=effort, summary=effort.title,
                 data={"survey": session.event.evaluation_id, "invited": invited})
    return invited


@transaction.atomic
def effort_evaluation_share(*, effort: Effort, actor, summary: str, now=None) -> Effort:
    """Give the summary back to the principal: the centre's description and the survey's results
    (as the survey engine shows them). The principals are told by email."""
    now = now or timezone.now()
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    _check_actor(actor, effort)
    if not effort_evaluation_may_share(effort=effort, now=now):
        if effort.evaluation_shared_at is not None:
            raise EvaluationError(_("The summary is already shared with the principal."))
        raise EvaluationError(_("The summary can be shared once the evaluation has closed."))
    summary = summary.strip()
    if not summary:
        raise EvaluationError(_("Write a short summary of the evaluation for the principal."))
    effort.evaluation_summary = summary
    effort.evaluation_shared_at = now
    effort.save(update_fields=["evaluation_summary", "evaluation_shared_at"])
    survey = effort_survey(effort)
    audit_record(actor=actor, action="effort.evaluation_shared", obj=effort, summary=effort.title,
                 data={"survey": survey.pk})
    recipients = principal_emails(effort)
    if recipients:
        context = {"effort_title": effort.title,
                   "summary_url": absolute_url("efforts:evaluation_summary", pk=effort.pk)}
        transaction.on_commit(lambda: email_enqueue(key=f"effort-evaluation-shared:{effort.pk}", to=recipients,
                                                    template="effort_evaluation_shared", context=context))
    return effort
