"""Films and thumbnails of the public catalogue.

Films: an uploaded file is accepted only if its first bytes say MP4 or WebM (its name and the
browser's claimed type are not trusted) and it is at most ``VIDEO_MAX_BYTES``.

Thumbnails: made on the first request for one and kept in the file storage under a name derived
from the picture's own (random) name, so every later request, and every page, only reads a file.
The pictures are re-encoded JPEGs already (core.uploads), so they decode safely.
"""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

VIDEO_MAX_BYTES = 200 * 1024 * 1024
VIDEO_TYPES = {"video/mp4": "MP4", "video/webm": "WebM"}
# ISO base media "major brands" that browsers play as MP4. QuickTime ("qt  ") is left out: not
# every browser plays it.
MP4_BRANDS = frozenset({
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"mmp4", b"dash", b"MSNV",
})
EBML_MAGIC = b"\x1a\x45\xdf\xa3"

THUMBNAIL_SIDE = 480
THUMBNAIL_QUALITY = 80


class VideoRejected(ValueError):
    """Message is translated; forms show it next to the field."""


def video_content_type(uploaded, *, max_bytes: int = VIDEO_MAX_BYTES) -> str:
    """The type of an uploaded film (``video/mp4`` or ``video/webm``) by its first bytes.
    Raises ``VideoRejected`` with a translated reason."""
    if uploaded.size > max_bytes:
        raise VideoRejected(_("The film is too large. It may be at most %(size)s MB.") % {
            "size": max_bytes // (1024 * 1024)})
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(0)
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "video/mp4"
    # WebM is Matroska (an EBML file) whose document type is "webm", named in the first bytes.
    if head[:4] == EBML_MAGIC and b"webm" in head:
        return "video/webm"
    raise VideoRejected(_("The file is not a film we can show. Upload an MP4 or WebM film."))


def thumbnail_name(source_name: str) -> str:
    return f"catalogue/thumbnails/{PurePosixPath(source_name).stem}-{THUMBNAIL_SIDE}.jpg"


def thumbnail_ensure(field_file) -> str:
    """The storage name of the thumbnail of ``field_file`` (an ImageField's file), made now if it
    does not exist yet. Raises OSError if the picture cannot be read."""
    storage = field_file.storage
    name = thumbnail_name(field_file.name)
    if storage.exists(name):
        return name
    with storage.open(field_file.name, "rb") as source:
        data = source.read()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image = image.convert("RGB") if image.mode != "RGB" else image
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True)
    saved = storage.save(name, ContentFile(out.getvalue()))
    if saved != name:
        # Another request made the same thumbnail at the same moment; keep one.
        storage.delete(saved)
    return name
