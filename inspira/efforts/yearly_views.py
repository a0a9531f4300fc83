"""The yearly survey's pages for the development centre: the list with the plan form, a year's page,
the results over the years and their export. Results are shown only as the survey engine lets them
(nothing under five answers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.core.spreadsheets import Sheet, xlsx_response
from inspira.efforts import yearly
from inspira.efforts.forms_yearly import YearlySurveyForm
from inspira.efforts.models import YearlySurvey
from inspira.efforts.permissions import may_coordinate


def _plan_form(data=None, *, fixed_year=None, initial=None):
    return YearlySurveyForm(data, fixed_year=fixed_year, initial=initial)


def _new_initial(now) -> dict:
    today = timezone.localdate(now)
    # After the twentieth of December this year's survey is as good as over: propose next year's.
    year = today.year + 1 if (today.month, today.day) > (12, 20) else today.year
    send_on, closes_on = yearly.default_days(year)
    return {"year": year, "send_on": max(send_on, today), "closes_on": closes_on}


def _save(request, form, *, year=None):
    """Run the service on a valid form; the error goes next to its field. The saved survey or None."""
    data = form.cleaned_data
    try:
        saved = yearly.yearly_survey_plan(year=year or data["year"], send_on=data["send_on"],
                                          closes_on=data["closes_on"], actor=request.user)
    except yearly.YearlyError as e:
        form.add_error(e.field if e.field in form.fields else None, str(e))
        return None
    return saved


@login_required
@require_GET
def yearly_list(request):
    require(may_coordinate(request.user))
    page = paginate(request, yearly.yearly_surveys_listed()).page
    return render(request, "efforts/yearly/list.html", {
        "page_obj": page, "form": _plan_form(initial=_new_initial(timezone.now())),
    })


@login_required
@require_http_methods(["GET", "POST"])
def yearly_plan(request):
    require(may_coordinate(request.user))
    form = _plan_form(request.POST or None, initial=_new_initial(timezone.now()))
    if request.method == "POST" and form.is_valid():
        exists = YearlySurvey.objects.filter(year=form.cleaned_data["year"]).exists()
        if exists:
            form.add_error("year", _("That year's survey is already planned: change it on its page."))
        elif (saved := _save(request, form)) is not None:
            messages.success(request, _("The yearly survey of %(year)s is planned.") % {"year": saved.year})
            return redirect("efforts:yearly_detail", year=saved.year)
    return render(request, "efforts/yearly/form.html", {"form": form, "yearly": None})


@login_required
@require_http_methods(["GET", "POST"])
def yearly_edit(request, year: int):
    require(may_coordinate(request.user))
    planned = get_object_or_404(YearlySurvey, year=year)
    if not yearly.yearly_survey_may_change(yearly=planned):
        messages.error(request, _("The survey has been sent; its days can no longer be changed."))
        return redirect("efforts:yearly_detail", year=year)
    form = _plan_form(request.POST or None, fixed_year=year,
                      initial={"send_on": planned.send_on, "closes_on": planned.closes_on})
    if request.method == "POST" and form.is_valid() and _save(request, form, year=year) is not None:
        messages.success(request, _("The days of the yearly survey are changed."))
        return redirect("efforts:yearly_detail", year=year)
    return render(request, "efforts/yearly/form.html", {"form": form, "yearly": planned})


@login_required
@require_GET
def yearly_detail(request, year: int):
    require(may_coordinate(request.user))
    planned = get_object_or_404(YearlySurvey.objects.select_related("created_by"), year=year)
    now = timezone.now()
    return render(request, "efforts/yearly/detail.html", {
        "yearly": planned, "areas": yearly.year_results(yearly=planned, now=now),
        "is_sent": planned.sent_at is not None,
        "may_change": yearly.yearly_survey_may_change(yearly=planned),
        "closes_at": yearly.yearly_closes_at(planned.closes_on),
        "ratings": [label for _position, label in yearly.RATINGS],
    })


@login_required
@require_GET
def yearly_results(request):
    require(may_coordinate(request.user))
    page = paginate(request, yearly.sent_yearly_surveys(), per_page=10).page
    areas, rows = yearly.results_over_years(yearlies=page.object_list)
    return render(request, "efforts/yearly/results.html", {
        "page_obj": page, "areas": areas,
        "rows": [{"year": row.yearly.year, "cells": [yearly.summary_values(c) for c in row.cells]} for row in rows],
        "ratings": [label for _position, label in yearly.RATINGS],
    })


@login_required
@require_GET
def yearly_export(request):
    require(may_coordinate(request.user))
    sheet = Sheet(title=_("Yearly survey"), header=yearly.export_header(), rows=yearly.export_rows())
    return xlsx_response("arlig-enkat.xlsx", [sheet])
