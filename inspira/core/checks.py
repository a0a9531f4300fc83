"""System checks for the deployment (run by ``manage.py check`` and before ``migrate``)."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def private_media_outside_media_root(app_configs, **kwargs):
    """The web server hands out everything under MEDIA_ROOT to anyone with the address, so the
    permission-checked files (PRIVATE_MEDIA_ROOT) must live outside it."""
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if not private:
        return []  # the default, "private" beside MEDIA_ROOT, is outside it
    media = Path(settings.MEDIA_ROOT).resolve()
    private = Path(private).resolve()
    if private == media or media in private.parents:
        return [checks.Error(
            "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT, which the web server serves to anyone.",
            hint="Put PRIVATE_MEDIA_ROOT beside MEDIA_ROOT, e.g. /srv/inspira/private and /srv/inspira/media.",
            id="inspira.E001",
        )]
    return []
