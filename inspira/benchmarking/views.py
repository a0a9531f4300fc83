"""The programme's page, the coordinators' rounds, and the teachers' interest registrations.
Every page is in the ``benchmarking`` namespace, so all of them answer 404 while the programme is off."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.benchmarking import dates, interests, rounds, selectors
from inspira.benchmarking.forms import InterestForm, RoundForm, WithdrawForm
from inspira.benchmarking.models import Interest, Round
from inspira.benchmarking.permissions import may_approve_claims, may_coordinate
from inspira.core.forms import add_errors_at_fields
from inspira.core.pagination import paginate
from inspira.events.permissions import event_may_manage


def _round_for_coordinator(request, pk: int) -> Round:
    require(may_coordinate(request.user))
    return get_object_or_404(Round.objects.select_related("kickoff", "closing", "programme"), pk=pk)


def _show_input_errors(form, error: rounds.RoundInputError) -> None:
    add_errors_at_fields(form, error.errors)


def _has_confirmed_membership(user) -> bool:
    return user.is_authenticated and user.memberships.filter(confirmed_at__isnull=False).exists()


# --- The programme's page (anyone) -------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenRound:
    round: Round
    registered: bool  # the person has a standing registration in it
    may_register: bool


@require_GET
def index(request):
    now = timezone.now()
    open_rounds = list(selectors.open_rounds(now))
    registered = set()
    if request.user.is_authenticated:
        registered = set(Interest.objects.filter(user=request.user, withdrawn_at__isnull=True,
                                                 round__in=open_rounds).values_list("round_id", flat=True))
    items = [OpenRound(round=r, registered=r.pk in registered, may_register=r.pk not in registered)
             for r in open_rounds]
    return render(request, "benchmarking/index.html", {
        "open_rounds": items, "quotes": selectors.published_quotes(),
        "signed_in": request.user.is_authenticated, "may_coordinate": may_coordinate(request.user),
    })


# --- The coordinators' pages ------------------------------------------------------------------------------

@login_required
@require_GET
def round_list(request):
    require(may_coordinate(request.user))
    page = paginate(request, selectors.rounds_for_coordinator()).page
    return render(request, "benchmarking/round_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    require(may_coordinate(request.user))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = rounds.round_create(actor=request.user, **form.service_fields())
        except rounds.RoundInputError as e:
            _show_input_errors(form, e)
        else:
            messages.success(request, _("The round is created, with its kick-off and closing meeting."))
            return redirect("benchmarking:round_detail", pk=created.pk)
    return render(request, "benchmarking/round_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    benchmarking_round = _round_for_coordinator(request, pk)
    if not rounds.round_may_change(benchmarking_round=benchmarking_round):
        messages.error(request, _("A finished round cannot be changed."))
        return redirect("benchmarking:round_detail", pk=benchmarking_round.pk)
    form = RoundForm(request.POST or None, instance=benchmarking_round,
                     meetings=rounds.round_meeting_initial(benchmarking_round))
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_update(benchmarking_round=benchmarking_round, actor=request.user, **form.service_fields())
        except rounds.RoundInputError as e:
            _show_input_errors(form, e)
        except rounds.RoundError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The round is saved. Those registered for its meetings are told of "
                                        "changes in time or place."))
            return redirect("benchmarking:round_detail", pk=benchmarking_round.pk)
    return render(request, "benchmarking/round_form.html", {"form": form, "round": benchmarking_round})


@login_required
@require_GET
def round_detail(request, pk):
    benchmarking_round = _round_for_coordinator(request, pk)
    registrations = paginate(request, selectors.round_interests(benchmarking_round), param="registrations")
    meetings = [
        {"label": label, "event": event,
         "may_manage": event is not None and event_may_manage(user=request.user, event=event)}
        for label, event in ((_("Kick-off meeting"), benchmarking_round.kickoff),
                             (_("Closing meeting"), benchmarking_round.closing))
    ]
    return render(request, "benchmarking/round_detail.html", {
        "round": benchmarking_round, "counts": selectors.round_counts(benchmarking_round),
        "registrations": registrations.page, "meetings": meetings,
        "may_change": rounds.round_may_change(benchmarking_round=benchmarking_round),
        "window_open": interests.interest_window_is_open(benchmarking_round=benchmarking_round),
        # Finance's list of claims, filtered to this round, for a coordinator who is also finance.
        "may_see_claims": may_approve_claims(request.user),
    })


# --- The teachers' pages -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def interest_register(request, pk):
    # Teachers register for a school of theirs: a person without a confirmed membership has none.
    require(_has_confirmed_membership(request.user))
    benchmarking_round = get_object_or_404(Round, pk=pk)
    now = timezone.now()
    window_open = interests.interest_window_is_open(benchmarking_round=benchmarking_round, now=now)
    existing = interests.active_interest(benchmarking_round=benchmarking_round, user=request.user)
    form = None
    if window_open and existing is None:
        form = InterestForm(request.POST or None, benchmarking_round=benchmarking_round, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                interests.interest_register(round=benchmarking_round, user=request.user, school=data["school"],
                                            grades=data["grades"], subjects=data["subjects"],
                                            unavailable_days=data["unavailable_days"], now=now)
            except interests.InterestError as e:
                form.add_error(e.field if e.field in form.fields else None, str(e))
            else:
                messages.success(request, _("Your interest is registered. A confirmation is on its way by email."))
                return redirect("benchmarking:mine")
    return render(request, "benchmarking/interest_form.html", {
        "round": benchmarking_round, "form": form, "window_open": window_open,
        "already_registered": existing is not None,
    })


@dataclass(frozen=True)
class MyInterest:
    interest: Interest
    may_withdraw: bool
    is_withdrawn: bool
    decided: bool  # a decision is published: show it and its reason
    p: dict | None = None  # the group, visits and links once the round is published (dates.participations_of)


@login_required
@require_GET
def mine(request):
    now = timezone.now()
    page = paginate(request, selectors.my_interests(request.user)).page
    # Every published registration's group, visits and links at once: the page's queries stay constant.
    participations = dates.participations_of(page.object_list, now=now)
    page.object_list = [
        MyInterest(interest=i, may_withdraw=interests.interest_may_withdraw(interest=i, actor=request.user, now=now),
                   is_withdrawn=i.is_withdrawn, decided=i.decision != Interest.Decision.PENDING,
                   p=participations.get(i.pk))
        for i in page.object_list
    ]
    return render(request, "benchmarking/mine.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def interest_withdraw(request, pk):
    interest = get_object_or_404(Interest.objects.select_related("round", "school"), pk=pk)
    require(interest.user_id == request.user.pk)  # another person's registration is refused
    if not interests.interest_may_withdraw(interest=interest, actor=request.user):
        messages.error(request, _("Interest registration has closed, so the registration can no longer be "
                                  "withdrawn here. Contact the programme's coordinator.")
                       if not interest.is_withdrawn else _("The registration is already withdrawn."))
        return redirect("benchmarking:mine")
    # The form has no fields: an empty POST is the confirmation.
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            interests.interest_withdraw(interest=interest, actor=request.user)
        except interests.InterestError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Your registration is withdrawn. A confirmation is on its way by email."))
        return redirect("benchmarking:mine")
    return render(request, "benchmarking/interest_withdraw.html", {"interest": interest, "form": form})
