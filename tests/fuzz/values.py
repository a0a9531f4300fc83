"""What the fuzz types into forms: a plausible value for every field, and hypothesis strategies of
nasty ones (empty, huge, NUL bytes, right-to-left text, impossible dates, out-of-range numbers,
injection strings, several values for one field, files that are not what they say)."""

import io
import zlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st
from PIL import Image

from tests.fuzz.html_forms import FormField

STRONG_PASSWORD = "Fuzz-lösenord-2026!kx"  # passes Django's validators for any name or email

# --- Plausible values: the baseline each example starts from ---------------------------------------------


def plausible(f: FormField) -> list[str]:
    """A value a careful person would send for an empty field (what the page holds otherwise)."""
    if f.values and any(v != "" for v in f.values):
        return list(f.values)
    name = f.name.rsplit("-", 1)[-1]
    options = [o for o in f.options if o != ""]
    if f.kind in {"select", "radio"}:
        return options[:1] if (f.required or f.kind == "radio") and options else list(f.values)
    if f.kind == "checkbox":
        return []
    if f.kind == "email" or "email" in name:
        return ["fuzz@example.se"]
    if f.kind == "date" or name.endswith(("date", "_on")):
        return [(timezone.localdate() + timedelta(days=40)).isoformat()]
    if f.kind == "time":
        return ["12:00" if "end" in name else "09:00"]
    if f.kind == "number":
        low, high = f.attrs.get("min"), f.attrs.get("max")
        value = max(int(low or 0), 2)
        return [str(min(value, int(high)) if high else value)]
    if f.attrs.get("inputmode") == "decimal":
        return ["1 000"]
    if f.kind == "password":
        return [STRONG_PASSWORD]
    if f.kind == "tel" or "phone" in name:
        return ["08-123 456 78"]
    if f.kind == "url":
        return ["https://example.se/film"]
    return ["Fuzz text"]


# --- Nasty values ----------------------------------------------------------------------------------------

# PostgreSQL text cannot hold NUL; surrogates cannot travel in UTF-8 at all, so they are left out.
SAFE_CHARACTERS = st.characters(blacklist_categories=("Cs",))

TEXT = [
    "", " ", " \t\n ", "\x00", "a\x00b", "\r\n" * 3, "x" * 10_000, "å" * 10_000, "😀" * 2_600,
    "\u202eevil.exe", "مرحبا بالعالم", "𝕳𝖊𝖏 🇸🇪", "\ufeffBOM", "Ω≈ç√∫", "ЁЖЗ", "\u0301" * 20,
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "'; DROP TABLE x; --",
    "{{ 7*7 }}", "{% debug %}", "%s%s%n", "%(name)s", "../../../etc/passwd", "${jndi:ldap://x}", "null",
]
NUMBERS = [
    "-1", "0", "1", "-0", "+5", "--5", " 7 ", "2147483647", "2147483648", "32768", "65536",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" + "0" * 40,
    "1.5", "1,5", "1e3", "1e309", "NaN", "inf", "-inf", "0x1F", "١٢", "１２", "½",
]
DATES = [
    "2026-02-30", "2026-02-29", "2028-02-29", "31/12/2026", "12/31/2026", "2026-13-01", "2026-06-31",
    "0001-01-01", "9999-12-31", "0000-00-00", "10000-01-01", "2026-1-1", "20260101", "1900-01-01",
    "-2026-01-01", "2026-03-29T02:30", "2026-10-25", "2026-03-29", "today", "1 januari 2026",
]
TIMES = ["24:00", "25:00", "23:59:60", "-01:00", "9", "0900", "12:60", "09:00:00.999999", "02:30", "99:99", "00:00"]
EMAILS = [
    "a@b", "@", "no-at-sign", "x@" + "a" * 250 + ".se", "a" * 65 + "@example.se", "ä@exämple.se",
    "a@[127.0.0.1]", "a @example.se", "A@EXAMPLE.SE", " fuzz@example.se ", "fuzz@example.se\n", "a@b@c.se",
]
CHOICES = ["", "999999", "-1", "0", "null", "None", "true", "[1]", "1 OR 1=1"]

generic_text = st.one_of(
    st.sampled_from(TEXT),
    st.text(SAFE_CHARACTERS, max_size=30),
    st.integers().map(str),
    st.floats().map(str),
)
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), st.floats().map(str),
                    st.decimals(allow_nan=True).map(str))
dates = st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat()),
                  st.dates().map(lambda d: d.strftime("%d/%m/%Y")))
times = st.one_of(st.sampled_from(TIMES), st.times().map(lambda t: t.isoformat()))


def nasty_for(f: FormField) -> st.SearchStrategy[str]:
    """Nasty values for one field: those of its kind, and any text at all."""
    name = f.name.rsplit("-", 1)[-1]
    specific = []
    if f.kind == "date" or name.endswith(("date", "_on")):
        specific.append(dates)
    if f.kind == "time" or name.endswith("_time"):
        specific.append(times)
    if f.kind == "number" or f.attrs.get("inputmode") in {"numeric", "decimal"}:
        specific.append(numbers)
    if f.kind == "email" or "email" in name:
        specific.append(st.sampled_from(EMAILS))
    if f.options:
        specific.append(st.sampled_from(CHOICES + f.options))
    return st.one_of(*specific, generic_text) if specific else generic_text


# --- The sharpest edges, tried on every field of a form, one field at a time -------------------------------


def edges_for(f: FormField) -> list:
    """The few values most likely to break the code behind a field of this kind: a NUL byte
    (PostgreSQL text cannot hold one), one character more than the page allows, the first and
    last dates Python has, numbers past 32 and 64 bits, an unknown choice, a bomb of a picture."""
    name = f.name.rsplit("-", 1)[-1]
    if f.is_file:
        good = good_file(f) or SimpleUploadedFile("bild.jpg", JPEG, content_type="image/jpeg")
        content = good.read()
        return [SimpleUploadedFile("bomb.png", _png_claiming(100_000, 100_000), content_type="image/png"),
                SimpleUploadedFile("bild.jpg", b"\xff\xd8\xff\x00not a jpeg", content_type="image/jpeg"),
                SimpleUploadedFile("bi\x00ld" + good.name, content, content_type=good.content_type),
                SimpleUploadedFile("å" * 300 + good.name, content, content_type=good.content_type)]
    if f.kind == "submit":
        return []
    if f.options:
        return ["99999999999999999999", "a\x00b"]
    if f.kind == "date" or name.endswith(("date", "_on")):
        return ["9999-12-31", "0001-01-01"]
    if f.kind == "time" or name.endswith("_time"):
        return ["24:00", "23:59:59.999999"]
    if f.kind == "number" or f.attrs.get("inputmode") in {"numeric", "decimal"}:
        return ["99999999999999999999", "2147483648", "-2147483649"]
    maxlength = int(f.attrs.get("maxlength") or 0)
    return ["a\x00b", "x" * (maxlength + 1 if maxlength else 10_000)]


# --- Unusual values that a form may well accept (so they reach the code that saves) -------------------------

PRINTABLE = st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs"))
VALIDISH_TEXT = [
    "Åsa Öberg-Ärlig", "O'Brien & Söner", "Zoë 😀 🇸🇪", "\u202eRTL-text", "مرحبا", "  med mellanslag  ",
    "rad ett\r\nrad två", "<b>fet</b>", "1", "-", "ß" * 3,
]
VALIDISH_EMAILS = ["o'brien+tagg@example.se", "ASA@EXAMPLE.SE", "a@b.se", "x" * 64 + "@example.se",
                   "asa@" + "a" * 63 + ".example.se", "förnamn@exempel.se"]
DST_DAYS = ["2027-03-28", "2027-10-31", "2028-02-29", "2026-12-31", "2027-01-01", "2027-06-30", "2027-07-01"]


def validish_for(f: FormField) -> st.SearchStrategy[str]:
    """Values of the field's kind that a form may accept, at the edges: the longest text the page
    allows, unusual letters, boundary numbers, dates around leap days and daylight saving."""
    name = f.name.rsplit("-", 1)[-1]
    maxlength = int(f.attrs.get("maxlength") or 0)
    options = [o for o in f.options if o != ""]
    if options:
        return st.sampled_from(options)
    if f.kind == "date" or name.endswith(("date", "_on")):
        today = timezone.localdate()
        near = st.dates(today - timedelta(days=400), today + timedelta(days=800))
        return st.one_of(st.sampled_from(DST_DAYS), near.map(lambda d: d.isoformat()))
    if f.kind == "time" or name.endswith("_time"):
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if f.kind == "number":
        low = int(f.attrs.get("min") or 0)
        high = int(f.attrs.get("max") or 10_000)
        return st.one_of(st.sampled_from([str(low), str(high)]), st.integers(low, high).map(str))
    if f.attrs.get("inputmode") == "decimal":
        grouped = st.integers(0, 10**7).map(lambda n: f"{n:,} kr".replace(",", " "))
        return st.one_of(st.integers(0, 10**9).map(str), grouped,
                         st.sampled_from(["0", "0,01", "1000,50", "999 999 999,99"]))
    if f.kind == "email" or "email" in name:
        return st.sampled_from([e for e in VALIDISH_EMAILS if not maxlength or len(e) <= maxlength])
    if f.kind == "url":
        return st.sampled_from(["https://example.se/" + "a" * max(0, maxlength - 19), "http://example.se/film?x=1&y=å"])
    longest = [c * maxlength for c in ("x", "å", "😀")] if maxlength else ["x" * 5_000, "å" * 5_000]
    return st.one_of(st.sampled_from(VALIDISH_TEXT + longest),
                     st.text(PRINTABLE, min_size=1, max_size=min(maxlength or 60, 60)))


# --- Files ------------------------------------------------------------------------------------------------


def _image(fmt: str, size=(800, 600)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buf, format=fmt)
    return buf.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's first bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


JPEG = _image("JPEG")
PNG = _image("PNG")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FILE_NAMES = ["bi\x00ld.jpg", "bild.jpg", "bild.jpeg", "bild.png", "bild.webp", "plan.pdf", "plan.docx", "film.mp4",
              "x", "../../etc/passwd.jpg", "ünïcødé 😀.jpg", "a" * 300 + ".jpg", ".jpg", "bild.JPG", "bild.exe"]
FILE_CONTENTS = [
    b"", b"\x00" * 10, JPEG, PNG, PDF, JPEG[:200], b"GIF89a" + b"\x00" * 20, _png_claiming(100_000, 100_000),
    _png_claiming(0, 0), b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"PK\x03\x04" + b"\x00" * 30,
]


def good_file(f: FormField) -> SimpleUploadedFile | None:
    """A file the field is made for, judged by what it accepts."""
    accept = f.attrs.get("accept", "")
    if "image" in accept or ".jpg" in accept:
        return SimpleUploadedFile("bild.jpg", JPEG, content_type="image/jpeg")
    if ".pdf" in accept:
        return SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    return None


@st.composite
def unusual_files(draw):
    """Real pictures and documents under odd names or types: files a form may well accept."""
    name = draw(st.sampled_from(FILE_NAMES))
    content, content_type = draw(st.sampled_from([(JPEG, "image/jpeg"), (PNG, "image/png"), (PNG, "image/jpeg"),
                                                  (PDF, "application/pdf"), (JPEG, "application/octet-stream")]))
    return SimpleUploadedFile(name, content, content_type=content_type)


@st.composite
def nasty_files(draw):
    name = draw(st.sampled_from(FILE_NAMES))
    content = draw(st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=2_000)))
    content_type = draw(st.sampled_from(["image/jpeg", "image/png", "application/pdf",
                                         "application/octet-stream", "text/html", ""]))
    return SimpleUploadedFile(name, content, content_type=content_type)
