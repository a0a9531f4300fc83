from urllib.parse import urlsplit

from django import template
from django.utils.http import url_has_allowed_host_and_scheme

from inspira.core.money import format_sek

register = template.Library()


@register.filter
def sek(ore):
    """Format an amount of öre Swedish style: ``{{ rule.visit_fee_ore|sek }}`` -> 2 000 kr."""
    return format_sek(ore)


@register.simple_tag(takes_context=True)
def querystring_page(context, page_number, param="page"):
    """The current query string with ``param`` (``page``) replaced, for pagination links."""
    query = context["request"].GET.copy()
    query[param] = page_number
    return "?" + query.urlencode()


@register.filter
def total_minutes(delta):
    """A timedelta as whole minutes, rounded up: ``{{ cooloff_timedelta|total_minutes }}``."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    return -(-seconds // 60)


@register.simple_tag(takes_context=True)
def page_url(context):
    """The address of the page as a GET, for links that come back to it (the language switch).

    A page shown in answer to a POST (a form with errors) has the form's address, which may
    take only POST: coming back there would answer 405. The page the form was sent from, its
    Referer on this site, is the one to come back to.
    """
    request = context["request"]
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()
