from django import template

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
