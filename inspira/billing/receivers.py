"""Billing listens to the visits app: a completed visit records its fees and invoices the visiting
school; an undone completion reverses them. The receivers run inside the completion service's
transaction, so an exception here (``FeeRuleMissing``, ``BillingNotPossible``) undoes the completion."""

from django.dispatch import receiver

from inspira.billing import services
from inspira.visits.models import Booking
from inspira.visits.signals import booking_completed, booking_completion_undone


@receiver(booking_completed, sender=Booking, dispatch_uid="billing.record_fees")
def record_fees(sender, *, booking, by=None, at=None, **kwargs):
    services.fee_entries_record(booking=booking, actor=by, at=at)


@receiver(booking_completion_undone, sender=Booking, dispatch_uid="billing.reverse_fees")
def reverse_fees(sender, *, booking, by=None, at=None, **kwargs):
    services.fee_entries_reverse(booking=booking, actor=by, at=at)
