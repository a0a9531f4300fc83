"""The proposal's pages (seed 001, step 5): the centre presents a version, everyone who sees the case
reads a version and what changed since the last, and the principal accepts it or asks for changes.
The rules live in ``proposals``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.efforts import proposals
from inspira.efforts.models import Effort, Proposal
from inspira.efforts.permissions import may_answer_proposal, may_lead_effort, may_view_effort
from inspira.efforts.proposal_forms import ChangesForm, ProposalForm


def _effort(pk: int) -> Effort:
    return get_object_or_404(Effort.objects.select_related("programme", "leader"), pk=pk, cooperation__isnull=True)


def _proposal(proposal_id: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("effort", "created_by"), pk=proposal_id,
                             effort__cooperation__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_present(request, pk: int):
    """The centre presents the next version, starting from the text of the last one."""
    effort = _effort(pk)
    require(may_lead_effort(request.user, effort))
    refusal = proposals.present_refusal(effort=effort, actor=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("efforts:effort_detail", pk=effort.pk)
    last = proposals.latest_version(effort)
    initial = {name: getattr(last, name) for name in proposals.FIELDS} if last else {}
    version = (last.version if last else 0) + 1
    form = ProposalForm(request.POST or None, initial=initial,
                        submit_label=_("Present version %(version)s") % {"version": version})
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.proposal_present(effort=effort, actor=request.user, **form.cleaned_data)
        except proposals.ProposalError as e:
            form.add_error(e.field, str(e))
        else:
            messages.success(request, _("Version %(version)s of the proposal is presented. The principal is told "
                                        "by email.") % {"version": proposal.version})
            return redirect("efforts:proposal_detail", proposal_id=proposal.pk)
    return render(request, "efforts/proposal_form.html", {
        "effort": effort, "form": form, "version": version, "last": last,
    })


@login_required
@require_GET
def proposal_detail(request, proposal_id: int):
    """One version: its content, what changed since the version before, and the principal's answer."""
    proposal = _proposal(proposal_id)
    effort = proposal.effort
    require(may_view_effort(request.user, effort))
    previous = proposals.previous_version(proposal)
    latest = proposals.latest_version(effort)
    return render(request, "efforts/proposal_detail.html", {
        "effort": effort, "proposal": proposal, "previous": previous,
        "changes": proposals.proposal_changes(proposal=proposal, previous=previous),
        "answer": proposals.answer_of(proposal),
        "latest": latest, "is_latest": latest is not None and latest.pk == proposal.pk,
        "may_accept": proposals.proposal_may_accept(proposal=proposal, actor=request.user),
        "may_request_changes": proposals.proposal_may_request_changes(proposal=proposal, actor=request.user),
    })


def _answerable(request, proposal_id: int):
    """The version, if this person answers proposals for its unit; else 403."""
    proposal = _proposal(proposal_id)
    require(may_answer_proposal(request.user, proposal.effort))
    return proposal


@login_required
@require_http_methods(["GET", "POST"])
def proposal_accept(request, proposal_id: int):
    """The principal accepts the version: the page names it, the button sends the acceptance."""
    proposal = _answerable(request, proposal_id)
    refusal = proposals.answer_refusal(proposal=proposal, actor=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("efforts:proposal_detail", proposal_id=proposal.pk)
    if request.method == "POST":
        try:
            proposals.proposal_accept(proposal=proposal, actor=request.user)
        except proposals.ProposalError as e:
            messages.error(request, str(e))
            return redirect("efforts:proposal_detail", proposal_id=proposal.pk)
        messages.success(request, _("You have accepted version %(version)s of the proposal. The centre is told "
                                    "by email.") % {"version": proposal.version})
        return redirect("efforts:effort_detail", pk=proposal.effort_id)
    return render(request, "efforts/proposal_accept.html", {"effort": proposal.effort, "proposal": proposal})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_request_changes(request, proposal_id: int):
    """The principal asks for changes to the version, with a comment."""
    proposal = _answerable(request, proposal_id)
    refusal = proposals.answer_refusal(proposal=proposal, actor=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("efforts:proposal_detail", proposal_id=proposal.pk)
    form = ChangesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.proposal_request_changes(proposal=proposal, actor=request.user,
                                               comment=form.cleaned_data["comment"])
        except proposals.ProposalError as e:
            form.add_error(e.field, str(e))
        else:
            messages.success(request, _("Your comment is sent to the centre, which presents a new version of the "
                                        "proposal."))
            return redirect("efforts:effort_detail", pk=proposal.effort_id)
    return render(request, "efforts/proposal_changes.html", {
        "effort": proposal.effort, "proposal": proposal, "form": form,
    })
