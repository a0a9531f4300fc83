"""The administration's casework (handläggning) and the director's decisions (beslut).

Administrators work on applications; the director reads the casework and decides. School staff
see the decisions on their application's page and download the letter (``decision_letter``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.models import User
from inspira.accounts.permissions import require, role_required
from inspira.certification import casework_selectors as selectors
from inspira.certification import casework_services as services
from inspira.certification.casework_forms import (
    AttachmentForm,
    BasisForm,
    ContactLogForm,
    CorrectionForm,
    DecisionForm,
    QueueFilterForm,
    ReturnForm,
)
from inspira.certification.models import (
    ATTACHMENT_EXTENSIONS,
    Application,
    BasisAttachment,
    BasisDocument,
    Decision,
    DecisionLetter,
)
from inspira.certification.permissions import can_decide, can_view_casework, can_view_decision, can_work_on_case
from inspira.certification.selectors import application_trail
from inspira.certification.services import format_duration, plan_duration
from inspira.core.pagination import paginate

RECENT_DECISIONS = 10
S = Application.Status

casework_required = role_required(User.Role.ADMINISTRATOR, User.Role.DIRECTOR)
administrator_required = role_required(User.Role.ADMINISTRATOR)
director_required = role_required(User.Role.DIRECTOR)


def _case(pk: int) -> Application:
    try:
        return selectors.case_detail(pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _to_case(application: Application, anchor: str = ""):
    url = reverse("certification:case", args=[application.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- The queue and the case page ----------------------------------------------------------------------------

@casework_required
@require_GET
def queue(request):
    require(can_view_casework(request.user))
    search = QueueFilterForm(request.GET)
    applications = selectors.administration_queue(**search.filters())
    page = paginate(request, applications).page
    return render(request, "certification/casework/queue.html", {
        "page_obj": page,
        "search": search,
        "is_filtered": search.is_filtered(),
        "can_work": can_work_on_case(request.user),
    })


def _case_page(request, application: Application, *, contact_form=None, attachment_form=None, status=200):
    can_work = can_work_on_case(request.user)
    basis = selectors.basis_of(application)
    editable = can_work and application.status == S.IN_PREPARATION
    send_problems = []
    if editable:
        send_problems = services.basis_problems(
            summary=basis.summary if basis else "", recommendation=basis.recommendation if basis else "",
            proposed_start_date=basis.proposed_start_date if basis else None,
        )
    return render(request, "certification/casework/case.html", {
        "application": application,
        "plan_duration": format_duration(plan_duration(application.plan_items.all())),
        "trail": application_trail(application),
        "endorsement": selectors.endorsement_given(application),
        "contact_log": selectors.contact_log(application),
        "basis": basis,
        "attachments": selectors.attachments(application) if basis else [],
        "decisions": selectors.decisions_for(application),
        "can_work": can_work,
        "can_start": can_work and application.status == S.SUBMITTED,
        "can_edit_basis": editable,
        "send_problems": send_problems,
        "contact_form": contact_form or (ContactLogForm() if can_work else None),
        "attachment_form": attachment_form or (AttachmentForm() if editable else None),
        "can_decide": can_decide(request.user) and application.status == S.SENT_TO_DIRECTOR,
        "can_correct": can_decide(request.user) and application.status in (S.APPROVED, S.REJECTED),
    }, status=status)


@casework_required
@require_GET
def case(request, pk):
    require(can_view_casework(request.user))
    return _case_page(request, _case(pk))


@administrator_required
@require_POST
def case_start(request, pk):
    require(can_work_on_case(request.user))
    application = _case(pk)
    try:
        services.casework_start(application=application, actor=request.user)
    except services.CaseworkError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _(
            "The preparation has started. The applicant is told that you will be in contact."
        ))
    return _to_case(application)


@administrator_required
@require_POST
def contact_add(request, pk):
    require(can_work_on_case(request.user))
    application = _case(pk)
    form = ContactLogForm(request.POST)
    if form.is_valid():
        try:
            services.contact_log_add(application=application, actor=request.user, **form.cleaned_data)
        except services.CaseworkError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The contact is added to the log."))
            return _to_case(application, "contact-log")
    return _case_page(request, application, contact_form=form)


@administrator_required
@require_http_methods(["GET", "POST"])
def basis_edit(request, pk):
    require(can_work_on_case(request.user))
    application = _case(pk)
    if application.status != S.IN_PREPARATION:
        messages.info(request, _("The basis can be changed only while it is being prepared; the application is "
                                 "“%(status)s”.") % {"status": application.get_status_display()})
        return _to_case(application)
    # A fresh copy: a bound model form writes into its instance even when it is invalid.
    basis = BasisDocument.objects.filter(application=application).first() or BasisDocument(application=application)
    sending = "send" in request.POST
    form = BasisForm(request.POST or None, instance=basis, sending=sending)
    if form.is_valid():
        try:
            with transaction.atomic():  # saved and sent together, or neither
                services.basis_update(application=application, actor=request.user, fields=form.cleaned_data)
                if sending:
                    services.basis_send_to_director(application=application, actor=request.user)
        except services.BasisIncomplete as e:
            for problem in e.problems:
                form.add_error(problem.field, problem.message)
        except services.CaseworkError as e:
            form.add_error(None, str(e))
        else:
            if sending:
                messages.success(request, _("The basis is sent to the director for decision."))
            else:
                messages.success(request, _("The basis is saved."))
            return _to_case(application, "basis")
    return render(request, "certification/casework/basis_form.html", {
        "application": application, "form": form, "sending": sending,
    })


@administrator_required
@require_POST
def send_to_director(request, pk):
    require(can_work_on_case(request.user))
    application = _case(pk)
    try:
        services.basis_send_to_director(application=application, actor=request.user)
    except services.BasisIncomplete as e:
        messages.error(request, " ".join([str(e), *[p.message for p in e.problems]]))
        return redirect("certification:basis_edit", application.pk)
    except services.CaseworkError as e:
        messages.error(request, str(e))
        return _to_case(application)
    messages.success(request, _("The basis is sent to the director for decision."))
    return _to_case(application)


# --- Attachments ----------------------------------------------------------------------------------------------

@administrator_required
@require_POST
def attachment_add(request, pk):
    require(can_work_on_case(request.user))
    application = _case(pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(application=application, actor=request.user, title=form.cleaned_data["title"],
                                    upload=form.cleaned_data["file"])
        except services.CaseworkError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The file is attached to the basis."))
            return _to_case(application, "attachments")
    return _case_page(request, application, attachment_form=form)


def _attachment(pk: int, attachment_id: int) -> BasisAttachment:
    return get_object_or_404(BasisAttachment.objects.select_related("basis"), pk=attachment_id,
                             basis__application_id=pk)


@casework_required
@require_GET
def attachment_download(request, pk, attachment_id):
    """The only way to an attachment: the files have no public address."""
    require(can_view_casework(request.user))
    attachment = _attachment(pk, attachment_id)
    extension = ATTACHMENT_EXTENSIONS.get(attachment.content_type, "")
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, content_type=attachment.content_type or None,
                        filename=f"{slugify(attachment.title) or 'bilaga'}{extension}")


@administrator_required
@require_POST
def attachment_delete(request, pk, attachment_id):
    require(can_work_on_case(request.user))
    application = _case(pk)
    attachment = _attachment(pk, attachment_id)
    try:
        services.attachment_delete(application=application, actor=request.user, attachment=attachment)
    except services.CaseworkError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The attachment is removed."))
    return _to_case(application, "attachments")


# --- The director ---------------------------------------------------------------------------------------------

@director_required
@require_GET
def decisions(request):
    require(can_decide(request.user))
    page = paginate(request, selectors.awaiting_decision()).page
    recent = (Decision.objects.select_related("application__school", "corrects")
              .order_by("-decided_at", "-pk")[:RECENT_DECISIONS])
    return render(request, "certification/casework/decisions.html", {"page_obj": page, "recent": recent})


def _decision_page_context(application: Application, **extra) -> dict:
    basis = selectors.basis_of(application)
    return {
        "application": application,
        "endorsement": selectors.endorsement_given(application),
        "basis": basis,
        "attachments": selectors.attachments(application) if basis else [],
        "decisions": selectors.decisions_for(application),
        "plan_duration": format_duration(plan_duration(application.plan_items.all())),
        **extra,
    }


@director_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    require(can_decide(request.user))
    application = _case(pk)
    if application.status != S.SENT_TO_DIRECTOR:
        messages.info(request, _("The application is not waiting for a decision; it is “%(status)s”.")
                      % {"status": application.get_status_display()})
        return _to_case(application)
    basis = selectors.basis_of(application)
    today = timezone.localdate()
    proposed = basis.proposed_start_date if basis else None
    initial = {"start_date": max(proposed, today) if proposed else None}
    if basis and basis.recommendation:
        initial["outcome"] = basis.recommendation
    form = DecisionForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            decision = services.decision_make(application=application, actor=request.user, **form.cleaned_data)
        except services.CaseworkError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _(
                "The decision %(reference)s is made. The decision letter is sent to the applicant and the principal."
            ) % {"reference": decision.reference})
            return redirect("certification:decisions")
    return render(request, "certification/casework/decide.html", _decision_page_context(application, form=form))


@director_required
@require_http_methods(["GET", "POST"])
def send_back(request, pk):
    require(can_decide(request.user))
    application = _case(pk)
    if application.status != S.SENT_TO_DIRECTOR:
        messages.info(request, _("The application is not waiting for a decision; it is “%(status)s”.")
                      % {"status": application.get_status_display()})
        return _to_case(application)
    form = ReturnForm(request.POST or None)
    if form.is_valid():
        try:
            services.basis_return(application=application, actor=request.user, note=form.cleaned_data["note"])
        except services.CaseworkError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The basis is sent back to the administration with your note."))
            return redirect("certification:decisions")
    return render(request, "certification/casework/send_back.html", {"application": application, "form": form})


@director_required
@require_http_methods(["GET", "POST"])
def correct(request, pk):
    require(can_decide(request.user))
    application = _case(pk)
    if application.status not in (S.APPROVED, S.REJECTED):
        messages.info(request, _("Only a decided application can get a correcting decision."))
        return _to_case(application)
    in_force = selectors.latest_decision(application)
    initial = {"outcome": Decision.Outcome.REJECT if in_force and in_force.outcome == Decision.Outcome.APPROVE
               else Decision.Outcome.APPROVE, "start_date": timezone.localdate()}
    form = CorrectionForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            decision = services.decision_correct(application=application, actor=request.user, **form.cleaned_data)
        except services.CaseworkError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _(
                "The correcting decision %(reference)s is made. The decision letter is sent to the applicant and "
                "the principal."
            ) % {"reference": decision.reference})
            return _to_case(application, "decisions")
    return render(request, "certification/casework/correct.html",
                  _decision_page_context(application, form=form, in_force=in_force))


# --- The decision letter (the school, and the central administration) ------------------------------------------

@login_required
@require_GET
def decision_letter(request, pk, decision_id):
    application = get_object_or_404(Application, pk=pk)
    require(can_view_decision(request.user, application))
    letter = get_object_or_404(DecisionLetter.objects.select_related("decision"), decision_id=decision_id,
                               decision__application=application)
    try:
        handle = letter.pdf.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, content_type="application/pdf",
                        filename=f"{letter.decision.reference}.pdf")
