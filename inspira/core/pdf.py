"""PDF documents (invoices, decision letters, leaflets) rendered from Django templates.

``render_pdf("billing/invoice_pdf.html", {...})`` renders the template under the given
language and converts it with WeasyPrint into an accessible PDF (PDF/UA-1: tagged, with
the document's language and title). Templates extend ``pdf/base.html``.

Rendering never touches the network: WeasyPrint fetches images, stylesheets and fonts
only through ``LocalFetcher``, which reads our static and media files from disk and
refuses any other address. A refused image is left out (WeasyPrint logs a warning) and
the document is still produced. Import cost: WeasyPrint takes ~0.4 s to import, so it is
imported inside ``render_pdf``; render in a long-lived worker, not in a fresh process.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import DataHandler, OpenerDirector

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join
from django.utils.translation import gettext

logger = logging.getLogger(__name__)
# WeasyPrint logs each rendering step at INFO; a worker rendering invoices needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """A PDF asked for something that is not one of our own files."""


def pdf_base_url() -> str:
    """Relative links in a PDF resolve against the site's address, so a link in a PDF
    leads to Inspira, and ``{% static %}`` paths map to our static files."""
    return settings.SITE_URL.rstrip("/") + "/"


class LocalFetcher:
    """WeasyPrint URL fetcher that serves only our own files, from disk.

    - ``<base>/static/...`` (``STATIC_URL``): the static files finders, then ``STATIC_ROOT``;
    - ``<base>/media/...`` (``MEDIA_URL``): the default file storage (uploaded pictures);
    - ``data:`` URLs (inline images, charts drawn on the server).

    Everything else, including ``file:`` URLs (which could read any file on the server
    if a user could put one into a document) and every ``http(s)`` address outside the
    two prefixes, raises ``RefusedURL``: WeasyPrint then skips that resource.
    """

    # Read by weasyprint.urls.fetch(): a refused resource is a warning, not a failure.
    _fail_on_errors = False

    def __init__(self, base_url: str | None = None):
        base = base_url or pdf_base_url()
        self.static_prefix = urljoin(base, settings.STATIC_URL)
        self.media_prefix = urljoin(base, settings.MEDIA_URL)

    def __call__(self, url: str):
        from weasyprint.urls import URLFetcherResponse

        if url.startswith("data:"):
            return self._data(url, URLFetcherResponse)
        path = urlsplit(url)._replace(query="", fragment="").geturl()
        if path.startswith(self.static_prefix):
            body = self._static(unquote(path[len(self.static_prefix):]))
        elif path.startswith(self.media_prefix):
            body = self._media(unquote(path[len(self.media_prefix):]))
        else:
            logger.warning("PDF rendering refused a resource outside Inspira: %s", url)
            raise RefusedURL(f"Not one of Inspira's own files: {url}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    @staticmethod
    def _data(url: str, response_class):
        # An opener with only the data: handler cannot open a connection.
        opener = OpenerDirector()
        opener.add_handler(DataHandler())
        with opener.open(url) as response:
            return response_class(url, body=response.read(),
                                  headers={"Content-Type": response.headers["Content-Type"]})

    @staticmethod
    def _static(relative: str) -> bytes:
        try:
            found = finders.find(relative)
            if not found and settings.STATIC_ROOT:
                # After collectstatic with hashed names, only STATIC_ROOT has the file.
                candidate = Path(safe_join(settings.STATIC_ROOT, relative))
                found = str(candidate) if candidate.is_file() else None
        except SuspiciousFileOperation as exc:  # "../" out of the static folders
            raise RefusedURL(f"Outside the static files: {relative}") from exc
        if not found or not Path(found).is_file():
            raise RefusedURL(f"No such static file: {relative}")
        return Path(found).read_bytes()

    @staticmethod
    def _media(relative: str) -> bytes:
        try:
            with default_storage.open(relative, "rb") as f:
                return f.read()
        except (SuspiciousFileOperation, OSError) as exc:
            raise RefusedURL(f"No such media file: {relative}") from exc


def page_counter_css() -> str:
    """The CSS ``content`` value for "Page X of Y" in the active language, e.g.
    ``"Sida " counter(page) " av " counter(pages)``. The words come from the
    translation catalogue; the numbers from CSS counters."""
    marker_page, marker_pages = "\x00PAGE\x00", "\x00PAGES\x00"
    text = gettext("Page %(page)s of %(pages)s") % {"page": marker_page, "pages": marker_pages}
    # A CSS string inside <style>: escape what could end the string or the element.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    css = f'"{text}"'
    css = css.replace(marker_page, '" counter(page) "').replace(marker_pages, '" counter(pages) "')
    return css.removeprefix('"" ').removesuffix(' ""')


def render_pdf(template_name: str, context: dict, *, language: str = "sv") -> bytes:
    """Render ``template_name`` (which should extend ``pdf/base.html``) to PDF/UA-1 bytes.

    The template's ``{% block title %}`` becomes the PDF's title and the language its
    document language. Safe to call from background jobs: no request, no network.
    """
    import weasyprint  # heavy import (~0.4 s): only where a PDF is made

    base_url = pdf_base_url()
    with translation.override(language):
        html = render_to_string(template_name, {
            "pdf_page_counter": page_counter_css(),
            **context,
        })
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=LocalFetcher(base_url))
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=_font_config(),
                              stylesheets=[_shared_stylesheet(base_url)])


@functools.cache
def _shared_stylesheet(base_url: str):
    """templates/pdf/styles.css, parsed once per process: parsing it inside each document's <style>
    took a tenth of an invoice's rendering. A document's own ``extra_style`` still comes after it
    and wins (WeasyPrint gives the document's styles precedence over these)."""
    import weasyprint

    return weasyprint.CSS(string=render_to_string("pdf/styles.css"), base_url=base_url,
                          url_fetcher=LocalFetcher(base_url), font_config=_font_config())


@functools.cache
def _font_config():
    """One font configuration per process, as a worker renders one document after another: making it
    anew for each PDF cost ~5 ms, and the fonts it found stay the same (our PDFs use no @font-face)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()
