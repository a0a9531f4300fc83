"""The coordinators' survey builder: the list of their programmes' surveys, making and changing a draft,
its questions, a preview, then opening, reminding and closing it. Who is invited is decided by the
page that calls ``survey_invite`` (an event's evaluation invites those who attended)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.programmes.permissions import programme_is_active
from inspira.surveys import selectors, services
from inspira.surveys.forms import AnswerForm, MoveForm, QuestionForm, SurveyForm
from inspira.surveys.models import Question, Survey
from inspira.surveys.permissions import managed_programme_ids, survey_may_manage

# The service's names for its inputs -> the form's.
FORM_FIELDS = {"closes_at": "last_day"}


def _survey(request, survey_id) -> Survey:
    """The survey, for one who manages it. A survey of a programme that is off is not there (404);
    another programme's survey is refused (403)."""
    survey = Survey.objects.select_related("programme").filter(pk=survey_id).first()
    if survey is None or not programme_is_active(survey.programme.key, request):
        raise Http404
    require(survey_may_manage(request.user, survey))
    return survey


def _question(request, survey_id, question_id) -> Question:
    survey = _survey(request, survey_id)
    question = get_object_or_404(survey.questions.prefetch_related("choices"), pk=question_id)
    question.survey = survey
    return question


def _show_error(form, error: services.SurveyError) -> None:
    field = FORM_FIELDS.get(error.field, error.field)
    form.add_error(field if field in form.fields else None, str(error))


def _refuse_unless_draft(request, survey) -> bool:
    if services.survey_may_change(survey=survey):
        return False
    messages.error(request, _("Questions can only be changed while the survey is a draft."))
    return True


@login_required
@require_GET
def manage_list(request):
    programme_ids = managed_programme_ids(request.user)
    require(bool(programme_ids))
    page = paginate(request, selectors.surveys_managed(programme_ids)).page
    return render(request, "surveys/manage_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    programme_ids = managed_programme_ids(request.user)
    require(bool(programme_ids))
    form = SurveyForm(request.POST or None, programme_ids=programme_ids)
    if form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(programme=data["programme"], title=data["title"], intro=data["intro"],
                                            closes_at=services.closes_at_for(data["last_day"]), actor=request.user)
        except services.SurveyError as e:
            _show_error(form, e)
        else:
            messages.success(request, _("The survey is created. Add its questions."))
            return redirect("surveys:detail", survey_id=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form})


@login_required
@require_GET
def survey_detail(request, survey_id):
    survey = _survey(request, survey_id)
    questions = list(survey.questions.prefetch_related("choices"))
    return render(request, "surveys/detail.html", {
        "survey": survey, "questions": questions,
        "may_change": services.survey_may_change(survey=survey),
        "may_open": services.survey_may_change(survey=survey) and bool(questions),
        "may_close": services.survey_may_close(survey=survey),
        "may_remind": services.survey_may_remind(survey=survey),
        "is_closed": survey.state() == Survey.State.CLOSED,
        "counts": selectors.survey_invitation_counts(survey),
        # An event's evaluation leads back to its event (the reverse of Event.evaluation; surveys know
        # no events, so it is read by name).
        "event": getattr(survey, "event", None),
    })


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, survey_id):
    survey = _survey(request, survey_id)
    if _refuse_unless_draft(request, survey):
        return redirect("surveys:detail", survey_id=survey.pk)
    form = SurveyForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.survey_update(survey=survey, actor=request.user, title=data["title"], intro=data["intro"],
                                   closes_at=services.closes_at_for(data["last_day"]))
        except services.SurveyError as e:
            _show_error(form, e)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("surveys:detail", survey_id=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


@login_required
@require_GET
def survey_preview(request, survey_id):
    survey = _survey(request, survey_id)
    return render(request, "surveys/preview.html", {"survey": survey, "form": AnswerForm(survey=survey),
                                                    "min_group": selectors.min_group()})


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request, survey_id):
    survey = _survey(request, survey_id)
    if _refuse_unless_draft(request, survey):
        return redirect("surveys:detail", survey_id=survey.pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(survey=survey, actor=request.user, **form.service_fields())
        except services.SurveyError as e:
            _show_error(form, e)
        else:
            messages.success(request, _("The question is added."))
            return redirect("surveys:detail", survey_id=survey.pk)
    return render(request, "surveys/question_form.html", {"form": form, "survey": survey})


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, survey_id, question_id):
    question = _question(request, survey_id, question_id)
    survey = question.survey
    if _refuse_unless_draft(request, survey):
        return redirect("surveys:detail", survey_id=survey.pk)
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, actor=request.user, **form.service_fields())
        except services.SurveyError as e:
            _show_error(form, e)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("surveys:detail", survey_id=survey.pk)
    return render(request, "surveys/question_form.html", {"form": form, "survey": survey, "question": question})


@login_required
@require_http_methods(["GET", "POST"])
def question_remove(request, survey_id, question_id):
    question = _question(request, survey_id, question_id)
    survey = question.survey
    if _refuse_unless_draft(request, survey):
        return redirect("surveys:detail", survey_id=survey.pk)
    if request.method == "POST":
        services.question_remove(question=question, actor=request.user)
        messages.success(request, _("The question is removed."))
        return redirect("surveys:detail", survey_id=survey.pk)
    return render(request, "surveys/question_remove.html", {"survey": survey, "question": question})


@login_required
@require_POST
def question_move(request, survey_id, question_id):
    question = _question(request, survey_id, question_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed."))
    else:
        try:
            services.question_move(question=question, actor=request.user, up=form.cleaned_data["direction"] == "up")
        except services.SurveyError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The question is moved."))
    # Back to the moved question, so that a keyboard user can go on moving it.
    return redirect(reverse("surveys:detail", kwargs={"survey_id": question.survey_id}) + f"#question-{question.pk}")


def _action(request, survey_id, action) -> HttpResponseRedirect:
    """Run ``action(survey)``, which returns the confirmation; a refusal is shown as the error."""
    survey = _survey(request, survey_id)
    try:
        done = action(survey)
    except services.SurveyError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, done)
    return redirect("surveys:detail", survey_id=survey.pk)


@login_required
@require_POST
def survey_open(request, survey_id):
    def open_(survey):
        services.survey_open(survey=survey, actor=request.user)
        return _("The survey is open. Invite the people who should answer it.")

    return _action(request, survey_id, open_)


@login_required
@require_POST
def survey_close(request, survey_id):
    def close(survey):
        services.survey_close(survey=survey, actor=request.user)
        return _("The survey is closed. The results are ready.")

    return _action(request, survey_id, close)


@login_required
@require_POST
def survey_remind(request, survey_id):
    def remind(survey):
        sent = services.survey_remind(survey=survey, actor=request.user)
        if not sent:
            return _("Everyone invited has answered or has already been reminded today.")
        return ngettext("A reminder is sent to %(n)s person.", "Reminders are sent to %(n)s people.",
                        sent) % {"n": sent}

    return _action(request, survey_id, remind)
