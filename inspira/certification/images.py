"""Uploaded pictures: verified as images by opening them, never trusted by name, and re-encoded.

Re-encoding gives one known format and size, and drops everything but the pixels: EXIF (camera,
time, GPS position), comments, colour-profile tricks and anything appended to the file. A later
slice may move this to core when other apps take pictures.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

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
