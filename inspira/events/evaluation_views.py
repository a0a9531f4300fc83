"""The organiser's buttons for an event's evaluation (events.evaluation); the survey itself is
changed, opened and read in the surveys app's pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inspira.events import evaluation
from inspira.events.services import EventError
from inspira.events.views import _event
from inspira.surveys.models import Survey
from inspira.surveys.selectors import survey_invitation_counts


def evaluation_context(event) -> dict:
    """What the event page's evaluation section shows (its organiser is already checked)."""
    survey = event.evaluation
    if survey is None:
        return {"evaluation_may_create": evaluation.evaluation_may_create(event=event)}
    counts = survey_invitation_counts(survey)
    return {
        "evaluation": survey,
        "evaluation_is_draft": survey.state() == Survey.State.DRAFT,
        "evaluation_is_closed": survey.state() == Survey.State.CLOSED,
        "evaluation_may_invite": evaluation.evaluation_may_invite(event=event),
        "evaluation_to_invite": evaluation.evaluation_not_invited(event).count(),
        "evaluation_invited": counts["invited"],
        "evaluation_answered": counts["answered"],
    }


@login_required
@require_POST
def evaluation_create(request, pk):
    event = _event(request, pk)
    try:
        survey = evaluation.event_evaluation_create(event=event, actor=request.user)
    except EventError as e:
        messages.error(request, str(e))
        return redirect("events:detail", pk=event.pk)
    messages.success(request, _("The evaluation is created as a draft. Change its questions if you like, then "
                                "open it."))
    return redirect("surveys:detail", survey_id=survey.pk)


@login_required
@require_POST
def evaluation_invite(request, pk):
    event = _event(request, pk)
    try:
        invited = evaluation.event_evaluation_invite(event=event, actor=request.user)
    except EventError as e:
        messages.error(request, str(e))
    else:
        if invited:
            messages.success(request, ngettext(
                "%(n)s person who attended is invited to the evaluation.",
                "%(n)s people who attended are invited to the evaluation.", invited) % {"n": invited})
        else:
            messages.success(request, _("Everyone who attended is already invited."))
    return redirect("events:detail", pk=event.pk)
