"""What django-axes counts failed logins under (AXES_USERNAME_CALLABLE)."""

from django.conf import settings

from inspira.core.addresses import normalise_email


def lockout_username(request, credentials) -> str:
    """The normalised address, so "ANNA@skola.se" and "anna@skola.se" share one counter and one
    lock, as they share one account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return normalise_email(value)
