"""The dates of the visits: the coordinator's answers page and moving a visit; a participant's own
group, dates and answer, calendar file and leaving the round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.benchmarking import dates, groups, ics
from inspira.benchmarking.forms_groups import DateAnswerForm, OwnLeaveForm, VisitMoveForm
from inspira.benchmarking.models import Interest, Round, Visit
from inspira.benchmarking.proposal_views import coordinated_round
from inspira.core.pagination import paginate


@login_required
@require_GET
def date_answers(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    paginated = paginate(request, round_.groups.order_by("number"))
    return render(request, "benchmarking/dates_answers.html", {
        "round": round_, "page": paginated.page, "query": paginated.query,
        "rows": dates.answers_by_group(paginated.page.object_list),
    })


@login_required
@require_http_methods(["GET", "POST"])
def visit_move(request, round_id: int, visit_id: int):
    round_ = coordinated_round(request, round_id)
    visit = get_object_or_404(Visit.objects.select_related("group", "host__school", "host__user"),
                              group__round=round_, pk=visit_id)
    form = VisitMoveForm(request.POST or None, initial={"date": visit.date})
    problems = []
    if form.is_valid():
        try:
            dates.visit_move(visit=visit, day=form.cleaned_data["date"], actor=request.user)
        except dates.DateError as e:
            form.add_error("date", str(e))
            problems = e.problems
        else:
            messages.success(request, _("The visit was moved. The group gets an updated calendar file."))
            return redirect("benchmarking:date_answers", round_.pk)
    return render(request, "benchmarking/dates_move.html", {
        "round": round_, "visit": visit, "form": form, "problems": problems,
    })


def _own_interest(request, round_id: int) -> Interest:
    """The person's own admitted place in a published round (403 for anyone without one)."""
    interest = (Interest.objects.select_related("round", "group", "school")
                .filter(round_id=round_id, user=request.user, withdrawn_at__isnull=True,
                        round__stage__in=(Round.Stage.PUBLISHED, Round.Stage.FINISHED)).first())
    require(interest is not None and interest.group_id is not None)
    return interest


@login_required
@require_http_methods(["GET", "POST"])
def my_dates(request, round_id: int):
    interest = _own_interest(request, round_id)
    participation = dates.participation_of(interest)
    answer = participation["answer"]
    form = DateAnswerForm(request.POST or None, initial={"answer": answer.answer, "comment": answer.comment}
                          if answer else None)
    if form.is_valid():
        try:
            dates.date_answer_save(member=interest, answer=form.cleaned_data["answer"],
                                   comment=form.cleaned_data["comment"], actor=request.user)
        except dates.DateError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("benchmarking:my_dates", round_id)
    return render(request, "benchmarking/dates_mine.html", {
        "round": interest.round, "p": participation, "form": form,
    })


@login_required
@require_GET
def my_visit_ics(request, visit_id: int):
    visit = (Visit.objects.select_related("group__round", "host__school", "host__user")
             .filter(pk=visit_id).exclude(status=Visit.Status.CANCELLED).first())
    if visit is None:
        raise Http404
    require(visit.group.round.stage != Round.Stage.INTEREST and visit.group.members.filter(
        user=request.user, withdrawn_at__isnull=True).exists())
    response = HttpResponse(ics.visit_ics(visit), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.visit_filename(visit)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_leave(request, round_id: int):
    interest = _own_interest(request, round_id)
    form = OwnLeaveForm(request.POST or None)
    if form.is_valid():
        try:
            groups.participant_withdraw_late(interest=interest, actor=request.user)
        except groups.GroupError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("You have left the round. Your group was told."))
            return redirect("core:dashboard")
    return render(request, "benchmarking/dates_leave.html", {"round": interest.round, "form": form,
                                                             "interest": interest})
