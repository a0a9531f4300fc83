"""A person's own calendar feed: the events they hold a place on, at an address with a secret in it.

Calendar programs cannot log in, so whoever has the address can read the feed: it holds titles,
times and places of the person's events, never an online link (see ``ics._entry``). The person can
make a new address at any time, which stops the old one; erasing the person deletes it
(inspira/privacy/areas/events.py).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from inspira.core.audit import audit_record
from inspira.events.models import CalendarFeedToken, Event, Registration
from inspira.programmes.state import active_keys

# A year back is enough for a calendar: older entries are already in it, and the feed stays small.
FEED_HISTORY = timedelta(days=365)
MAX_TOKEN_LENGTH = 64


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeedToken:
    """Give the person a new secret address (the first, or one that replaces the old)."""
    CalendarFeedToken.objects.filter(user=user).delete()
    token = secrets.token_urlsafe(32)  # 256 bits: not guessable, and 43 URL-safe characters
    feed = CalendarFeedToken.objects.create(user=user, token=token, digest=_digest(token))
    audit_record(actor=user, action="event.calendar_feed_renewed", obj=feed,
                 data={"user": user.pk})
    return feed


def calendar_feed_of(user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user).first()


def calendar_feed_user(token: str):
    """The active person whose feed address holds ``token``, or None. The row is found by the token's
    digest (an index lookup, whose timing says nothing useful about the token); the token itself is
    then compared in constant time."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = CalendarFeedToken.objects.select_related("user").filter(digest=_digest(token)).first()
    if feed is None or not hmac.compare_digest(feed.token.encode(), token.encode()):
        return None
    return feed.user if feed.user.is_active else None


def feed_events(*, user, now=None, request=None):
    """The events the person holds a confirmed place on (their own or a group's they registered), of
    programmes that are on, from a year back. Cancelled events stay, shown as cancelled: a calendar
    that had them then takes them away. A cancelled or declined registration takes its event out."""
    now = now or timezone.now()
    return (Event.objects.filter(
                pk__in=Registration.objects.filter(user=user, status=Registration.Status.CONFIRMED).values("event_id"),
                programme__key__in=active_keys(request), ends_at__gte=now - FEED_HISTORY)
            .only("title", "description", "kind", "starts_at", "ends_at", "place", "uid", "sequence", "is_public",
                  "cancelled_at")
            .order_by("starts_at", "pk"))
