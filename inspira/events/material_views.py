"""Material after an event: the organisers' page (publish, list, remove) and the one way to a file,
the download view, which checks who is asking (see ``materials.material_may_download``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.core.uploads import EXTENSIONS
from inspira.events import materials
from inspira.events.material_forms import MaterialForm
from inspira.events.models import EventMaterial
from inspira.events.views import _event
from inspira.programmes.permissions import programme_is_active


@login_required
@require_http_methods(["GET", "POST"])
def material_manage(request, pk):
    event = _event(request, pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            materials.material_add(event=event, actor=request.user, title=form.cleaned_data["title"],
                                   audience=form.cleaned_data["audience"], upload=form.cleaned_data["file"])
        except materials.MaterialError as e:
            form.add_error("file", str(e))
        else:
            messages.success(request, _("The material is published."))
            return redirect("events:material", pk=event.pk)
    page = paginate(request, materials.material_for_organiser(event=event)).page
    return render(request, "events/material_manage.html", {"event": event, "form": form, "page_obj": page})


@login_required
@require_POST
def material_delete(request, pk, material_id):
    event = _event(request, pk)
    material = get_object_or_404(EventMaterial, pk=material_id, event=event)
    material.event = event
    try:
        materials.material_remove(material=material, actor=request.user)
    except materials.MaterialError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The material is removed."))
    return redirect("events:material", pk=event.pk)


@require_GET
def material_download(request, pk, material_id):
    """Material for everyone is handed out to anyone, material for the registered to them and the
    organisers; an event of a programme that is off has none (404), like its other pages."""
    material = get_object_or_404(EventMaterial.objects.select_related("event__programme"), pk=material_id,
                                 event_id=pk)
    if not programme_is_active(material.event.programme.key, request):
        raise Http404
    if not material.is_for_everyone and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(materials.material_may_download(user=request.user, material=material))
    try:
        handle = material.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    filename = f"{slugify(material.title) or 'material'}{EXTENSIONS.get(material.content_type, '')}"
    response = FileResponse(handle, as_attachment=True, content_type=material.content_type, filename=filename)
    # Like every private file: not kept by shared caches, nor on a shared computer in a school.
    response["Cache-Control"] = "private, no-store"
    return response
