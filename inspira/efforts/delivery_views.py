"""The delivery's pages (seed 001, steps 6-7): the sessions, the documentation and its download,
ending the effort, and the evaluation at the last session with its summary for the principal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.forms import add_errors_at_fields
from inspira.core.pagination import paginate
from inspira.core.uploads import EXTENSIONS
from inspira.efforts import documents, ending, evaluation, sessions
from inspira.efforts.forms_delivery import (
    WHOLE_STAFF,
    DocumentForm,
    EvaluationShareForm,
    SessionCancelForm,
    SessionForm,
)
from inspira.efforts.models import Document, Effort, Session
from inspira.efforts.permissions import (
    may_lead_effort,
    may_read_documentation,
    may_read_evaluation_summary,
    may_view_effort,
)
from inspira.events.rules import EVENT_FIELD_NAMES, EventInputError
from inspira.events.services import EventError
from inspira.surveys.selectors import min_group, survey_results
from inspira.surveys.services import SurveyError


def _effort(pk: int) -> Effort:
    return get_object_or_404(Effort.objects.select_related("programme"), pk=pk, cooperation__isnull=True)


def _led(request, pk: int) -> Effort:
    effort = _effort(pk)
    require(may_lead_effort(request.user, effort))
    return effort


def _session(effort: Effort, session_id: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("event"), pk=session_id, effort=effort)
    session.effort = effort
    return session


def _back(effort: Effort):
    return redirect("efforts:effort_detail", pk=effort.pk)


def _show_input_errors(form, error: EventInputError) -> None:
    add_errors_at_fields(form, error.errors, renames=EVENT_FIELD_NAMES)


# --- Sessions --------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def session_add(request, pk: int):
    effort = _led(request, pk)
    if not sessions.session_may_add(effort=effort):
        messages.error(request, _("Sessions are planned once the principal has accepted a proposal and the effort "
                                  "is running."))
        return _back(effort)
    form = SessionForm(request.POST or None, staff_count=effort.staff_count)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.session_add(effort=effort, actor=request.user, **form.service_fields())
        except EventInputError as e:
            _show_input_errors(form, e)
        except sessions.SessionError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The session is planned, and the principal is told so the staff can "
                                        "register."))
            return _back(effort)
    return render(request, "efforts/session_form.html", {"effort": effort, "form": form, "advice": WHOLE_STAFF})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int, session_id: int):
    effort = _led(request, pk)
    session = _session(effort, session_id)
    if not sessions.session_may_change(session=session):
        messages.error(request, _("Only a planned session of a running effort can be changed."))
        return _back(effort)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_of(session.event),
                       staff_count=effort.staff_count)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.session_update(session=session, actor=request.user, **form.service_fields())
        except EventInputError as e:
            _show_input_errors(form, e)
        except (sessions.SessionError, EventError) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The session is saved. Those registered are told of any new time or place."))
            return _back(effort)
    return render(request, "efforts/session_form.html", {"effort": effort, "form": form, "session": session,
                                                         "advice": WHOLE_STAFF})


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk: int, session_id: int):
    effort = _led(request, pk)
    session = _session(effort, session_id)
    if not sessions.session_may_change(session=session):
        messages.error(request, _("Only a planned session of a running effort can be cancelled."))
        return _back(effort)
    form = SessionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.session_cancel(session=session, actor=request.user, reason=form.cleaned_data["reason"])
        except EventInputError as e:
            _show_input_errors(form, e)
        except (sessions.SessionError, EventError) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The session is cancelled, and those registered are told."))
            return _back(effort)
    return render(request, "efforts/session_cancel.html", {"effort": effort, "form": form, "session": session})


# --- Documentation ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def document_list(request, pk: int):
    effort = _effort(pk)
    require(may_read_documentation(request.user, effort))
    page = paginate(request, documents.documents_of(effort)).page
    return render(request, "efforts/documents.html", {
        "effort": effort, "page_obj": page,
        "may_add": may_lead_effort(request.user, effort) and documents.document_may_add(effort=effort),
        "may_view_effort": may_view_effort(request.user, effort)})


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, pk: int):
    effort = _led(request, pk)
    if not documents.document_may_add(effort=effort):
        messages.error(request, _("The effort has ended; its documentation can no longer change."))
        return redirect("efforts:documents", pk=effort.pk)
    form = DocumentForm(request.POST or None, request.FILES or None, effort=effort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            documents.document_add(effort=effort, actor=request.user, kind=data["kind"], title=data["title"],
                                   text=data["text"], school=data["school"], happened_on=data["happened_on"],
                                   upload=data["file"])
        except documents.DocumentError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e))
        else:
            messages.success(request, _("The documentation is saved."))
            return redirect("efforts:documents", pk=effort.pk)
    return render(request, "efforts/document_form.html", {"effort": effort, "form": form})


@login_required
@require_GET
def document_download(request, pk: int, document_id: int):
    """The one way to a document's file (private storage): for those who may read the documentation."""
    effort = _effort(pk)
    require(may_read_documentation(request.user, effort))
    document = get_object_or_404(Document, pk=document_id, effort=effort)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    filename = f"{slugify(document.title) or 'dokumentation'}{EXTENSIONS.get(document.content_type, '')}"
    response = FileResponse(handle, as_attachment=True, content_type=document.content_type or None,
                            filename=filename)
    # Like every private file: not kept by shared caches, nor on a shared computer in a school.
    response["Cache-Control"] = "private, no-store"
    return response


# --- Ending ----------------------------------------------------------------------------------------------------

@login_required
@require_POST
def effort_end(request, pk: int):
    effort = _led(request, pk)
    try:
        ending.effort_end(effort=effort, actor=request.user)
    except ending.EndingError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The effort is ended, and its documentation is shared with the unit."))
    return _back(effort)


# --- Evaluation ------------------------------------------------------------------------------------------------

@login_required
@require_POST
def evaluation_create(request, pk: int):
    effort = _led(request, pk)
    try:
        survey = evaluation.effort_evaluation_create(effort=effort, actor=request.user)
    except evaluation.EvaluationError as e:
        messages.error(request, str(e))
        return _back(effort)
    messages.success(request, _("The evaluation is created as a draft. Change its questions if you like, then "
                                "open it."))
    return redirect("surveys:detail", survey_id=survey.pk)


@login_required
@require_POST
def evaluation_invite(request, pk: int):
    effort = _led(request, pk)
    try:
        invited = evaluation.effort_evaluation_invite(effort=effort, actor=request.user)
    except evaluation.EvaluationError as e:
        messages.error(request, str(e))
    else:
        if invited:
            messages.success(request, ngettext(
                "%(n)s person who attended is invited to the evaluation.",
                "%(n)s people who attended are invited to the evaluation.", invited) % {"n": invited})
        else:
            messages.success(request, _("Everyone who attended is already invited."))
    return _back(effort)


def _results(survey):
    """The survey's results as the survey engine gives them, or why there are none yet."""
    if survey is None:
        return None, _("The effort has no evaluation yet.")
    try:
        return survey_results(survey=survey), ""
    except SurveyError as e:
        return None, str(e)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_share(request, pk: int):
    effort = _led(request, pk)
    if not evaluation.effort_evaluation_may_share(effort=effort):
        messages.error(request, _("The summary can be shared once the evaluation has closed, and only once."))
        return _back(effort)
    form = EvaluationShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation.effort_evaluation_share(effort=effort, actor=request.user, summary=form.cleaned_data["summary"])
        except evaluation.EvaluationError as e:
            form.add_error("summary", str(e))
        else:
            messages.success(request, _("The summary is shared with the principal."))
            return redirect("efforts:evaluation_summary", pk=effort.pk)
    results, refusal = _results(evaluation.effort_survey(effort))
    return render(request, "efforts/evaluation_share.html", {
        "effort": effort, "form": form, "results": results, "refusal": refusal, "min_group": min_group()})


@login_required
@require_GET
def evaluation_summary(request, pk: int):
    """The summary of the evaluation: the centre's description and the survey's results (nothing before
    it closes, only the number of answers under five)."""
    effort = _effort(pk)
    require(may_read_evaluation_summary(request.user, effort))
    results, refusal = _results(evaluation.effort_survey(effort))
    return render(request, "efforts/evaluation_summary.html", {
        "effort": effort, "results": results, "refusal": refusal, "min_group": min_group(),
        "is_shared": effort.evaluation_shared_at is not None})
