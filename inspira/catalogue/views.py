from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import central_required, require
from inspira.catalogue import hooks, media, selectors, services
from inspira.catalogue.forms import DeliveryFilterForm, DocumentationForm, SiteSearchForm
from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.catalogue.permissions import can_edit_documentation, can_manage_site, can_reapply
from inspira.certification.forms import ImageUploadForm
from inspira.certification.models import ApplicationImage, Certification
from inspira.certification.services import STEP_SITE, format_duration, plan_duration
from inspira.core import pagecache, uploads
from inspira.core.pagination import paginate
from inspira.core.storage import private_storage

# Public pictures may be kept by browsers a while; a site that leaves the catalogue stops
# serving them at once, only copies already fetched live on until they expire.
PICTURE_MAX_AGE = 3600
PICTURE_SIZES = ("thumb", "full")


def _site(pk: int) -> Certification:
    """A site of today's catalogue, or 404: a certification that has ended (or not yet started)
    is not public, though nothing about it is deleted."""
    try:
        return selectors.site_detail(pk)
    except Certification.DoesNotExist as exc:
        raise Http404 from exc


def _managed(request, pk: int) -> Certification:
    try:
        certification = selectors.certification_for_management(pk)
    except Certification.DoesNotExist as exc:
        raise Http404 from exc
    require(can_manage_site(request.user, certification))
    return certification


# --- The public catalogue ---------------------------------------------------------------------------------

@require_GET
@pagecache.public_page("catalogue")
def site_list(request):
    search = SiteSearchForm(request.GET, subjects=selectors.subject_choices())
    filters = search.filters()
    page = paginate(request, selectors.site_search(**filters)).page
    return render(request, "catalogue/site_list.html", {
        "page_obj": page,
        "search": search,
        "is_filtered": any(filters.values()),
    })


@require_GET
@pagecache.public_page("catalogue")
def site_detail(request, pk):
    certification = _site(pk)
    application = certification.application
    documentation = selectors.documentation_of(certification)
    return render(request, "catalogue/site_detail.html", {
        "certification": certification,
        "application": application,
        "documentation": documentation if documentation and documentation.is_published else None,
        "plan_duration": format_duration(plan_duration(application.plan_items.all())),
        "can_manage": can_manage_site(request.user, certification),
        # Sections that other apps add (e.g. the occasions to book); see hooks.py.
        "panels": [panel for panel in (make(request, certification) for make in hooks.site_page_panels) if panel],
    })


@require_GET
def site_leaflet(request, pk):
    certification = _site(pk)
    language = translation.get_language() or "sv"
    name = services.leaflet_ensure(certification, language=language)
    filename = f"inspirationsplats-{slugify(certification.application.area_title) or certification.pk}.pdf"
    # Inline: the browser shows it, and the visitor prints or saves it from there.
    return FileResponse(private_storage().open(name, "rb"), content_type="application/pdf", filename=filename)


def _picture_response(field_file, size: str):
    """The picture itself ("full") or its thumbnail ("thumb"), made on the first request."""
    try:
        name = media.thumbnail_ensure(field_file) if size == "thumb" else field_file.name
        response = FileResponse(field_file.storage.open(name, "rb"), content_type="image/jpeg")
    except OSError as exc:
        raise Http404 from exc
    patch_cache_control(response, max_age=PICTURE_MAX_AGE)
    return response


@require_GET
def site_picture(request, image_id, size):
    """A picture of a site in today's catalogue (from the application it was certified on)."""
    if size not in PICTURE_SIZES:
        raise Http404
    picture = get_object_or_404(
        ApplicationImage.objects.only("image"),
        pk=image_id, application__certification__in=Certification.objects.current().values("pk"),
    )
    response = _picture_response(picture.image, size)
    patch_cache_control(response, public=True)
    return response


@require_GET
def documentation_picture(request, image_id, size):
    """A picture of the documentation: public once published for a site in the catalogue; the
    site contacts see their drafts."""
    if size not in PICTURE_SIZES:
        raise Http404
    picture = get_object_or_404(DocumentationImage.objects.select_related("documentation__certification"),
                                pk=image_id)
    documentation = picture.documentation
    certification = documentation.certification
    public = documentation.is_published and certification.is_current()
    if not public and not can_edit_documentation(request.user, certification):
        raise Http404
    response = _picture_response(picture.image, size)
    patch_cache_control(response, public=public, private=not public)
    return response


# --- The school's own pages -------------------------------------------------------------------------------

@login_required
@require_GET
def my_sites(request):
    page = paginate(request, selectors.sites_for_person(request.user)).page
    return render(request, "catalogue/my_sites.html", {"page_obj": page, "today": timezone.localdate()})


@login_required
@require_GET
def site_manage(request, pk):
    certification = _managed(request, pk)
    today = timezone.localdate()
    ended = services.certification_has_ended(certification, today=today)
    return render(request, "catalogue/site_manage.html", {
        "certification": certification,
        "application": certification.application,
        "documentation": selectors.documentation_of(certification),
        "today": today,
        "days_left": (certification.ends_on - today).days,
        "is_current": certification.is_current(today),
        "ended": ended,
        "reapplication": selectors.open_reapplication(certification),
        "can_reapply": not ended and can_reapply(request.user, certification),
        "can_edit_documentation": not ended and can_edit_documentation(request.user, certification),
        "reminder_days": max(services.REMINDER_DAYS),
    })


@login_required
@require_POST
def site_reapply(request, pk):
    certification = _managed(request, pk)
    require(can_reapply(request.user, certification))
    try:
        application = services.application_reapply(certification=certification, user=request.user)
    except services.ReapplicationExists as e:
        messages.info(request, str(e))
        return redirect("certification:detail", e.application.pk)
    except services.CatalogueError as e:
        messages.error(request, str(e))
        return redirect("catalogue:manage", pk)
    messages.success(request, _(
        "A new application is started, filled in from the last one. Check every step, change what is new and "
        "submit it to the principal."
    ))
    return redirect("certification:step", application.pk, STEP_SITE)


# --- The pedagogical documentation --------------------------------------------------------------------------

def _documentation_context(certification, documentation, **extra):
    return {
        "certification": certification,
        "application": certification.application,
        "documentation": documentation,
        "pictures": documentation.images.all() if documentation.pk else [],
        "problems": services.publication_problems(documentation),
        "max_pictures": services.MAX_DOCUMENTATION_IMAGES,
        **extra,
    }


def _documentation_target(request, pk):
    certification = _managed(request, pk)
    require(can_edit_documentation(request.user, certification))
    if services.certification_has_ended(certification, today=timezone.localdate()):
        messages.info(request, _("The certification has ended, so the documentation can no longer be changed."))
        return certification, None
    documentation = selectors.documentation_of(certification) or SiteDocumentation(certification=certification)
    return certification, documentation


@login_required
@require_http_methods(["GET", "POST"])
def documentation_edit(request, pk):
    certification, documentation = _documentation_target(request, pk)
    if documentation is None:
        return redirect("catalogue:manage", pk)
    form = DocumentationForm(request.POST or None, request.FILES or None, instance=documentation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.documentation_save(
                certification=certification, actor=request.user, text=data["text"], film_link=data["film_link"],
                film_description=data["film_description"], video=data.get("video") or None,
                remove_video=bool(data.get("remove_video")),
            )
        except services.DocumentationIncomplete as e:
            form.add_error(None, str(e))
            for problem in e.problems:
                form.add_error(None, problem)
        except services.CatalogueError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The documentation is saved."))
            return redirect("catalogue:documentation", pk)
    return render(request, "catalogue/documentation_edit.html", _documentation_context(
        certification, documentation, form=form, picture_form=ImageUploadForm(),
    ))


@login_required
@require_POST
def documentation_picture_add(request, pk):
    certification, documentation = _documentation_target(request, pk)
    if documentation is None:
        return redirect("catalogue:manage", pk)
    picture_form = ImageUploadForm(request.POST, request.FILES)
    if picture_form.is_valid():
        try:
            services.documentation_image_add(
                certification=certification, actor=request.user, prepared=picture_form.prepared,
                alt_text=picture_form.cleaned_data["alt_text"],
            )
        except (services.CatalogueError, uploads.ImageRejected) as e:
            picture_form.add_error(None, str(e))
        else:
            messages.success(request, _("The picture is added."))
            return redirect("catalogue:documentation", pk)
    return render(request, "catalogue/documentation_edit.html", _documentation_context(
        certification, documentation, form=DocumentationForm(instance=documentation), picture_form=picture_form,
    ))


@login_required
@require_POST
def documentation_picture_delete(request, pk, image_id):
    certification, documentation = _documentation_target(request, pk)
    if documentation is None:
        return redirect("catalogue:manage", pk)
    picture = get_object_or_404(DocumentationImage, pk=image_id, documentation__certification=certification)
    try:
        services.documentation_image_delete(certification=certification, actor=request.user, image=picture)
    except services.DocumentationIncomplete as e:
        messages.error(request, " ".join([str(e), *e.problems]))
    except services.CatalogueError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The picture is removed."))
    return redirect("catalogue:documentation", pk)


@login_required
@require_POST
def documentation_publish(request, pk):
    certification, documentation = _documentation_target(request, pk)
    if documentation is None:
        return redirect("catalogue:manage", pk)
    publish = request.POST.get("action") != "unpublish"
    try:
        if publish:
            services.documentation_publish(certification=certification, actor=request.user)
        else:
            services.documentation_unpublish(certification=certification, actor=request.user)
    except services.DocumentationIncomplete as e:
        messages.error(request, " ".join([str(e), *e.problems]))
    except services.CatalogueError as e:
        messages.error(request, str(e))
    else:
        if publish:
            messages.success(request, _("The documentation is published on the site's page."))
        else:
            messages.success(request, _("The documentation is taken down from the site's page. It is kept as a "
                                        "draft."))
    return redirect("catalogue:documentation", pk)


# --- The administration ---------------------------------------------------------------------------------------

@central_required
@require_GET
def documentation_deliveries(request):
    filter_form = DeliveryFilterForm(request.GET)
    filters = filter_form.filters()
    page = paginate(request, selectors.documentation_deliveries(**filters)).page
    return render(request, "catalogue/deliveries.html", {
        "page_obj": page,
        "filter_form": filter_form,
        "today": timezone.localdate(),
    })
