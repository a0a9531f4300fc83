"""The organisers' pages for event series and for an event's registration questions and answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.events import questions as q
from inspira.events import series as s
from inspira.events.models import EventSeries, RegistrationQuestion
from inspira.events.permissions import managed_programme_ids, series_may_manage
from inspira.events.rules import EventInputError
from inspira.events.series_forms import QuestionDeleteForm, QuestionForm, SeriesForm
from inspira.events.views import _event, _show_input_errors
from inspira.programmes.permissions import programme_is_active

# --- Series -----------------------------------------------------------------------------------------------------


def _series(request, pk: int) -> EventSeries:
    """The series, for one of its organisers (the same answers as ``views._event``)."""
    series = EventSeries.objects.select_related("programme").filter(pk=pk).first()
    if series is None or not programme_is_active(series.programme.key, request):
        raise Http404
    require(series_may_manage(user=request.user, series=series))
    return series


@login_required
@require_GET
def series_list(request):
    programme_ids = managed_programme_ids(request.user)
    require(bool(programme_ids))
    page = paginate(request, s.series_managed(programme_ids)).page
    return render(request, "events/series_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request):
    """Two steps on one page: "Show the dates" previews what the rule gives (closed days marked),
    "Create the events" creates them all at once."""
    programme_ids = managed_programme_ids(request.user)
    require(bool(programme_ids))
    form = SeriesForm(request.POST or None, programme_ids=programme_ids)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "create":
            try:
                series = s.series_create(programme=form.cleaned_data["programme"], actor=request.user,
                                         **form.rule(), **form.shared())
            except EventInputError as e:
                _show_input_errors(form, e)
            else:
                count = series.events.count()
                messages.success(request, _("The series is created with %(count)s events.") % {"count": count})
                return redirect("events:series_detail", pk=series.pk)
        else:
            preview = s.series_preview(**{name: form.cleaned_data[name] for name in
                                          ("weekday", "interval_weeks", "first_date", "last_date")})
    return render(request, "events/series_form.html", {
        "form": form, "preview": preview,
        "open_count": sum(1 for d in preview if not d.is_closed) if preview else 0,
    })


@login_required
@require_GET
def series_detail(request, pk):
    series = _series(request, pk)
    page = paginate(request, s.series_events(series)).page
    return render(request, "events/series_detail.html", {
        "series": series, "page_obj": page, "rows": s.with_state(page.object_list, series),
    })


# --- Registration questions -----------------------------------------------------------------------------------

def _question(request, pk: int, question_id: int):
    event = _event(request, pk)
    return event, get_object_or_404(RegistrationQuestion, pk=question_id, event=event)


@login_required
@require_GET
def question_list(request, pk):
    event = _event(request, pk)
    return render(request, "events/questions.html", {
        "event": event, "questions": list(q.event_questions(event)),
        "may_change": q.questions_may_change(event=event),
    })


def _question_form(request, event, question=None):
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data.get(name) for name in q.QUESTION_FIELDS}
        try:
            if question is None:
                q.question_create(event=event, actor=request.user, **fields)
            else:
                q.question_update(question=question, actor=request.user, **fields)
        except EventInputError as e:
            _show_input_errors(form, e)
        except q.QuestionError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The question is saved."))
            return redirect("events:questions", pk=event.pk)
    return render(request, "events/questions_form.html", {
        "form": form, "event": event, "question": question, "may_change": q.questions_may_change(event=event),
    })


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request, pk):
    return _question_form(request, _event(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_id):
    event, question = _question(request, pk, question_id)
    return _question_form(request, event, question)


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, pk, question_id):
    event, question = _question(request, pk, question_id)
    form = QuestionDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            q.question_delete(question=question, actor=request.user)
        except q.QuestionError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The question is removed."))
            return redirect("events:questions", pk=event.pk)
    return render(request, "events/questions_delete.html", {
        "form": form, "event": event, "question": question, "may_change": q.questions_may_change(event=event),
    })


@login_required
@require_GET
def answers(request, pk):
    # Personal data: ``_event`` lets only the event's organisers (event_may_manage) through.
    event = _event(request, pk)
    questions = list(q.event_questions(event))
    page = paginate(request, q.registration_answers(event)).page
    return render(request, "events/questions_answers.html", {
        "event": event, "questions": questions, "page_obj": page, "rows": q.answer_rows(page.object_list, questions),
    })
