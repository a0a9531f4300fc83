"""How an event counts its places: the shared capacity mechanism (``inspira.core.capacity``), the
same one the study visits book through. A registration row is both holder and waiting-list entry:
CONFIRMED rows hold places, OFFERED rows keep them until the offer expires."""

from django.db.models import Q

from inspira.core.capacity import Capacity
from inspira.events.models import Event, Registration

PLACES = Capacity(
    container=Event, holder=Registration, container_field="event",
    holding=Q(status=Registration.Status.CONFIRMED), lock_related=("programme",),
    line=Registration, waiting=Registration.Status.WAITING, offered=Registration.Status.OFFERED,
    expired=Registration.Status.EXPIRED, line_related=("user", "school"),
)
