"""The invitee's answer page (through the emailed link, logged in or not) and the coordinators'
results pages. Every result shown or exported comes from ``selectors.survey_results``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.core.spreadsheets import Sheet, csv_response, xlsx_response
from inspira.programmes.permissions import programme_is_active
from inspira.surveys import selectors, services
from inspira.surveys.forms import AnswerForm, ResultsFilterForm, ReviewForm
from inspira.surveys.models import Survey
from inspira.surveys.permissions import results_may_view


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.SurveyError as e:
        return render(request, "surveys/answer_refused.html", {"message": str(e)}, status=404)
    survey = invitation.survey
    if not programme_is_active(survey.programme.key, request):
        raise Http404
    if invitation.answered:
        return render(request, "surveys/answer_refused.html", {
            "survey": survey, "message": _("You have already answered this survey. Thank you!")})
    if survey.state() != Survey.State.OPEN:
        return render(request, "surveys/answer_refused.html", {
            "survey": survey, "message": _("The survey is closed and takes no more answers.")
            if survey.state() == Survey.State.CLOSED else _("The survey is not open yet.")})
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(token=token, answers=form.answers())
        except services.SurveyError as e:
            form.add_error(None, str(e))
        else:
            return redirect("surveys:answered")
    return render(request, "surveys/answer.html", {"survey": survey, "form": form,
                                                   "min_group": selectors.min_group()})


@require_GET
def answered(request):
    return render(request, "surveys/answered.html")


def _survey_for(request, survey_id) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("programme"), pk=survey_id)
    if not programme_is_active(survey.programme.key, request):
        raise Http404
    require(results_may_view(request.user, survey))
    return survey


@login_required
@require_GET
def results(request, survey_id):
    survey = _survey_for(request, survey_id)
    form = ResultsFilterForm(request.GET or None, survey=survey)
    try:
        data = selectors.survey_results(survey=survey, filters=form.filters())
    except services.SurveyError as e:
        data, refusal = None, str(e)
    else:
        refusal = ""
    return render(request, "surveys/results.html", {
        "survey": survey, "form": form, "results": data, "refusal": refusal,
        "min_group": selectors.min_group(), "query": request.GET.urlencode(),
        "pending": selectors.pending_free_texts(survey).count() if data and not data.filtered
        and not data.suppressed else 0,
    })


@login_required
@require_GET
def results_export(request, survey_id, fmt):
    survey = _survey_for(request, survey_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = ResultsFilterForm(request.GET or None, survey=survey)
    try:
        data = selectors.survey_results(survey=survey, filters=form.filters())
    except services.SurveyError as e:
        messages.error(request, str(e))
        return redirect("surveys:results", survey_id=survey.pk)
    header = [_("Question"), _("Answer"), _("Count")]
    rows = selectors.results_rows(data)
    filename = f"enkat-{survey.pk}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, [Sheet(title=_("Results"), header=header, rows=rows)])


@login_required
@require_http_methods(["GET", "POST"])
def review(request, survey_id):
    survey = _survey_for(request, survey_id)
    try:
        data = selectors.survey_results(survey=survey)
    except services.SurveyError as e:
        messages.error(request, str(e))
        return redirect("surveys:results", survey_id=survey.pk)
    if data.suppressed:
        # Reading the free texts of fewer than five people would be reading theirs, one by one.
        messages.error(request, _("Free texts are reviewed only when enough people have answered."))
        return redirect("surveys:results", survey_id=survey.pk)
    if request.method == "POST":
        form = ReviewForm(request.POST, survey=survey)
        if form.is_valid():
            services.free_text_review(answer=form.cleaned_data["answer"],
                                      approved=form.cleaned_data["decision"] == "approve", actor=request.user)
            messages.success(request, _("The answer is reviewed."))
        else:
            messages.error(request, _("Nothing was changed."))
        return redirect("surveys:review", survey_id=survey.pk)
    return render(request, "surveys/review.html", {
        "survey": survey, "answers": selectors.pending_free_texts(survey)})
