"""The coordinator's groups before publishing (moves and swaps, the changes against the proposal),
publishing, and taking a participant out after publishing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.benchmarking import dates, groups, publishing
from inspira.benchmarking.forms_groups import LeaveForm, MoveForm, SwapForm
from inspira.benchmarking.models import Interest, Round
from inspira.benchmarking.proposal_views import coordinated_round
from inspira.core.pagination import paginate


def _groups_page(request, round_, *, move_form=None, swap_form=None):
    paginated = paginate(request, round_.groups.order_by("number"))
    page_groups = groups.groups_with_members(paginated.page.object_list)
    every_group = groups.groups_with_members(round_.groups.order_by("number")) if round_.stage == Round.Stage.PROPOSED \
        else page_groups
    visits = dates.group_visits([g["group"] for g in page_groups])
    warnings = dates.round_date_warnings(round_)
    for row in page_groups:
        row["visits"] = visits[row["group"].pk]
        for visit in row["visits"]:
            visit.warnings = warnings.get(visit.pk, [])
    return render(request, "benchmarking/groups.html", {
        "round": round_, "page": paginated.page, "query": paginated.query, "groups": page_groups,
        "may_edit": round_.stage == Round.Stage.PROPOSED,
        "is_published": round_.stage in (Round.Stage.PUBLISHED, Round.Stage.FINISHED),
        "move_form": move_form or MoveForm(groups_with_members=every_group),
        "swap_form": swap_form or SwapForm(groups_with_members=every_group),
        "changes": groups.proposal_changes(round_),
        "hard_rule_problems": groups.hard_rule_problems(round_),
        "warning_count": len(warnings),
    })


@login_required
@require_GET
def groups_page(request, round_id: int):
    return _groups_page(request, coordinated_round(request, round_id))


@login_required
@require_POST
def group_move(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    form = MoveForm(request.POST, groups_with_members=groups.groups_with_members(round_.groups.order_by("number")))
    if form.is_valid():
        try:
            member = groups.group_member_move(round=round_, interest_id=form.cleaned_data["member"],
                                              group_id=form.cleaned_data["group"], actor=request.user)
        except groups.GroupError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("%(name)s was moved to %(group)s.") % {
                "name": member.user.name if member.user else "–", "group": member.group})
            return redirect("benchmarking:groups", round_.pk)
    return _groups_page(request, round_, move_form=form)


@login_required
@require_POST
def group_swap(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    form = SwapForm(request.POST, groups_with_members=groups.groups_with_members(round_.groups.order_by("number")))
    if form.is_valid():
        try:
            groups.group_members_swap(round=round_, first_id=form.cleaned_data["first"],
                                      second_id=form.cleaned_data["second"], actor=request.user)
        except groups.GroupError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The two people swapped groups."))
            return redirect("benchmarking:groups", round_.pk)
    return _groups_page(request, round_, swap_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def round_publish(request, round_id: int):
    round_ = coordinated_round(request, round_id)
    problems = publishing.publish_problems(round_)
    if request.method == "POST" and not problems:
        try:
            publishing.round_publish(round=round_, actor=request.user)
        except publishing.PublishError as e:
            problems = e.problems or [str(e)]
        else:
            messages.success(request, _("The round is published. Everyone gets their decision by email."))
            return redirect("benchmarking:groups", round_.pk)
    counts = {
        "admitted": Interest.objects.filter(round=round_, withdrawn_at__isnull=True, group__isnull=False).count(),
        "not_admitted": Interest.objects.filter(round=round_, withdrawn_at__isnull=True, group__isnull=True).count(),
    }
    return render(request, "benchmarking/groups_publish.html", {
        "round": round_, "problems": problems, "may_publish": not problems, **counts,
    })


@login_required
@require_http_methods(["GET", "POST"])
def participant_remove(request, round_id: int, interest_id: int):
    round_ = coordinated_round(request, round_id)
    interest = get_object_or_404(Interest.objects.select_related("user", "school", "group"), round=round_,
                                 pk=interest_id)
    form = LeaveForm(request.POST or None)
    if form.is_valid():
        try:
            groups.participant_withdraw_late(interest=interest, actor=request.user,
                                             reason=form.cleaned_data["reason"])
        except groups.GroupError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("%(name)s is no longer in the round; the group was told.")
                             % {"name": interest.user.name if interest.user else "–"})
            return redirect("benchmarking:groups", round_.pk)
    return render(request, "benchmarking/groups_remove.html", {"round": round_, "interest": interest, "form": form})
