"""The principal's request and "Our efforts", withdrawing, a coordinator taking responsibility, and the
planning meeting (booking, moving, the notes). In the ``efforts`` namespace: 404 while the programme is off."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.efforts import planning, requests
from inspira.efforts.forms_requests import (
    EffortRequestForm,
    PlanningMeetingForm,
    PlanningNotesForm,
    SchoolChoiceForm,
    WithdrawForm,
)
from inspira.efforts.models import Effort
from inspira.efforts.permissions import (
    may_coordinate,
    may_lead_effort,
    may_request,
    may_view_effort,
    principal_school_ids,
)
from inspira.schools.models import School


def _effort(pk: int) -> Effort:
    return get_object_or_404(Effort.objects.select_related("planning_meeting", "area", "requested_by", "leader",
                                                           "programme"), pk=pk, cooperation__isnull=True)


def _show(form, error) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _chosen_school(request, school_ids: list[int]) -> School | None:
    """The school the request is for: the principal's only one, or the one ``?school=`` names (another
    school's is refused), or None while a principal of several has not chosen."""
    if len(school_ids) == 1:
        return School.objects.get(pk=school_ids[0])
    value = request.GET.get("school", "")
    if not value.isdigit():
        return None
    school = School.objects.filter(pk=int(value)).first()
    if school is None or not may_request(request.user, school):
        raise PermissionDenied
    return school


@login_required
@require_http_methods(["GET", "POST"])
def effort_request(request):
    """"Order a tailor-made effort": the principal describes the unit's need."""
    school_ids = principal_school_ids(request.user)
    require(bool(school_ids))
    school = _chosen_school(request, school_ids)
    if school is None:
        choice = SchoolChoiceForm(request.GET or None,
                                  schools=School.objects.filter(pk__in=school_ids).order_by("name"))
        return render(request, "efforts/request_school.html", {"form": choice})
    form = EffortRequestForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            effort = requests.effort_request(school=school, actor=request.user, **form.service_fields())
        except requests.RequestError as e:
            _show(form, e)
        else:
            messages.success(request, _("Your request is sent to the development centre. A confirmation is on its "
                                        "way by email, and a coordinator will contact you to book the first "
                                        "planning meeting."))
            return redirect("efforts:effort_detail", effort.pk)
    return render(request, "efforts/request_form.html", {
        "form": form, "school": school, "several_schools": len(school_ids) > 1})


@dataclass(frozen=True)
class OwnEffort:
    effort: Effort
    schools: str
    meeting_starts: object  # the planning meeting's local start, or None


def _rows(page) -> list[OwnEffort]:
    return [OwnEffort(effort=effort, schools=", ".join(school.name for school in effort.schools.all()),
                      meeting_starts=(timezone.localtime(effort.planning_meeting.starts_at)
                                      if effort.planning_meeting_id and not effort.planning_meeting.is_cancelled
                                      else None))
            for effort in page]


@login_required
@require_GET
def mine(request):
    """"Our efforts": the principal's units' tailor-made efforts, those under way and the earlier ones."""
    school_ids = principal_school_ids(request.user)
    require(bool(school_ids))
    current = paginate(request, requests.efforts_of_schools(school_ids, current=True)).page
    earlier = paginate(request, requests.efforts_of_schools(school_ids, current=False), param="earlier").page
    current.object_list, earlier.object_list = _rows(current), _rows(earlier)
    return render(request, "efforts/mine.html", {"current": current, "earlier": earlier})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    effort = _effort(pk)
    require(may_view_effort(request.user, effort))
    if not requests.effort_may_withdraw(effort=effort, actor=request.user):
        messages.error(request, _("The effort has ended or was withdrawn already."))
        return redirect("efforts:effort_detail", effort.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.effort_withdraw(effort=effort, actor=request.user, reason=form.cleaned_data["reason"])
        except requests.RequestError as e:
            _show(form, e)
        else:
            messages.success(request, _("The effort is withdrawn. Everyone concerned is told."))
            return redirect("efforts:effort_detail", effort.pk)
    return render(request, "efforts/withdraw.html", {"effort": effort, "form": form})


@login_required
@require_POST
def assign_me(request, pk: int):
    """A coordinator takes responsibility for the effort."""
    require(may_coordinate(request.user))
    effort = _effort(pk)
    try:
        requests.effort_assign(effort=effort, leader=request.user, actor=request.user)
    except requests.RequestError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("You are responsible for the effort."))
    return redirect("efforts:effort_detail", effort.pk)


def _meeting_initial(effort: Effort) -> dict:
    meeting = effort.planning_meeting
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {"date": starts.date(), "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0), "place": meeting.place,
            "online_link": meeting.online_link}


@login_required
@require_http_methods(["GET", "POST"])
def planning_meeting(request, pk: int):
    """Book the first planning meeting, or move the booked one."""
    effort = _effort(pk)
    require(may_lead_effort(request.user, effort))
    moving = planning.planning_meeting_may_move(effort=effort, actor=request.user)
    if not moving and not planning.planning_meeting_may_book(effort=effort, actor=request.user):
        messages.error(request, _("The planning meeting can no longer be booked or moved for this effort."))
        return redirect("efforts:effort_detail", effort.pk)
    form = PlanningMeetingForm(request.POST or None, initial=_meeting_initial(effort) if moving else None)
    if request.method == "POST" and form.is_valid():
        action = planning.planning_meeting_move if moving else planning.planning_meeting_book
        try:
            action(effort=effort, actor=request.user, **form.service_fields())
        except planning.PlanningError as e:
            _show(form, e)
        else:
            messages.success(request, _("The planning meeting is moved; the invited get the new time.") if moving
                             else _("The planning meeting is booked; the invited get an invitation by email."))
            return redirect("efforts:effort_detail", effort.pk)
    return render(request, "efforts/planning_form.html", {
        "effort": effort, "form": form, "moving": moving, "invitees": planning.invitees(effort)})


@login_required
@require_http_methods(["GET", "POST"])
def planning_notes(request, pk: int):
    """The notes of the planning meeting: purpose, goals, needs and limits."""
    effort = _effort(pk)
    require(may_lead_effort(request.user, effort))
    if not planning.planning_notes_may_record(effort=effort, actor=request.user):
        messages.error(request, _("The notes are written after the planning meeting, while the proposal is "
                                  "prepared."))
        return redirect("efforts:effort_detail", effort.pk)
    initial = {"purpose": effort.notes_purpose, "goals": effort.notes_goals, "needs": effort.notes_needs,
               "limits": effort.notes_limits}
    form = PlanningNotesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        first = effort.notes_written_at is None
        try:
            planning.planning_notes_record(effort=effort, actor=request.user, **form.cleaned_data)
        except planning.PlanningError as e:
            _show(form, e)
        else:
            messages.success(request, _("The notes are saved and the proposal clock has started.") if first
                             else _("The notes are saved."))
            return redirect("efforts:effort_detail", effort.pk)
    return render(request, "efforts/planning_notes.html", {"effort": effort, "form": form})
