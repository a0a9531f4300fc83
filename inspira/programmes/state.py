"""Which programmes are on, read cheaply: every page asks (the menu, the middleware), so the answer
is kept in the cache (shared by the server's processes) and on the request, and read from the
database at most once a request when the cache has none. Switching a programme drops the cached
answer, at once and again after the commit.

With the cache down, every request reads the database once: slower, never broken. The cached
answer also expires, which bounds how long a drop that failed (the cache was down just then) can
leave a process with the old state.
"""

import logging

from django.core.cache import cache

from inspira.programmes.catalog import DEFAULT_ACTIVE, Key

CACHE_KEY = "programmes:active"
CACHE_SECONDS = 300
_REQUEST_ATTRIBUTE = "_inspira_active_programmes"

logger = logging.getLogger(__name__)


def _read() -> frozenset[str]:
    from inspira.programmes.models import Programme

    stored = dict(Programme.objects.values_list("key", "is_active"))
    # A programme without a row (a database emptied by a test's flush) is in its default state.
    return frozenset(key for key in Key.values if stored.get(key, key in DEFAULT_ACTIVE))


def _cached() -> frozenset[str] | None:
    try:
        return cache.get(CACHE_KEY)
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, timeouts, ...)
        logger.warning("The cache is unavailable (programmes, get): %s", exc)
        return None


def _store(keys: frozenset[str]) -> None:
    try:
        cache.set(CACHE_KEY, keys, timeout=CACHE_SECONDS)
    except Exception as exc:
        logger.warning("The cache is unavailable (programmes, set): %s", exc)


def active_keys(request=None) -> frozenset[str]:
    if request is not None and hasattr(request, _REQUEST_ATTRIBUTE):
        return getattr(request, _REQUEST_ATTRIBUTE)
    keys = _cached()
    if keys is None:
        keys = _read()
        _store(keys)
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, keys)
    return keys


def forget() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception as exc:
        logger.warning("The cache is unavailable (programmes, delete): %s", exc)
