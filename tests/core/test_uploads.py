"""Uploaded pictures are opened, checked and re-encoded (core.uploads.prepare_image)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspira.core import uploads
from inspira.core.uploads import ImageRejected, prepare_image
from tests.certification.conftest import image_bytes


def _upload(data: bytes, name="picture.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _open(prepared) -> Image.Image:
    return Image.open(io.BytesIO(prepared.content.read()))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_allowed_formats_are_re_encoded_as_jpeg(fmt):
    prepared = prepare_image(_upload(image_bytes(fmt), name=f"p.{fmt.lower()}"))
    result = _open(prepared)
    assert result.format == "JPEG"
    assert (prepared.width, prepared.height) == (800, 600) == result.size


def test_a_transparent_png_is_put_on_white():
    prepared = prepare_image(_upload(image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)), name="p.png"))
    assert _open(prepared).convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_a_text_file_named_jpg_is_refused():
    with pytest.raises(ImageRejected):
        prepare_image(_upload(b"I am not a picture, only text.\n" * 20))


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    with pytest.raises(ImageRejected):
        prepare_image(_upload(image_bytes(fmt), name="p.jpg"))


def test_a_truncated_picture_is_refused():
    data = image_bytes("PNG", size=(400, 400))
    with pytest.raises(ImageRejected):
        prepare_image(_upload(data[: len(data) // 2], name="p.png"))


def test_exif_is_removed():
    exif = Image.Exif()
    exif[0x010F] = "Spy Camera Inc."  # Make
    exif[0x0131] = "secret-software"  # Software
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()[0x010F] == "Spy Camera Inc."
    prepared = prepare_image(_upload(data))
    raw = prepared.content.read()
    assert b"Spy Camera" not in raw and b"secret-software" not in raw
    assert not dict(Image.open(io.BytesIO(raw)).getexif())


def test_exif_orientation_is_applied_before_it_is_removed():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    prepared = prepare_image(_upload(image_bytes("JPEG", size=(800, 600), exif=exif.tobytes())))
    assert (prepared.width, prepared.height) == (600, 800)


def test_large_pictures_are_made_smaller():
    prepared = prepare_image(_upload(image_bytes("PNG", size=(3000, 1500)), name="p.png"))
    assert (prepared.width, prepared.height) == (2000, 1000)


def test_a_file_over_the_size_limit_is_refused():
    data = image_bytes("PNG", size=(10, 10))
    with pytest.raises(ImageRejected, match="8"):
        prepare_image(_upload(data + b"\0" * uploads.MAX_UPLOAD_BYTES, name="p.png"))


def test_too_many_pixels_is_refused_before_decoding():
    # 8000 × 6000 = 48 megapixels, tiny as a one-bit PNG.
    buf = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buf, format="PNG")
    with pytest.raises(ImageRejected, match="8000"):
        prepare_image(_upload(buf.getvalue(), name="p.png"))


def _pptx() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    return buffer.getvalue()


def test_slides_are_taken_only_where_the_caller_allows_them():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        uploads.check_attachment(_upload(_pptx(), name="bilder.pptx"))  # a basis attachment: no slides
    assert "PowerPoint" not in str(refused.value)
    checked = uploads.check_attachment(_upload(_pptx(), name="bilder.pptx"), allowed=(uploads.PDF, uploads.PPTX))
    assert checked.content_type == uploads.PPTX
