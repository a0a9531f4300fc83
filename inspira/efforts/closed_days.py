"""The development centre's own closed days (a planning day, a staff trip): they do not count on the
proposal clock, besides weekends and the Swedish holidays (``core.workdays``)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.workdays import holiday_name
from inspira.efforts.models import ClosedDay

# Closed days are planned within the years the clock can reach; a day further off is a typing error.
YEARS_AHEAD = 5


class ClosedDayError(Exception):
    """Why the day cannot be added; translated, shown as is."""


def not_a_working_day(day: date) -> str | None:
    """Why ``day`` is no working day anyway (a weekend, a holiday by name), or None for a working day."""
    name = holiday_name(day)
    if name:
        return _("%(day)s is already a holiday (%(name)s).") % {"day": formats.date_format(day), "name": name}
    if day.weekday() >= 5:
        return _("%(day)s is a Saturday or Sunday, which never counts.") % {"day": formats.date_format(day)}
    return None


@transaction.atomic
def closed_day_add(*, day: date, reason: str, actor, now=None) -> ClosedDay:
    today = timezone.localdate(now)
    if not today - timedelta(days=366) <= day <= today + timedelta(days=366 * YEARS_AHEAD):
        raise ClosedDayError(_("Choose a day between a year ago and %(n)s years ahead.") % {"n": YEARS_AHEAD})
    reason = reason.strip()
    if not reason:
        raise ClosedDayError(_("Say why the centre is closed."))
    why_not = not_a_working_day(day)
    if why_not:
        raise ClosedDayError(why_not + " " + _("It does not count on the proposal clock in any case."))
    try:
        with transaction.atomic():  # a savepoint: two coordinators adding the same day at once
            closed = ClosedDay.objects.create(day=day, reason=reason)
    except IntegrityError:
        message = _("The centre is already closed on %(day)s.") % {"day": formats.date_format(day)}
        raise ClosedDayError(message) from None
    audit_record(actor=actor, action="effort.closed_day_added", obj=closed,
                 summary=f"{day.isoformat()} {reason}", data={"day": day.isoformat(), "reason": reason})
    return closed


@transaction.atomic
def closed_day_remove(*, closed_day: ClosedDay, actor) -> None:
    audit_record(actor=actor, action="effort.closed_day_removed", obj=closed_day,
                 summary=f"{closed_day.day.isoformat()} {closed_day.reason}",
                 data={"day": closed_day.day.isoformat(), "reason": closed_day.reason})
    closed_day.delete()
