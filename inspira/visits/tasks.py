"""django-q2 entry points of visits. Plain functions that take ids and can run twice safely.

The emails themselves are recorded in the outbox by the services, in the transaction that makes
the change (see notifications.py), under keys that name each event; the outbox's job sends them.
So running any of these again never sends an email twice. The scheduled jobs (see the migration
0002_schedules) release expired holds, pass expired waiting-list offers on and send reminders.
"""

from django.db import transaction

from inspira.visits import notifications, services
from inspira.visits.models import Booking


def release_expired_holds() -> int:
    return services.release_expired_holds()


def expire_waiting_list_offers() -> int:
    return services.expire_offers()


def send_reminders() -> int:
    return services.send_reminders()


def send_booking_confirmation(booking_id: int) -> bool:
    """(Re)send the confirmation of a confirmed booking. The key makes a repeat a no-op."""
    booking = (Booking.objects.select_related("occasion__certification__school", "school", "booked_by")
               .filter(pk=booking_id, status=Booking.Status.CONFIRMED).first())
    if booking is None:
        return False
    with transaction.atomic():
        notifications.booking_confirmed(booking)
    return True
