"""Whole-page cache for what anonymous visitors see of the public pages.

The public catalogue and the site pages are the programme's shop window: the most visited pages,
the same for every visitor who is not logged in, and each costs tens of milliseconds of queries
and templates. An anonymous visitor gets a copy made at most ``PUBLIC_PAGE_CACHE_SECONDS`` ago
(0 turns the cache off); a copy is dropped as soon as a change it shows is committed, so the age
limit only covers what no save signal announces (queryset updates, time passing). People who are
logged in, or who carry a session or a message, always get a page made for them: they book, and
they see their own links. Booking itself never reads the cache: it counts places in a locked
transaction.

Several web machines share the cache through Redis in production (``CACHES`` in settings), so a
change made on one machine drops the copies on all of them.

The only per-visitor part of such a page is the CSRF token of its forms (the language switch):
the copy is stored with a placeholder there, and each visitor's page gets a token of its own.

The same versions serve ``cached()``, for sums that are costly to add up and are the same for
everyone who may see them (the finance overview): kept until a change to what they add up commits.
"""

import contextlib
import hashlib
import logging
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

TOKEN_PLACEHOLDER = "__inspira_csrf_token__"  # noqa: S105 (a marker, not a secret)
# A masked CSRF token is 64 letters and digits (django.middleware.csrf.CSRF_TOKEN_LENGTH).
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')


class _Unavailable(Exception):
    """The cache did not answer (Redis down): pages are made afresh until it does."""


def _cache(operation: str, *args):
    # Redis being down must cost speed, never a page or a save: jobs wait in the outbox meanwhile,
    # and the public pages are simply made for each visitor (docs/deploy.md, health checks).
    try:
        return getattr(cache, operation)(*args)
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, timeouts, ...)
        logger.warning("The page cache is unavailable (%s): %s", operation, exc)
        raise _Unavailable from exc


def _version_key(group: str) -> str:
    return f"pagecache:{group}:version"


def _first_version() -> int:
    # A version key can be evicted (a full cache culls keys); starting again at the clock in
    # milliseconds, never at 1, keeps copies stored under an earlier version from being read again.
    return int(time.time() * 1000)


def _version(group: str) -> int:
    version = _cache("get", _version_key(group))
    if version is None:
        # add() so two processes starting together agree; the number only has to change.
        _cache("add", _version_key(group), _first_version(), None)
        version = _cache("get", _version_key(group), 0)
    return version


def invalidate(group: str) -> None:
    """Drop every cached page of ``group`` (by moving its version on; old copies expire unread).
    If the cache is down, the copies it keeps expire by age (``PUBLIC_PAGE_CACHE_SECONDS``)."""
    try:
        cache.incr(_version_key(group))
    except ValueError:  # no version yet, so nothing cached under one either
        with contextlib.suppress(_Unavailable):
            _cache("add", _version_key(group), _first_version(), None)
    except Exception as exc:  # the backend's own errors, as in _cache()
        logger.warning("The page cache is unavailable (incr): %s", exc)


def invalidate_on_commit(group: str) -> None:
    """Drop ``group``'s pages once the current transaction commits: for changes that send no save
    signal (``bulk_create()``, ``update()``)."""
    transaction.on_commit(lambda: invalidate(group))


def invalidate_on(group: str, *models) -> None:
    """Drop ``group``'s pages whenever a row of one of ``models`` is saved or deleted, after the
    change commits: dropped before the commit, a page made meanwhile from the old rows would be
    cached under the new version."""

    def handler(sender, **kwargs):
        invalidate_on_commit(group)

    for model in models:
        uid = f"pagecache:{group}:{model._meta.label}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(handler, sender=field.remote_field.through, weak=False, dispatch_uid=uid + ":m2m")


def cached(group: str, key: str, compute, *, timeout: int):
    """``compute()``'s value, made once per version of ``group`` and kept ``timeout`` seconds at most:
    for figures that are costly to add up and change only when rows of ``group``'s models do. With
    the cache down, it is simply computed."""
    try:
        full_key = f"pagecache:{group}:{_version(group)}:{key}"
        value = _cache("get", full_key)
    except _Unavailable:
        return compute()
    if value is None:
        # Computed after the version was read: a change committed meanwhile has moved the version
        # on, so this value is stored under the old one and never read.
        value = compute()
        with contextlib.suppress(_Unavailable):
            _cache("set", full_key, value, timeout)
    return value


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return False
    # No session and no pending message: the visitor is anonymous and the page shows nothing of theirs.
    return not any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, "messages"))


def public_page(group: str):
    """Serve a view's page to anonymous visitors from the cache of ``group`` (see the module's text)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
            try:
                key = (f"pagecache:{group}:{_version(group)}:{translation.get_language()}:"
                       f"{timezone.localdate().isoformat()}:{path}")
                cached = _cache("get", key)
            except _Unavailable:
                return view(request, *args, **kwargs)
            if cached is not None:
                content, content_type = cached
                if TOKEN_PLACEHOLDER in content:
                    content = content.replace(TOKEN_PLACEHOLDER, get_token(request))
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                content = _TOKEN_FIELD.sub(rf"\g<1>{TOKEN_PLACEHOLDER}\g<2>", response.content.decode())
                try:
                    _cache("set", key, (content, response["Content-Type"]), settings.PUBLIC_PAGE_CACHE_SECONDS)
                except _Unavailable:
                    return response
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator
