"""The page for an unexpected error (HTTP 500), wired as ``handler500`` in inspira/urls.py."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def server_error(request):
    """Rendered from settings alone, without the request's context processors: the error may be
    the database itself, and a page that needs the session or the user would fail too."""
    html = loader.get_template("500.html").render({"contact_email": settings.PROGRAMME_CONTACT_EMAIL})
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (usually a page left open past the session, or
    cookies blocked): explain it in the person's language and offer a way back, instead of
    Django's technical English page. The reason is logged by Django, not shown."""
    return render(request, "403_csrf.html", status=403)
