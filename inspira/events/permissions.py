"""Who may do what with an event."""

import datetime
import logging

from django.core.cache import cache
from django.utils import timezone

from inspira.accounts.models import User
from inspira.accounts.permissions import has_central_role
from inspira.programmes.models import ProgrammeCoordinator
from inspira.programmes.permissions import coordinated_programme_ids, programme_is_active

logger = logging.getLogger(__name__)


def is_administrator(user) -> bool:
    return has_central_role(user, User.Role.ADMINISTRATOR)


def managed_programme_ids(user) -> set[int]:
    """The programmes whose events the person manages (the same as those whose surveys they manage)."""
    return coordinated_programme_ids(user)


COORDINATORS_CACHE_KEY = "events:coordinators"
COORDINATORS_CACHE_SECONDS = 300


def _coordinators() -> dict[str, frozenset[int]]:
    """Programme key -> the ids of its coordinators. The menu asks on every page, so the answer is
    kept in the cache (dropped whenever a coordinator is named or removed, see apps.py); with the
    cache down it is read from the database."""
    try:
        found = cache.get(COORDINATORS_CACHE_KEY)
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, timeouts, ...)
        logger.warning("The cache is unavailable (coordinators, get): %s", exc)
        found = None
    if found is None:
        pairs = ProgrammeCoordinator.objects.values_list("programme__key", "user_id")
        grouped: dict[str, set[int]] = {}
        for key, user_id in pairs:
            grouped.setdefault(key, set()).add(user_id)
        found = {key: frozenset(ids) for key, ids in grouped.items()}
        try:
            cache.set(COORDINATORS_CACHE_KEY, found, timeout=COORDINATORS_CACHE_SECONDS)
        except Exception as exc:
            logger.warning("The cache is unavailable (coordinators, set): %s", exc)
    return found


def forget_coordinators() -> None:
    try:
        cache.delete(COORDINATORS_CACHE_KEY)
    except Exception as exc:
        logger.warning("The cache is unavailable (coordinators, delete): %s", exc)


def may_manage_events(user, request=None) -> bool:
    """The person may open the organisers' list of events (the menu's entry, asked on every page,
    so it reads the cache rather than the database)."""
    from inspira.programmes.state import active_keys

    if is_administrator(user):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    coordinators = _coordinators()
    return any(user.pk in coordinators.get(key, ()) for key in active_keys(request))


def event_may_manage(*, user, event) -> bool:
    """A coordinator of the event's programme, or an administrator (both only while it is on)."""
    if not (user.is_authenticated and user.is_active) or not programme_is_active(event.programme.key):
        return False
    if is_administrator(user):
        return True
    return ProgrammeCoordinator.objects.filter(user=user, programme_id=event.programme_id).exists()


# The registered see the online link from this long before the start until the end.
ONLINE_LINK_LEAD = datetime.timedelta(minutes=30)


def event_online_link_visible(*, user, event, now=None) -> bool:
    """The organisers always; a person with a confirmed registration from ONLINE_LINK_LEAD before
    the start until the end; nobody else, ever (not in the public calendar, its feeds or any email)."""
    if not event.online_link or not (user.is_authenticated and user.is_active):
        return False
    if event_may_manage(user=user, event=event):
        return True
    if event.is_cancelled:
        return False
    now = now or timezone.now()
    if not (event.starts_at - ONLINE_LINK_LEAD <= now < event.ends_at):
        return False
    from inspira.events.models import Registration

    return Registration.objects.filter(event=event, user=user, status=Registration.Status.CONFIRMED).exists()


def series_may_manage(*, user, series) -> bool:
    """The same people as the events of the series' programme: the rule is the programme's, one home."""
    return event_may_manage(user=user, event=series)
