"""Checks of uploaded files, shared by every app that takes them (basis attachments, pictures,
event material). Two kinds:

- documents (``check_attachment``): their size, and their type as found in their content. The name
  and the type the browser sends are claims anyone can make up; the first bytes of the file are not.
  Office documents (DOCX, XLSX) are ZIP archives: they are told apart by the parts the archive lists,
  which reading the directory does without unpacking anything.
- pictures (``prepare_image``): verified as images by opening them, never trusted by name, and
  re-encoded. Re-encoding gives one known format and size, and drops everything but the pixels:
  EXIF (camera, time, GPS position), comments, colour-profile tricks and anything appended to the
  file.
"""

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024  # 10 MB

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# What people call the types, for messages and lists of files.
NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", PPTX: "PowerPoint (PPTX)", JPEG: "JPEG", PNG: "PNG"}
# A basis document's attachments (the default of check_attachment); event material also takes slides.
ATTACHMENT_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)
TYPE_NAMES = {content_type: NAMES[content_type] for content_type in ATTACHMENT_TYPES}
IMAGE_TYPES = (JPEG, PNG)

# The stored file's extension comes from the type found in its content, never from the upload.
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx", JPEG: ".jpg", PNG: ".png"}


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
    if "ppt/presentation.xml" in names:
        return PPTX
    return None


def sniff_type(upload) -> str | None:
    """The known type the content of ``upload`` is, or None."""
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


def check_attachment(upload, *, allowed=ATTACHMENT_TYPES) -> CheckedFile:
    """Raise a ValidationError (translated) unless ``upload`` is one of the ``allowed`` types (found in
    its content) within the size limit."""
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
    if content_type not in allowed:
        raise ValidationError(
            _("The file is not one of the types that can be attached: %(types)s. Save it as one of them and "
              "try again.") % {"types": ", ".join(NAMES[t] for t in allowed)},
            code="type",
        )
    return CheckedFile(content_type=content_type, size=size)


# --- Pictures --------------------------------------------------------------------------------------

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# Far above any camera's picture, far below what would exhaust memory when decoded.
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
JPEG_QUALITY = 85


class ImageRejected(ValueError):
    """Message is translated; forms show it next to the field."""


@dataclass(frozen=True)
class PreparedImage:
    content: ContentFile
    width: int
    height: int


def _too_large_message(max_bytes: int) -> str:
    return _("The picture is too large. It may be at most %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}


def _not_an_image_message() -> str:
    return _("The file is not a picture we can use. Upload a JPEG, PNG or WebP picture.")


def prepare_image(uploaded, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS,
                  max_side: int = MAX_SIDE) -> PreparedImage:
    """Check an uploaded file and return it re-encoded as a JPEG of at most ``max_side`` pixels
    on its long side, without metadata. Raises ``ImageRejected`` with a translated reason."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise ImageRejected(_too_large_message(max_bytes))
    uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(_too_large_message(max_bytes))

    with warnings.catch_warnings():
        # Pillow warns (and past twice its own limit refuses) on huge images; our own, lower
        # limit below decides, so treat its warning as a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # First pass: the header only (format and size), then a structural check.
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise ImageRejected(_not_an_image_message())
                width, height = probe.size
                if width * height > max_pixels:
                    raise ImageRejected(_(
                        "The picture has too many pixels (%(width)s × %(height)s). It may have at most "
                        "%(megapixels)s megapixels."
                    ) % {"width": width, "height": height, "megapixels": max_pixels // 1_000_000})
                probe.verify()
            # verify() leaves the image unusable; decode from a fresh open.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
                image = _flatten(image)
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                # No exif=, icc_profile= or comment=: the new file carries the pixels only.
                image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        except ImageRejected:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(_not_an_image_message()) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            # A truncated or damaged file that still had a plausible header.
            raise ImageRejected(_not_an_image_message()) from exc
    return PreparedImage(content=ContentFile(out.getvalue(), name="picture.jpg"),
                         width=image.width, height=image.height)


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent pictures on white, and convert the rest to RGB."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image
