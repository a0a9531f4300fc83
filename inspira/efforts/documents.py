"""The documentation of an effort's process (seed 001: "documented by the centre's staff and shared
with the unit after the effort"; seed 004: each effort's log, lessons and good examples)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.uploads import check_attachment
from inspira.efforts.models import Document, Effort


class DocumentError(Exception):
    """Translated, shown at the field (``field``) or at the top of the form."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


def document_may_add(*, effort: Effort) -> bool:
    """Documentation is written while the effort is prepared and carried out, not after it ended."""
    return effort.state not in (Effort.State.ENDED, Effort.State.WITHDRAWN)


@transaction.atomic
def document_add(*, effort: Effort, actor, kind: str, title: str, text: str = "", school=None,
                 happened_on=None, upload=None) -> Document:
    """Add a note, a lesson or a good example, with a file if one is given (its type is read from its
    content, never from its name)."""
    if not document_may_add(effort=effort):
        raise DocumentError(_("The effort has ended; its documentation can no longer change."))
    if not title.strip():
        raise DocumentError(_("Give the documentation a title."), field="title")
    if not text.strip() and upload is None:
        raise DocumentError(_("Write something or attach a file."), field="text")
    if school is not None and not effort.schools.filter(pk=school.pk).exists():
        raise DocumentError(_("Choose one of the effort's units."), field="school")
    checked = None
    if upload is not None:
        try:
            checked = check_attachment(upload)
        except ValidationError as error:
            raise DocumentError(error.messages[0], field="file") from error
    document = Document(effort=effort, kind=kind, title=title.strip(), text=text.strip(), school=school,
                        happened_on=happened_on or timezone.localdate(),
                        author=actor if actor.is_authenticated else None)
    if checked is not None:
        document.content_type = checked.content_type
        document.size = checked.size
        upload.seek(0)
        document.file.save(upload.name.rsplit("/", 1)[-1][:100], upload, save=False)
    document.save()
    audit_record(actor=actor, action="effort.documented", obj=effort, summary=f"{effort.title}: {document.title}",
                 data={"document": document.pk, "kind": kind})
    return document


def documents_of(effort: Effort):
    return effort.documents.select_related("author", "school").order_by("-happened_on", "-pk")
