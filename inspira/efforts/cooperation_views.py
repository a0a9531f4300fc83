"""The cooperation programmes' pages (seed 004). Every page is in the ``cooperation`` namespace, so
all of them answer 404 while the programme is off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.core.forms import add_errors_at_fields
from inspira.core.pagination import paginate
from inspira.core.spreadsheets import xlsx_response
from inspira.efforts import cooperation_report as report
from inspira.efforts import cooperation_selectors as selectors
from inspira.efforts import cooperation_services as services
from inspira.efforts.documents import DocumentError, document_add, document_may_add, documents_of
from inspira.efforts.forms_cooperation import (
    CooperationForm,
    DocumentForm,
    EffortForm,
    EndForm,
    SeminarForm,
    partner_formset,
)
from inspira.efforts.models import CooperationProgramme, Effort
from inspira.efforts.permissions import (
    may_lead_effort,
    may_manage_cooperation,
    may_read_documentation,
    may_view_cooperation,
    may_view_effort,
)


def _may_see_programmes(user) -> bool:
    """Those who manage the programmes, and process leaders (of at least one)."""
    return may_manage_cooperation(user) or (user.is_authenticated and user.is_active
                                            and user.led_cooperations.exists())


def _show_input_errors(form, error: services.CooperationInputError) -> None:
    add_errors_at_fields(form, error.errors)


def _cooperation(request, pk: int, *, manage: bool = False) -> CooperationProgramme:
    cooperation = get_object_or_404(selectors.cooperation_with_details(pk), pk=pk)
    require(may_manage_cooperation(request.user) if manage else may_view_cooperation(request.user, cooperation))
    return cooperation


def _effort(pk: int) -> Effort:
    return get_object_or_404(Effort.objects.select_related("cooperation", "area", "leader", "programme"),
                             pk=pk, cooperation__isnull=False)


@require_GET
def index(request):
    """What a cooperation programme is: development on several levels, ending in a closing seminar."""
    return render(request, "efforts/cooperation/index.html", {
        "may_manage": may_manage_cooperation(request.user),
        "may_see_programmes": _may_see_programmes(request.user),
    })


# --- Programmes ---------------------------------------------------------------------------------------

@login_required
@require_GET
def programme_list(request):
    require(_may_see_programmes(request.user))
    page = paginate(request, selectors.cooperations_for(request.user)).page
    return render(request, "efforts/cooperation/programme_list.html", {
        "page_obj": page, "may_manage": may_manage_cooperation(request.user)})


def _programme_form(request, *, cooperation: CooperationProgramme | None):
    form = CooperationForm(request.POST or None, instance=cooperation)
    partners = partner_formset(request.POST or None, instance=cooperation)
    if request.method == "POST" and form.is_valid() & partners.is_valid():
        data = form.cleaned_data
        fields = {"title": data["title"], "description": data["description"], "first_year": data["first_year"],
                  "last_year": data["last_year"], "areas": list(data["areas"]),
                  "process_leaders": list(data["process_leaders"]), "partners": partners.partners()}
        try:
            if cooperation is None:
                cooperation = services.cooperation_create(actor=request.user, **fields)
                messages.success(request, _("The programme is set up."))
            else:
                services.cooperation_update(cooperation=cooperation, actor=request.user, **fields)
                messages.success(request, _("The programme is saved."))
        except services.CooperationInputError as e:
            partner_errors = e.errors.pop("partners", [])
            _show_input_errors(form, e)
            for message in partner_errors:
                form.add_error(None, message)
        else:
            return redirect("cooperation:programme_detail", pk=cooperation.pk)
    return render(request, "efforts/cooperation/programme_form.html", {
        "form": form, "partners": partners, "cooperation": cooperation})


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    require(may_manage_cooperation(request.user))
    return _programme_form(request, cooperation=None)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    return _programme_form(request, cooperation=_cooperation(request, pk, manage=True))


@login_required
@require_GET
def programme_detail(request, pk: int):
    """The programme's overview: per unit and per area, its efforts, their state and what they have
    documented; the closing seminar with its attendance per unit."""
    cooperation = _cooperation(request, pk)
    may_manage = may_manage_cooperation(request.user)
    return render(request, "efforts/cooperation/programme_detail.html", {
        "cooperation": cooperation, "overview": selectors.overview(cooperation),
        "attendance": selectors.seminar_attendance(cooperation), "may_manage": may_manage,
        "may_create_seminar": may_manage and services.closing_seminar_may_create(cooperation=cooperation),
    })


@login_required
@require_GET
def programme_lessons(request, pk: int):
    """Every unit's lessons and good examples on one page, for the closing seminar."""
    cooperation = _cooperation(request, pk)
    return render(request, "efforts/cooperation/programme_lessons.html", {
        "cooperation": cooperation, "shares": selectors.lessons_by_unit(cooperation)})


def _report_filename(cooperation, extension: str) -> str:
    return f"programrapport-{slugify(cooperation.title) or cooperation.pk}.{extension}"


@login_required
@require_GET
def programme_report_pdf(request, pk: int):
    cooperation = _cooperation(request, pk)
    pdf = report.report_pdf(report.report_data(cooperation), language=translation.get_language() or "sv")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_report_filename(cooperation, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def programme_report_xlsx(request, pk: int):
    cooperation = _cooperation(request, pk)
    response = xlsx_response(_report_filename(cooperation, "xlsx"),
                             report.report_sheets(report.report_data(cooperation)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def seminar_create(request, pk: int):
    cooperation = _cooperation(request, pk, manage=True)
    if not services.closing_seminar_may_create(cooperation=cooperation):
        messages.info(request, _("The programme already has its closing seminar."))
        return redirect("cooperation:programme_detail", pk=cooperation.pk)
    form = SeminarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.closing_seminar_create(cooperation=cooperation, actor=request.user, **form.cleaned_data)
        except services.CooperationInputError as e:
            _show_input_errors(form, e)
        except services.CooperationError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The closing seminar is made. The staff of the programme's units and its "
                                        "process leaders can register for it."))
            return redirect("cooperation:programme_detail", pk=cooperation.pk)
    return render(request, "efforts/cooperation/seminar_form.html", {"form": form, "cooperation": cooperation})


# --- Efforts ------------------------------------------------------------------------------------------

def _effort_fields(form) -> dict:
    data = form.cleaned_data
    return {"title": data["title"], "level": data["level"], "area": data["area"],
            "schools": list(data["schools"]), "leader": data["leader"], "goals": data["goals"]}


@login_required
@require_http_methods(["GET", "POST"])
def effort_create(request, pk: int):
    cooperation = _cooperation(request, pk, manage=True)
    form = EffortForm(request.POST or None, cooperation=cooperation)
    if request.method == "POST" and form.is_valid():
        try:
            effort = services.cooperation_effort_create(cooperation=cooperation, actor=request.user,
                                                        **_effort_fields(form))
        except services.CooperationInputError as e:
            _show_input_errors(form, e)
        else:
            messages.success(request, _("The effort is added to the programme and runs."))
            return redirect("cooperation:effort_detail", pk=effort.pk)
    return render(request, "efforts/cooperation/effort_form.html", {
        "form": form, "cooperation": cooperation, "effort": None})


@login_required
@require_http_methods(["GET", "POST"])
def effort_edit(request, pk: int):
    effort = _effort(pk)
    require(may_manage_cooperation(request.user))
    if not services.cooperation_effort_may_change(effort=effort):
        messages.info(request, _("The effort has ended and can no longer be changed."))
        return redirect("cooperation:effort_detail", pk=effort.pk)
    form = EffortForm(request.POST or None, cooperation=effort.cooperation, instance=effort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperation_effort_update(effort=effort, actor=request.user, **_effort_fields(form))
        except services.CooperationInputError as e:
            _show_input_errors(form, e)
        except services.CooperationError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The effort is saved."))
            return redirect("cooperation:effort_detail", pk=effort.pk)
    return render(request, "efforts/cooperation/effort_form.html", {
        "form": form, "cooperation": effort.cooperation, "effort": effort})


@login_required
@require_GET
def effort_detail(request, pk: int):
    """The effort's page: its details and its log of what was done, lessons and good examples."""
    effort = _effort(pk)
    require(may_view_effort(request.user, effort))
    may_lead = may_lead_effort(request.user, effort)
    may_read = may_read_documentation(request.user, effort)
    page = paginate(request, documents_of(effort) if may_read else effort.documents.none()).page
    return render(request, "efforts/cooperation/effort_detail.html", {
        "effort": effort, "cooperation": effort.cooperation, "schools": list(effort.schools.order_by("name")),
        "page_obj": page, "may_read": may_read,
        "may_document": may_lead and document_may_add(effort=effort),
        "may_end": may_lead and services.cooperation_effort_may_end(effort=effort),
        "may_edit": may_manage_cooperation(request.user) and services.cooperation_effort_may_change(effort=effort),
        "may_view_programme": may_view_cooperation(request.user, effort.cooperation),
    })


@login_required
@require_http_methods(["GET", "POST"])
def effort_document(request, pk: int):
    """Add to the effort's log, through the one documentation service (``documents.document_add``)."""
    effort = _effort(pk)
    require(may_lead_effort(request.user, effort))
    if not document_may_add(effort=effort):
        messages.info(request, _("The effort has ended; its documentation can no longer change."))
        return redirect("cooperation:effort_detail", pk=effort.pk)
    form = DocumentForm(request.POST or None, request.FILES or None, effort=effort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document_add(effort=effort, actor=request.user, kind=data["kind"], title=data["title"],
                         text=data["text"], school=data.get("school"), happened_on=data["happened_on"],
                         upload=data["file"])
        except DocumentError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e))
        else:
            messages.success(request, _("The entry is added to the effort's log."))
            return redirect("cooperation:effort_detail", pk=effort.pk)
    return render(request, "efforts/cooperation/document_form.html", {"form": form, "effort": effort})


@login_required
@require_http_methods(["GET", "POST"])
def effort_end(request, pk: int):
    effort = _effort(pk)
    require(may_lead_effort(request.user, effort))
    if not services.cooperation_effort_may_end(effort=effort):
        messages.info(request, _("Only a running effort can be ended."))
        return redirect("cooperation:effort_detail", pk=effort.pk)
    # The form has no fields: an empty POST is the confirmation.
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperation_effort_end(effort=effort, actor=request.user, now=timezone.now())
        except services.CooperationError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The effort has ended. Its documentation is shared with its units."))
        return redirect("cooperation:effort_detail", pk=effort.pk)
    return render(request, "efforts/cooperation/effort_end.html", {"form": form, "effort": effort})
