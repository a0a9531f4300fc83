"""System checks for the deployment (run by ``manage.py check`` and before ``migrate``)."""

from pathlib import Path
from urllib.parse import urlsplit

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


# --- Production must not run on a newcomer's defaults (manage.py check --deploy) -------------------------
# Each default below suits a developer's machine and fails quietly in production: a database file
# beside the code, links in emails to 127.0.0.1, emails written to files nobody reads, and caches
# that each process keeps to itself. With DEBUG off, a missing variable is an error.

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", ""}  # noqa: S104 (names, not a bind)


@checks.register(checks.Tags.database, deploy=True)
def production_database(app_configs, **kwargs):
    if settings.DEBUG or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return []
    return [checks.Error(
        "DATABASE_URL is not set: Inspira would run on an SQLite file beside the code.",
        hint="Set DATABASE_URL=postgres://user:password@host:5432/inspira (docs/deploy.md).",
        id="inspira.E010",
    )]


@checks.register(deploy=True)
def production_site_url(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if host not in _LOOPBACK:
        return []
    return [checks.Error(
        f"SITE_URL is not set (it is {settings.SITE_URL!r}): links in emails would lead to this machine.",
        hint="Set SITE_URL to the public address, e.g. https://inspira.example.se.",
        id="inspira.E011",
    )]


@checks.register(deploy=True)
def production_email(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_HOST:
        return []
    return [checks.Error(
        "EMAIL_HOST is not set: emails would be written to files on this machine, and nobody would get them.",
        hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to the municipality's SMTP relay.",
        id="inspira.E012",
    )]


@checks.register(checks.Tags.caches, deploy=True)
def production_shared_cache(app_configs, **kwargs):
    """Without Redis each process caches in its own memory; a change then drops the public pages and
    the finance sums in the process that made it only, and the others show old figures."""
    if settings.DEBUG or settings.REDIS_URL or settings.WEB_CONCURRENCY == 1:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith(("LocMemCache", "DummyCache")):
        return []
    processes = settings.WEB_CONCURRENCY or "gunicorn's default of several"
    return [checks.Error(
        f"REDIS_URL is not set, and there is more than one web process ({processes}): each would keep a "
        "cache of its own and show pages and sums that a change made elsewhere has outdated.",
        hint="Set REDIS_URL=redis://host:6379/0, or WEB_CONCURRENCY=1 for a single process.",
        id="inspira.E013",
    )]
