"""Time spans that people read on the local clock (settings.TIME_ZONE), not in UTC.

"Held for 72 hours" made at 10:00 on a Friday means "until 10:00 on Monday" to the person who
reads it, also on the weekends when the clocks change (then it is 71 or 73 real hours). Adding
hours to a UTC moment would shift that end by an hour across the change.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone


def local_clock_after(moment: datetime, span: timedelta) -> datetime:
    """``span`` later on the local wall clock, as an aware moment in UTC.

    A local time that the spring change skips (02:30 on the last Sunday of March) is read with
    the offset before the change, i.e. it becomes 03:30 summer time.
    """
    local = timezone.localtime(moment, timezone.get_default_timezone())
    # Arithmetic on an aware datetime adds to its wall clock; the offset follows the new date.
    return (local + span).astimezone(UTC)


def local_midnight(day: date) -> datetime:
    """The moment ``day`` begins on the local clock, as an aware moment in UTC."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone()).astimezone(UTC)
