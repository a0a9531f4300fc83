from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.models import Membership
from inspira.accounts.permissions import can_act_for_school, confirmed_memberships, require
from inspira.certification import casework_selectors, selectors, services
from inspira.certification.forms import (
    PLAN_MAX_ROWS,
    ContactFormSet,
    ContactsStepForm,
    EndorsementForm,
    ImageUploadForm,
    PlanFormSet,
    PlanStepForm,
    SiteStepForm,
    StartForm,
    TargetsStepForm,
)
from inspira.certification.models import Application, ApplicationImage
from inspira.certification.permissions import (
    can_apply_for_school,
    can_edit_application,
    can_reopen_application,
    can_view_application,
    can_view_casework,
)
from inspira.certification.services import (
    MAX_CONTACTS,
    MAX_IMAGES,
    STEP_CONTACTS,
    STEP_PICTURES,
    STEP_PLAN,
    STEP_REVIEW,
    STEP_SITE,
    STEP_TARGETS,
    ApplicationError,
    ApplicationIncomplete,
    EndorsementLinkInvalid,
)
from inspira.core.pagination import paginate
from inspira.schools.models import School

STEP_TITLES = {
    STEP_SITE: gettext_lazy("About the site"),
    STEP_PLAN: gettext_lazy("The half-day plan"),
    STEP_TARGETS: gettext_lazy("Target groups and commitment"),
    STEP_CONTACTS: gettext_lazy("Contact persons and principal"),
    STEP_PICTURES: gettext_lazy("Pictures"),
    STEP_REVIEW: gettext_lazy("Review and submit"),
}
# Rows offered in the plan when there are none yet: a welcome, a lesson, a talk, a summing up.
PLAN_DEFAULT_ROWS = 4


def _application(pk: int) -> Application:
    try:
        return selectors.application_detail(pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _steps(application: Application, current: int) -> list[dict]:
    return [
        {"number": n, "title": title, "url": reverse("certification:step", args=[application.pk, n]),
         "current": n == current}
        for n, title in STEP_TITLES.items()
    ]


def _step_context(application: Application, step: int, **extra) -> dict:
    _mark_problem_fields(extra.get("form"), extra.get("problems") or [])
    return {
        "application": application,
        "step": step,
        "step_count": len(STEP_TITLES),
        "step_title": STEP_TITLES[step],
        "steps": _steps(application, step),
        "previous_url": reverse("certification:step", args=[application.pk, step - 1]) if step > 1 else None,
        **extra,
    }


def _step_problems(request, application: Application, step: int) -> list:
    """On arriving from the review page's list of problems, repeat the step's problems at the top."""
    if not request.GET.get("check"):
        return []
    problems = services.submission_problems(application, today=timezone.localdate())
    return [p for p in problems if p.step == step]


def _mark_problem_fields(form, problems: list) -> None:
    """Mark the fields that the review page's problems name, as errors of the (unposted) form.

    The review page links to each field; arriving there, the field carries its problem as a
    field error does: the message below it, ``is-invalid`` and ``aria-invalid="true"``.
    """
    if form is None or form.is_bound:
        return  # a posted form shows its own errors
    form.cleaned_data = {}  # add_error() expects it, and an unposted form has none
    for problem in problems:
        if problem.field in form.fields:
            form.add_error(problem.field, problem.message)


def _saved(request, application: Application, step: int):
    """Where to go after a step is saved, by the button that was pressed."""
    messages.success(request, _("Your draft is saved."))
    if "previous" in request.POST and step > 1:
        return redirect("certification:step", application.pk, step - 1)
    if "save" in request.POST:
        return redirect("certification:step", application.pk, step)
    return redirect("certification:step", application.pk, step + 1)


# --- My applications and a new one -----------------------------------------------------------------

@login_required
@require_GET
def application_list(request):
    schools = [m.school for m in confirmed_memberships(request.user)]
    page = paginate(request, selectors.applications_for_person(request.user)).page
    return render(request, "certification/application_list.html", {"page_obj": page, "schools": schools})


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request):
    school_ids = confirmed_memberships(request.user).values("school_id")
    schools = School.objects.filter(pk__in=school_ids).order_by("name")
    if not schools.exists():
        # A pending member (or a person without a school) may not apply; say why and what to do.
        has_pending = Membership.objects.filter(user=request.user, confirmed_at__isnull=True).exists()
        return render(request, "certification/application_start.html",
                      {"form": None, "has_pending": has_pending}, status=403)
    form = StartForm(request.POST or None, schools=schools)
    if form.is_valid():
        school = form.cleaned_data["school"]
        require(can_apply_for_school(request.user, school))
        application = services.application_create(school=school, applicant=request.user,
                                                  team_name=form.cleaned_data["team_name"])
        messages.success(request, _("Your application is started. It is saved as a draft as you go."))
        return redirect("certification:step", application.pk, STEP_SITE)
    return render(request, "certification/application_start.html", {"form": form})


@login_required
@require_GET
def application_detail(request, pk):
    application = _application(pk)
    require(can_view_application(request.user, application))
    endorsement = application.endorsements.order_by("-round").first()
    return render(request, "certification/application_detail.html", {
        "application": application,
        "endorsement": endorsement,
        "trail": selectors.application_trail(application),
        "can_edit": can_edit_application(request.user, application),
        "can_reopen": can_reopen_application(request.user, application),
        "plan_duration": services.format_duration(services.plan_duration(application.plan_items.all())),
        "decisions": casework_selectors.decisions_for(application),
        "can_view_casework": can_view_casework(request.user),
    })


@login_required
@require_POST
def application_reopen(request, pk):
    application = get_object_or_404(Application, pk=pk)
    require(can_view_application(request.user, application) and can_reopen_application(request.user, application))
    try:
        services.application_reopen(application=application, actor=request.user)
    except ApplicationError as e:
        messages.error(request, str(e))
        return redirect("certification:detail", pk)
    messages.success(request, _(
        "The application is taken back from the principal. The link already sent no longer works. Change what "
        "you need and submit it again."
    ))
    return redirect("certification:step", pk, STEP_SITE)


# --- The steps of the form --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def application_step(request, pk, step):
    if step not in STEP_TITLES:
        raise Http404
    application = _application(pk)
    require(can_act_for_school(request.user, application.school_id))
    if not application.is_editable:
        # A step link of an application that has moved on leads to its page, not to a refusal.
        messages.info(request, _("The application cannot be changed now: it is “%(status)s”.") % {
            "status": application.get_status_display()})
        return redirect("certification:detail", pk)
    view = {
        STEP_SITE: _step_site,
        STEP_PLAN: _step_plan,
        STEP_TARGETS: _step_targets,
        STEP_CONTACTS: _step_contacts,
        STEP_PICTURES: _step_pictures,
        STEP_REVIEW: _step_review,
    }[step]
    return view(request, application)


def _fresh(application: Application) -> Application:
    # Model forms write into their instance even when invalid; keep the page's copy clean.
    return Application.objects.get(pk=application.pk)


def _save(request, application, step, **kwargs):
    """Run the step's save; a refusal becomes a message (the page is re-shown by the caller)."""
    try:
        services.application_update(application=application, actor=request.user, step=step, **kwargs)
    except ApplicationError as e:
        messages.error(request, str(e))
        return False
    return True


def _step_site(request, application):
    form = SiteStepForm(request.POST or None, instance=_fresh(application))
    if form.is_valid() and _save(request, application, STEP_SITE, fields=form.cleaned_data):
        return _saved(request, application, STEP_SITE)
    return render(request, "certification/step_site.html", _step_context(
        application, STEP_SITE, form=form, problems=_step_problems(request, application, STEP_SITE),
        latest_start=services.latest_experience_start(timezone.localdate()),
    ))


def _plan_initial(application, rows_wanted: int) -> list[dict]:
    """The saved rows, then empty ones: at least one, and as many as "add a row" asked for."""
    rows = [{"start_time": i.start_time, "end_time": i.end_time, "activity": i.activity}
            for i in application.plan_items.all()]
    count = min(max(len(rows) + 1, PLAN_DEFAULT_ROWS, rows_wanted), PLAN_MAX_ROWS)
    return rows + [{}] * max(0, count - len(rows))


def _step_plan(request, application):
    form = PlanStepForm(request.POST or None, instance=_fresh(application))
    adding = "add_row" in request.POST
    if request.method == "POST":
        data = request.POST.copy()
        if adding:
            try:
                total = int(data.get("plan-TOTAL_FORMS", 0))
            except ValueError:
                total = 0
            data["plan-TOTAL_FORMS"] = str(min(total + 1, PLAN_MAX_ROWS))
        formset = PlanFormSet(data, prefix="plan")
        if form.is_valid() and formset.is_valid() and _save(
            request, application, STEP_PLAN, fields=form.cleaned_data, plan_items=formset.rows()
        ):
            if adding:
                messages.success(request, _("Your draft is saved. A new row is added at the end."))
                url = reverse("certification:step", args=[application.pk, STEP_PLAN])
                return redirect(f"{url}?rows={formset.total_form_count()}#id_plan")
            return _saved(request, application, STEP_PLAN)
    else:
        try:
            rows_wanted = int(request.GET.get("rows", 0))
        except ValueError:
            rows_wanted = 0
        formset = PlanFormSet(initial=_plan_initial(application, rows_wanted), prefix="plan")
    items = list(application.plan_items.all())
    return render(request, "certification/step_plan.html", _step_context(
        application, STEP_PLAN, form=form, formset=formset,
        problems=_step_problems(request, application, STEP_PLAN),
        duration=services.format_duration(services.plan_duration(items)) if items else "",
        can_add_row=formset.total_form_count() < PLAN_MAX_ROWS,
        min_duration=services.format_duration(services.PLAN_MIN_DURATION),
        max_duration=services.format_duration(services.PLAN_MAX_DURATION),
    ))


def _step_targets(request, application):
    form = TargetsStepForm(request.POST or None, instance=_fresh(application))
    if form.is_valid():
        data = dict(form.cleaned_data)
        school_forms = data.pop("school_forms")
        if _save(request, application, STEP_TARGETS, fields=data, school_forms=school_forms):
            return _saved(request, application, STEP_TARGETS)
    return render(request, "certification/step_targets.html", _step_context(
        application, STEP_TARGETS, form=form, problems=_step_problems(request, application, STEP_TARGETS),
    ))


def _step_contacts(request, application):
    principals = selectors.school_principals(application.school_id)
    form = ContactsStepForm(request.POST or None, instance=_fresh(application), principals=principals)
    if request.method == "POST":
        formset = ContactFormSet(request.POST, prefix="contacts")
    else:
        rows = [{"name": c.name, "email": c.email, "phone": c.phone} for c in application.contacts.all()]
        if not rows:
            rows = [{"name": request.user.name, "email": request.user.email, "phone": request.user.phone}]
        formset = ContactFormSet(initial=rows + [{}] * (MAX_CONTACTS - len(rows)), prefix="contacts")
    if form.is_valid() and formset.is_valid() and _save(
        request, application, STEP_CONTACTS, fields=form.cleaned_data, contacts=formset.rows()
    ):
        return _saved(request, application, STEP_CONTACTS)
    return render(request, "certification/step_contacts.html", _step_context(
        application, STEP_CONTACTS, form=form, formset=formset,
        problems=_step_problems(request, application, STEP_CONTACTS),
        no_principal_message=services.no_principal_message() if not principals.exists() else "",
    ))


def _step_pictures(request, application):
    form = ImageUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            services.application_image_add(application=application, actor=request.user, prepared=form.prepared,
                                           alt_text=form.cleaned_data["alt_text"])
        except ApplicationError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The picture is added."))
            return redirect("certification:step", application.pk, STEP_PICTURES)
    return render(request, "certification/step_pictures.html", _step_context(
        application, STEP_PICTURES, form=form, images=application.images.all(), max_images=MAX_IMAGES,
        next_url=reverse("certification:step", args=[application.pk, STEP_REVIEW]),
    ))


@login_required
@require_POST
def application_image_delete(request, pk, image_id):
    application = get_object_or_404(Application, pk=pk)
    require(can_edit_application(request.user, application))
    image = get_object_or_404(ApplicationImage, pk=image_id, application=application)
    try:
        services.application_image_delete(application=application, actor=request.user, image=image)
    except ApplicationError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The picture is removed."))
    return redirect("certification:step", pk, STEP_PICTURES)


def _picture_file(picture: ApplicationImage) -> FileResponse:
    try:
        handle = picture.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    # Pictures may show pupils: keep them out of shared caches and a shared computer's cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def application_picture(request, pk, image_id):
    """A picture of an application, for whoever may read the application (its school's confirmed
    staff and the central administration). The files have no public address; a certified site's
    pictures are public through the catalogue."""
    picture = get_object_or_404(ApplicationImage.objects.select_related("application"), pk=image_id,
                                application_id=pk)
    require(can_view_application(request.user, picture.application))
    return _picture_file(picture)


def _step_review(request, application):
    if request.method == "POST":
        try:
            endorsement = services.application_submit(application=application, actor=request.user)
        except ApplicationIncomplete as e:
            problems = e.problems
            messages.error(request, _("The application is not sent yet. Correct what is listed below."))
        except ApplicationError as e:
            messages.error(request, str(e))
            return redirect("certification:detail", application.pk)
        else:
            messages.success(request, _(
                "The application is sent to %(name)s (%(email)s) for endorsement. It goes on to the "
                "administration once the principal has endorsed it."
            ) % {"name": endorsement.principal_name, "email": endorsement.principal_email})
            return redirect("certification:detail", application.pk)
    else:
        problems = services.submission_problems(application, today=timezone.localdate())
    return render(request, "certification/step_review.html", _step_context(
        application, STEP_REVIEW,
        problems=[{"step": p.step, "step_title": STEP_TITLES[p.step], "message": p.message,
                   "url": reverse("certification:step", args=[application.pk, p.step]) + f"?check=1#id_{p.field}"}
                  for p in problems],
        plan_duration=services.format_duration(services.plan_duration(application.plan_items.all())),
    ))


# --- The principal's endorsement (no account needed) ----------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def endorse(request, token):
    try:
        endorsement = services.endorsement_from_token(token)
    except EndorsementLinkInvalid as e:
        return _endorse_closed(request, e)
    form = EndorsementForm(request.POST or None)
    if form.is_valid():
        try:
            services.endorsement_decide(token=token, decision=form.cleaned_data["decision"],
                                        reason=form.cleaned_data["reason"], signed_in_as=request.user)
        except EndorsementLinkInvalid as e:
            return _endorse_closed(request, e)
        except ApplicationError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Thank you. Your answer is saved and the applicant is told."))
            return redirect("certification:endorse", token=token)
    application = selectors.application_detail(endorsement.application_id)
    return render(request, "certification/endorse.html", {
        "endorsement": endorsement,
        "application": application,
        "form": form,
        "plan_duration": services.format_duration(services.plan_duration(application.plan_items.all())),
        "endorse_token": token,
        "may_answer": services.principal_may_endorse(user=endorsement.principal, school_id=application.school_id),
    })


@require_GET
def endorse_picture(request, token, image_id):
    """A picture of the application, for the principal on the endorsement page: only while the
    link may still be used."""
    try:
        endorsement = services.endorsement_from_token(token)
    except EndorsementLinkInvalid as exc:
        raise Http404 from exc
    return _picture_file(get_object_or_404(ApplicationImage, pk=image_id, application_id=endorsement.application_id))


def _endorse_closed(request, error: EndorsementLinkInvalid):
    status = {
        EndorsementLinkInvalid.USED: 200,
        EndorsementLinkInvalid.EXPIRED: 410,
        EndorsementLinkInvalid.REPLACED: 410,
    }.get(error.reason, 400)
    return render(request, "certification/endorse_closed.html", {
        "reason": error.reason,  # for the tests and logs; the template reads the booleans
        "is_used": error.reason == EndorsementLinkInvalid.USED,
        "is_expired": error.reason == EndorsementLinkInvalid.EXPIRED,
        "is_replaced": error.reason == EndorsementLinkInvalid.REPLACED,
        "endorsement": error.endorsement,
        "valid_days": max(1, services.endorsement_link_max_age() // 86400),
    }, status=status)
