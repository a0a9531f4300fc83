"""The proposal clock's actions on an effort's case (pause, resume, extend) and the centre's closed days.
The rules live in ``clock`` and ``closed_days``; the case page shows the clock (``sections.clock_section``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.efforts import clock, closed_days
from inspira.efforts.forms_clock import ClockExtendForm, ClockPauseForm, ClosedDayForm
from inspira.efforts.models import ClosedDay, Effort
from inspira.efforts.permissions import may_coordinate, may_lead_effort


def _effort(request, pk: int) -> Effort:
    effort = get_object_or_404(Effort.objects.select_related("area"), pk=pk, cooperation__isnull=True)
    require(may_lead_effort(request.user, effort))
    return effort


def _to_case(effort):
    return redirect(reverse("efforts:effort_detail", args=[effort.pk]) + "#clock")


def _clock_form_page(request, effort, form, *, title: str, may: bool, refusal: str):
    return render(request, "efforts/clock_form.html", {
        "effort": effort, "form": form, "title": title, "may": may, "refusal": refusal,
    })


@login_required
@require_http_methods(["GET", "POST"])
def clock_pause(request, pk: int):
    effort = _effort(request, pk)
    form = ClockPauseForm(request.POST or None, action=reverse("efforts:clock_pause", args=[effort.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            clock.clock_pause(effort=effort, day=timezone.localdate(), reason=form.cleaned_data["reason"],
                              actor=request.user)
        except clock.ClockError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The proposal clock is paused. Resume it when the work can go on."))
            return _to_case(effort)
    return _clock_form_page(request, effort, form, title=_("Pause the proposal clock"),
                            may=clock.clock_may_pause(effort=effort),
                            refusal=_("The proposal clock is not running, so it cannot be paused."))


@login_required
@require_POST
def clock_resume(request, pk: int):
    effort = _effort(request, pk)
    try:
        clock.clock_resume(effort=effort, day=timezone.localdate(), actor=request.user)
    except clock.ClockError as e:
        messages.error(request, str(e))
    else:
        deadline = clock.clock_of(effort).deadline
        messages.success(request, _("The proposal clock runs again. The proposal is now due on %(day)s.")
                         % {"day": formats.date_format(deadline)})
    return _to_case(effort)


@login_required
@require_http_methods(["GET", "POST"])
def clock_extend(request, pk: int):
    effort = _effort(request, pk)
    form = ClockExtendForm(request.POST or None, action=reverse("efforts:clock_extend", args=[effort.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            clock.clock_extend(effort=effort, working_days=form.cleaned_data["working_days"],
                               reason=form.cleaned_data["reason"], actor=request.user)
        except clock.ClockError as e:
            form.add_error(None, str(e))
        else:
            days = form.cleaned_data["working_days"]
            messages.success(request, ngettext("The time for the proposal is extended by %(n)s working day.",
                                               "The time for the proposal is extended by %(n)s working days.", days)
                             % {"n": days})
            return _to_case(effort)
    return _clock_form_page(request, effort, form, title=_("Extend the time for the proposal"),
                            may=clock.clock_may_extend(effort=effort),
                            refusal=_("Only a running or paused clock can be extended."))


# --- The centre's closed days ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def closed_day_list(request):
    require(may_coordinate(request.user))
    form = ClosedDayForm(request.POST or None, action=reverse("efforts:closed_days"))
    if request.method == "POST" and form.is_valid():
        try:
            added = closed_days.closed_day_add(day=form.cleaned_data["day"], reason=form.cleaned_data["reason"],
                                               actor=request.user)
        except closed_days.ClosedDayError as e:
            form.add_error("day", str(e))
        else:
            messages.success(request, _("The centre is closed on %(day)s: the day does not count on the proposal "
                                        "clock.") % {"day": formats.date_format(added.day)})
            return redirect("efforts:closed_days")
    today = timezone.localdate()
    show_past = request.GET.get("past") == "1"
    days = ClosedDay.objects.order_by("-day") if show_past else ClosedDay.objects.filter(day__gte=today).order_by("day")
    paginated = paginate(request, days)
    return render(request, "efforts/closed_days.html", {
        "form": form, "page_obj": paginated.page, "show_past": show_past,
    })


@login_required
@require_POST
def closed_day_remove(request, pk: int):
    require(may_coordinate(request.user))
    closed_day = get_object_or_404(ClosedDay, pk=pk)
    day = closed_day.day
    closed_days.closed_day_remove(closed_day=closed_day, actor=request.user)
    messages.success(request, _("%(day)s is no longer a closed day.") % {"day": formats.date_format(day)})
    return redirect("efforts:closed_days")
