"""Which programmes are on, read cheaply: every page asks (the menu, the middleware), so the answer
is kept in the cache (shared by the server's processes) and on the request, and read from the
database at most once a request when the cache has none. Switching a programme drops the cached
answer after the commit."""

from django.core.cache import cache

from inspira.programmes.catalog import DEFAULT_ACTIVE, Key

CACHE_KEY = "programmes:active"
_REQUEST_ATTRIBUTE = "_inspira_active_programmes"


def _read() -> frozenset[str]:
    from inspira.programmes.models import Programme

    stored = dict(Programme.objects.values_list("key", "is_active"))
    # A programme without a row (a database emptied by a test's flush) is in its default state.
    return frozenset(key for key in Key.values if stored.get(key, key in DEFAULT_ACTIVE))


def active_keys(request=None) -> frozenset[str]:
    if request is not None and hasattr(request, _REQUEST_ATTRIBUTE):
        return getattr(request, _REQUEST_ATTRIBUTE)
    keys = cache.get(CACHE_KEY)
    if keys is None:
        keys = _read()
        cache.set(CACHE_KEY, keys, timeout=None)
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, keys)
    return keys


def forget() -> None:
    cache.delete(CACHE_KEY)
