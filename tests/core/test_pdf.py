import io
import logging
import socket

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader

from inspira.core.money import format_sek
from inspira.core.pdf import LocalFetcher, RefusedURL, page_counter_css, render_pdf

TEMPLATES = {
    "pdftest/letter.html": """{% extends "pdf/base.html" %}
{% block title %}Faktura 2011-0001{% endblock %}
{% block content %}
<h1>Faktura 2011-0001</h1>
<p>Vasaskolan fakturerar Katarina Norra skola för ett genomfört studiebesök. Åsa Öberg, Ärla.</p>
<table><thead><tr><th>Beskrivning</th><th class="num">Belopp</th></tr></thead>
<tbody><tr><td>Studiebesök</td><td class="num">{{ amount|default:"" }}</td></tr></tbody></table>
{% endblock %}""",
    "pdftest/two_pages.html": """{% extends "pdf/base.html" %}
{% block title %}Två sidor{% endblock %}
{% block content %}<h1>Första sidan</h1><p class="page-break">Andra sidan</p>{% endblock %}""",
    "pdftest/remote_image.html": """{% extends "pdf/base.html" %}
{% block title %}Fjärrbild{% endblock %}
{% block content %}<h1>Bild</h1><img src="https://example.com/x.png" alt="x">
<link rel="stylesheet" href="http://example.com/evil.css"><p>Texten finns kvar.</p>{% endblock %}""",
    "pdftest/own_style.html": """{% extends "pdf/base.html" %}
{% block title %}Egen stil{% endblock %}
{% block extra_style %}@page { size: A5; }{% endblock %}
{% block content %}<h1>Liten sida</h1>{% endblock %}""",
    "pdftest/image.html": """{% extends "pdf/base.html" %}{% load static %}
{% block title %}Bild{% endblock %}
{% block content %}<h1>Bild</h1><img src="{{ src }}" alt="{{ alt }}">{% endblock %}""",
}


@pytest.fixture(autouse=True)
def _pdf_templates(settings, tmp_path):
    root = tmp_path / "pdf-templates"
    for name, text in TEMPLATES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], root]}]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 80, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def image_count(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


def test_render_pdf_makes_a_pdf_with_swedish_text_and_amounts():
    pdf = render_pdf("pdftest/letter.html", {"amount": format_sek(200_000)})

    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "genomfört studiebesök" in text
    assert "Åsa Öberg, Ärla" in text
    assert "2 000 kr" in text


def test_render_pdf_sets_title_language_and_pdf_ua_metadata():
    reader = PdfReader(io.BytesIO(render_pdf("pdftest/letter.html", {})))

    assert reader.metadata.title == "Faktura 2011-0001"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"]  # tagged PDF, so screen readers get the structure
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_render_pdf_uses_the_requested_language():
    pdf = render_pdf("pdftest/letter.html", {}, language="en")

    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en"
    assert "Page 1 of 1" in text_of(pdf)


def test_every_page_shows_its_number_of_the_total():
    text = text_of(render_pdf("pdftest/two_pages.html", {}))

    with translation.override("sv"):
        page_of = gettext("Page %(page)s of %(pages)s")
    assert page_of % {"page": 1, "pages": 2} in text
    assert page_of % {"page": 2, "pages": 2} in text


def test_page_counter_escapes_the_translation_for_css(monkeypatch):
    monkeypatch.setattr("inspira.core.pdf.gettext", lambda s: 'Sida "%(page)s" </style> av %(pages)s')

    assert page_counter_css() == r'"Sida \"" counter(page) "\" \3C /style> av " counter(pages)'


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly if anything opens a connection or resolves a host name."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access during PDF rendering: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_rendering_fetches_nothing_from_the_network(no_network, caplog):
    with caplog.at_level(logging.WARNING, logger="inspira.core.pdf"):
        pdf = render_pdf("pdftest/remote_image.html", {})

    assert no_network == []
    assert pdf.startswith(b"%PDF")
    assert "Texten finns kvar." in text_of(pdf)
    assert image_count(pdf) == 0
    refused = [r.getMessage() for r in caplog.records if r.name == "inspira.core.pdf"]
    assert any("https://example.com/x.png" in message for message in refused)
    assert any("http://example.com/evil.css" in message for message in refused)


def test_static_files_load_from_disk(settings, tmp_path, no_network):
    static_dir = tmp_path / "static"
    (static_dir / "pdftest").mkdir(parents=True)
    (static_dir / "pdftest" / "logo.png").write_bytes(png_bytes())
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]

    pdf = render_pdf("pdftest/image.html", {"src": "/static/pdftest/logo.png", "alt": "Logotyp"})

    assert image_count(pdf) == 1


def test_media_files_and_data_urls_load_without_network(no_network):
    name = default_storage.save("sites/picture.png", ContentFile(png_bytes()))

    from_media = render_pdf("pdftest/image.html", {"src": f"/media/{name}", "alt": "Bild"})
    inline = render_pdf("pdftest/image.html", {"src": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf"
                                                      "FcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
                                               "alt": "Punkt"})

    assert image_count(from_media) == 1
    assert image_count(inline) == 1


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.com/static/x.png",
    "http://127.0.0.1:8000/static/%2e%2e/%2e%2e/inspira/settings.py",
    "http://127.0.0.1:8000/media/%2e%2e/%2e%2e/etc/passwd",
    "http://127.0.0.1:8000/static/no-such-file.png",
    "http://127.0.0.1:8000/admin/",
])
def test_fetcher_refuses_anything_but_our_own_files(settings, url):
    settings.SITE_URL = "http://127.0.0.1:8000"

    with pytest.raises(RefusedURL):
        LocalFetcher()(url)


def _fonts(reader: PdfReader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_the_shared_print_styles_apply_to_every_document_and_each_one_may_override_them():
    # templates/pdf/styles.css is parsed once per process and handed to WeasyPrint beside each document.
    for _ in range(2):  # the second render reuses the parsed styles
        shared = PdfReader(io.BytesIO(render_pdf("pdftest/letter.html", {})))
        assert [round(float(x)) for x in shared.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
        assert any("Liberation-Sans" in font for font in _fonts(shared))
        own = PdfReader(io.BytesIO(render_pdf("pdftest/own_style.html", {})))
        assert [round(float(x)) for x in own.pages[0].mediabox[2:]] == [420, 595]  # A5: the document wins
        assert any("Liberation-Sans" in font for font in _fonts(own))
