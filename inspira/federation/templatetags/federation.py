from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def federation_enabled() -> bool:
    """Whether sign-in through Skolfederation is on (INSPIRA_SAML_ENABLED): the login page's link to it."""
    return bool(settings.INSPIRA_SAML_ENABLED)
