"""Signals other apps listen to (apps lower down never import higher ones; billing sits above
visits and listens here).

Both are sent with ``sender=Booking`` by the completion services, inside
their transaction, so a receiver that raises undoes the change:

- ``booking_completed(booking=, by=, at=)``: the host marked the visit completed.
- ``booking_completion_undone(booking=, by=, at=, reason=)``: an administrator undid it.
"""

from django.dispatch import Signal

booking_completed = Signal()
booking_completion_undone = Signal()
