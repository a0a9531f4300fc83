"""Checks of a file attached to a basis document: its size, and its type as found in its content.

The name and the type the browser sends are claims anyone can make up; the first bytes of the
file are not. Office documents (DOCX, XLSX) are ZIP archives: they are told apart by the parts
the archive lists, which reading the directory does without unpacking anything.
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024  # 10 MB

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"

# What people call the types, for messages and the list of attachments.
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", JPEG: "JPEG", PNG: "PNG"}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int


def _zip_office_type(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff_type(upload) -> str | None:
    """The allowed type the content of ``upload`` is, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_office_type(upload)
    return None


def check_attachment(upload) -> CheckedFile:
    """Raise a ValidationError (translated) unless ``upload`` is an allowed type within the size limit."""
    size = upload.size
    if size > MAX_ATTACHMENT_SIZE:
        raise ValidationError(
            _("The file is %(size)s MB. An attachment may be at most %(max)s MB.") % {
                "size": f"{size / 1024 / 1024:.1f}".replace(".", ","), "max": MAX_ATTACHMENT_SIZE // (1024 * 1024),
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff_type(upload)
    if content_type is None:
        raise ValidationError(
            _("The file is not one of the types that can be attached: %(types)s. Save it as one of them and "
              "try again.") % {"types": ", ".join(TYPE_NAMES.values())},
            code="type",
        )
    return CheckedFile(content_type=content_type, size=size)
