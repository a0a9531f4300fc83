"""Benchmarking listens to the events app, which knows nothing of rounds: a participant's attendance
marked at a round's kick-off or closing meeting is a day away (``costs.day_away_from_attendance``).

The receiver runs inside the transaction of the save (``events.attendance.attendance_mark`` is
atomic), so the day away and the mark are kept or undone together. ``attendance_finish`` marks the
unmarked absent with a bulk update, which sends no signal; it needs none: nobody unmarked has a day.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from inspira.events.models import Registration

# A save that touches none of these cannot change whether the person attended.
_ATTENDANCE_FIELDS = {"attended", "status"}


@receiver(post_save, sender=Registration, dispatch_uid="benchmarking.day_away_from_attendance")
def day_away_from_attendance(sender, *, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or instance.is_group or instance.user_id is None:
        return
    if created and instance.attended is not True:
        return  # a new place, not yet attended: no day to add or remove
    if update_fields is not None and not (_ATTENDANCE_FIELDS & set(update_fields)):
        return
    from inspira.benchmarking.costs import day_away_from_attendance as follow

    follow(registration=instance)
