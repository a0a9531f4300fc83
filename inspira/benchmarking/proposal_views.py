"""The coordinator's proposal page: start a proposal (a background job), follow its progress, and
read what it proposed and how it was found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspira.accounts.permissions import require
from inspira.benchmarking import publishing
from inspira.benchmarking.models import Round
from inspira.benchmarking.permissions import may_coordinate


def coordinated_round(request, round_id: int) -> Round:
    """The round, for a coordinator of the programme (403 for anyone else)."""
    require(may_coordinate(request.user))
    return get_object_or_404(Round.objects.select_related("programme"), pk=round_id)


@login_required
@require_GET
def proposal(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    section = publishing.round_proposal_section(round_, request.user)
    outcome = None
    if section["state"]["is_done"]:
        outcome = publishing.proposal_outcome(round_, section["proposal"])
    return render(request, "benchmarking/proposal.html", {
        **section, "outcome": outcome,
        "status_url": reverse("benchmarking:proposal_status", args=[round_.pk]),
    })


@login_required
@require_POST
def proposal_start(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    # The solvers' module is built alongside these pages; it is looked up when the button is pressed.
    try:
        from inspira.benchmarking import proposals
    except ImportError:
        messages.error(request, _("Proposals cannot be made yet."))
        return redirect("benchmarking:proposal", round_.pk)
    known_errors = tuple(getattr(proposals, name) for name in ("ProposalError",) if hasattr(proposals, name))
    try:
        proposals.proposal_start(round=round_, actor=request.user)
    except known_errors as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The proposal is being made. This page shows how far it has come."))
    return redirect("benchmarking:proposal", round_.pk)


@login_required
@require_GET
def proposal_status(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    state = publishing.proposal_state(publishing.latest_proposal(round_))
    return JsonResponse({
        "exists": state["exists"], "running": state["is_running"], "done": state["is_done"],
        "failed": state["is_failed"], "progress": state["progress"], "step": str(state["step"]),
    })
