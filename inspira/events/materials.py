"""Material an organiser publishes after an event (slides, documentation, pictures): who may see and
download it, the reads the pages share, and publishing and removing it.

Kept in a module of its own, beside the registrations, because only these three kinds of function
touch the material: the predicates (``material_may_*``), the selector ``material_visible_to`` and
the actions ``material_add`` / ``material_remove``.

Every file is checked by ``core.uploads`` like every other upload: documents by the type found in
their content, pictures opened and re-encoded (which drops their metadata, such as where a photo
was taken).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inspira.core import uploads
from inspira.core.audit import audit_record
from inspira.events.models import Event, EventMaterial, Registration
from inspira.events.permissions import event_may_manage

# Slides come as PowerPoint too; the rest are the types a basis document takes.
MATERIAL_TYPES = (uploads.PDF, uploads.PPTX, uploads.DOCX, uploads.XLSX, uploads.JPEG, uploads.PNG)


class MaterialError(Exception):
    """Message is translated; the view shows it next to the file field."""


# --- Who may ---------------------------------------------------------------------------------------------------

def event_is_registered(*, user, event: Event) -> bool:
    """The person holds a confirmed place on the event (their own, or a group's they registered).
    A waiting, offered, cancelled or declined registration gives nothing: material "for those
    registered" is for those who had a place."""
    if not (user.is_authenticated and user.is_active):
        return False
    return Registration.objects.filter(event=event, user=user, status=Registration.Status.CONFIRMED).exists()


def material_may_see_all(*, user, event: Event) -> bool:
    """Organisers and those registered see all of an event's material; everyone else only the
    material published for everyone."""
    return event_may_manage(user=user, event=event) or event_is_registered(user=user, event=event)


def material_may_download(*, user, material: EventMaterial) -> bool:
    return material.is_for_everyone or material_may_see_all(user=user, event=material.event)


# --- Reads -------------------------------------------------------------------------------------------------------

def material_visible_to(*, event: Event, user):
    """The event's material the person may see, oldest first (for ``events/includes/material_list.html``)."""
    materials = EventMaterial.objects.filter(event=event).order_by("created_at", "pk")
    if not material_may_see_all(user=user, event=event):
        materials = materials.filter(audience=EventMaterial.Audience.EVERYONE)
    return materials.only("pk", "event_id", "title", "content_type", "size", "audience", "created_at")


def material_for_organiser(*, event: Event):
    return (EventMaterial.objects.filter(event=event).select_related("uploaded_by")
            .order_by("-created_at", "-pk"))


# --- Actions -------------------------------------------------------------------------------------------------------

def _checked_content(upload) -> tuple[object, str, int]:
    """The content to store, its type and size: a document as uploaded once its type is found in its
    content, a picture re-encoded."""
    try:
        checked = uploads.check_attachment(upload, allowed=MATERIAL_TYPES)
    except ValidationError as e:
        raise MaterialError(" ".join(e.messages)) from e
    if checked.content_type not in uploads.IMAGE_TYPES:
        upload.seek(0)
        return upload, checked.content_type, checked.size
    try:
        prepared = uploads.prepare_image(upload)
    except uploads.ImageRejected as e:
        raise MaterialError(str(e)) from e
    return prepared.content, uploads.JPEG, prepared.content.size


@transaction.atomic
def material_add(*, event: Event, actor, title: str, audience: str, upload) -> EventMaterial:
    if not event_may_manage(user=actor, event=event):
        raise MaterialError(_("Only the event's organisers can publish material."))
    title = title.strip()
    if not title:
        raise MaterialError(_("Give the material a title."))
    if audience not in EventMaterial.Audience.values:
        raise MaterialError(_("Choose who may see the material."))
    content, content_type, size = _checked_content(upload)
    material = EventMaterial(event=event, title=title, audience=audience, content_type=content_type, size=size,
                             uploaded_by=actor)
    # The name is made by the model's upload_to from the content type, never from the upload.
    material.file.save("material", content, save=False)
    try:
        material.save()
        audit_record(actor=actor, action="event.material_added", obj=material,
                     summary=f"{material.title} ({event.title})",
                     data={"event": event.pk, "audience": audience, "content_type": content_type, "size": size})
    except Exception:
        material.file.delete(save=False)  # no row, so no file left behind
        raise
    return material


@transaction.atomic
def material_remove(*, material: EventMaterial, actor) -> None:
    if not event_may_manage(user=actor, event=material.event):
        raise MaterialError(_("Only the event's organisers can remove material."))
    name, storage = material.file.name, material.file.storage
    audit_record(actor=actor, action="event.material_removed", obj=material,
                 summary=f"{material.title} ({material.event.title})", data={"event": material.event_id})
    material.delete()
    # The file goes only once the row is surely gone: a rolled-back removal keeps both.
    transaction.on_commit(lambda: storage.delete(name))
