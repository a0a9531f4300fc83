"""The end of a round: the coordinator's page for the closing evaluation and the quotes
(``round_closing``), and the participant's page to send and withdraw quotes. The rules live in
``evaluation`` and ``quotes``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.benchmarking import evaluation, permissions, quotes
from inspira.benchmarking.forms_costs import EvaluationInviteForm, QuoteForm
from inspira.benchmarking.models import Quote, Round
from inspira.core.pagination import paginate


def _round(round_id):
    return get_object_or_404(Round.objects.select_related("closing", "evaluation"), pk=round_id)


# --- The coordinator -------------------------------------------------------------------------------------


@login_required
@require_GET
def round_closing(request, round_id):
    round_ = _round(round_id)
    require(permissions.may_coordinate(request.user))
    paginated = paginate(request, quotes.quotes_of_round(round_))
    rows = [{"quote": q, "is_published": quotes.quote_is_published(q),
             "name": (q.author.name or q.author.email) if q.author else _("Participant (erased)")}
            for q in paginated.page]
    return render(request, "benchmarking/quotes_closing.html", {
        "round": round_, "evaluation": evaluation.round_evaluation_state(round=round_),
        "invite_form": EvaluationInviteForm(action=reverse("benchmarking:evaluation_invite", args=[round_.pk])),
        "page_obj": paginated.page, "rows": rows,
    })


@login_required
@require_POST
def evaluation_create(request, round_id):
    round_ = _round(round_id)
    require(permissions.may_coordinate(request.user))
    try:
        survey = evaluation.round_evaluation_create(round=round_, actor=request.user)
    except evaluation.EvaluationError as e:
        messages.error(request, str(e))
        return redirect("benchmarking:round_closing", round_id=round_.pk)
    messages.success(request, _("The evaluation is created as a draft. Change its questions if you like, then "
                                "open it."))
    return redirect("surveys:detail", survey_id=survey.pk)


@login_required
@require_POST
def evaluation_invite(request, round_id):
    round_ = _round(round_id)
    require(permissions.may_coordinate(request.user))
    form = EvaluationInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to invite."))
        return redirect("benchmarking:round_closing", round_id=round_.pk)
    try:
        invited = evaluation.round_evaluation_invite(round=round_, actor=request.user,
                                                     everyone=form.cleaned_data["who"] == "everyone")
    except evaluation.EvaluationError as e:
        messages.error(request, str(e))
    else:
        if invited:
            messages.success(request, ngettext("%(n)s participant is invited to the evaluation.",
                                               "%(n)s participants are invited to the evaluation.", invited)
                             % {"n": invited})
        else:
            messages.success(request, _("Everyone is already invited."))
    return redirect("benchmarking:round_closing", round_id=round_.pk)


def _quote_for_coordinator(request, quote_id):
    quote = get_object_or_404(Quote, pk=quote_id)
    require(permissions.may_coordinate(request.user))
    return quote


@login_required
@require_POST
def quote_publish(request, quote_id):
    quote = _quote_for_coordinator(request, quote_id)
    try:
        quotes.quote_publish(quote=quote, actor=request.user)
    except quotes.QuoteError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The quote is published on the programme's page."))
    return redirect("benchmarking:round_closing", round_id=quote.round_id)


@login_required
@require_POST
def quote_unpublish(request, quote_id):
    quote = _quote_for_coordinator(request, quote_id)
    quotes.quote_unpublish(quote=quote, actor=request.user)
    messages.success(request, _("The quote is no longer published."))
    return redirect("benchmarking:round_closing", round_id=quote.round_id)


# --- The participant -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quotes_mine(request, round_id):
    round_ = get_object_or_404(Round, pk=round_id)
    require(quotes.quote_may_submit(round=round_, user=request.user))
    form = QuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            quotes.quote_submit(round=round_, author=request.user, text=form.cleaned_data["text"],
                                show_name=form.cleaned_data["show_name"], consent=form.cleaned_data["consent"])
        except quotes.QuoteError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Thank you for your quote. A coordinator decides whether it is published."))
            return redirect("benchmarking:quotes_mine", round_id=round_.pk)
    paginated = paginate(request, quotes.quotes_of_author(round=round_, user=request.user))
    rows = [{"quote": q, "is_published": quotes.quote_is_published(q)} for q in paginated.page]
    return render(request, "benchmarking/quotes_mine.html", {
        "round": round_, "form": form, "page_obj": paginated.page, "rows": rows,
    })


@login_required
@require_POST
def quote_withdraw(request, quote_id):
    quote = get_object_or_404(Quote, pk=quote_id)
    require(quotes.quote_may_withdraw(quote=quote, user=request.user))
    round_id = quote.round_id
    quotes.quote_withdraw(quote=quote, actor=request.user)
    messages.success(request, _("Your quote is withdrawn and removed."))
    if quotes.quote_may_submit(round=quote.round, user=request.user):
        return redirect("benchmarking:quotes_mine", round_id=round_id)
    return redirect("benchmarking:mine")
