"""Absolute links for what leaves the site: emails, calendar files, letters and PDFs."""
from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args, **kwargs) -> str:
    """``SITE_URL`` and the view's path: ``absolute_url("visits:booking", booking.pk)``.

    Emails and documents are made by jobs, away from any request, so the address comes from the
    setting and never from a request's Host header.
    """
    return settings.SITE_URL.rstrip("/") + reverse(viewname, args=args or None, kwargs=kwargs or None)
