"""How an occasion counts its places: the shared capacity mechanism (``inspira.core.capacity``)
set up for visits. Services take and free places through it; selectors annotate lists with it."""

from django.db.models import Q

from inspira.core.capacity import Capacity
from inspira.visits.models import Booking, Occasion, WaitingListEntry

PLACES = Capacity(
    container=Occasion, holder=Booking, container_field="occasion",
    holding=Q(status__in=Booking.ACTIVE_STATUSES), lock_related=("certification__school",),
    line=WaitingListEntry, waiting=WaitingListEntry.Status.WAITING, offered=WaitingListEntry.Status.OFFERED,
    expired=WaitingListEntry.Status.EXPIRED, line_related=("school", "user"),
)
