"""Closed days: the municipality's breaks (administrators) and a school's own study days and
closures (its principal and administrators). One set of views, with or without a school."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import can_manage_closed_periods, require
from inspira.core.pagination import paginate
from inspira.schools import selectors, services
from inspira.schools.forms import ClosedPeriodForm
from inspira.schools.models import ClosedPeriod, School


def _school_or_none(school_id) -> School | None:
    return None if school_id is None else get_object_or_404(School, pk=school_id)


def _list_redirect(school: School | None):
    if school is None:
        return redirect("schools:closed_periods")
    return redirect("schools:school_closed_periods", school_id=school.pk)


@login_required
@require_GET
def closed_period_list(request, school_id=None):
    school = _school_or_none(school_id)
    require(can_manage_closed_periods(request.user, school))
    page = paginate(request, selectors.closed_periods_of(school)).page
    return render(request, "schools/closed_period_list.html", {"school": school, "page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def closed_period_create(request, school_id=None):
    school = _school_or_none(school_id)
    require(can_manage_closed_periods(request.user, school))
    form = ClosedPeriodForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            period = services.closed_period_create(actor=request.user, school=school, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": period.name})
            return _list_redirect(school)
    return render(request, "schools/closed_period_form.html", {"form": form, "school": school, "period": None})


def _period_for(request, period_id) -> ClosedPeriod:
    period = get_object_or_404(ClosedPeriod.objects.select_related("school"), pk=period_id)
    require(can_manage_closed_periods(request.user, period.school))
    return period


@login_required
@require_http_methods(["GET", "POST"])
def closed_period_edit(request, period_id):
    period = _period_for(request, period_id)
    form = ClosedPeriodForm(request.POST if request.method == "POST" else None, instance=period)
    if form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Nothing was changed."))
            return _list_redirect(period.school)
        try:
            period = services.closed_period_update(period=period, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": period.name})
            return _list_redirect(period.school)
    return render(request, "schools/closed_period_form.html",
                  {"form": form, "school": period.school, "period": period})


@login_required
@require_http_methods(["GET", "POST"])
def closed_period_delete(request, period_id):
    period = _period_for(request, period_id)
    if request.method == "POST":
        services.closed_period_delete(period=period, actor=request.user)
        messages.success(request, _("%(name)s is removed.") % {"name": period.name})
        return _list_redirect(period.school)
    return render(request, "schools/closed_period_delete.html", {"school": period.school, "period": period})
