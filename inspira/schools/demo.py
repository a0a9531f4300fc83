"""Demo data for schools: the municipality's school breaks of the current and the next school year.

Called by ``manage.py load_demo`` before the demos that publish occasions, which then keep clear of
the breaks through the occasion rules; idempotent. The dates follow Stockholm's usual pattern
(höstlov in week 44, sportlov in week 9); the administration enters the real ones each year.
"""

import datetime

from dateutil.easter import easter
from django.utils import timezone

from inspira.schools.models import ClosedPeriod


def stockholm_breaks(start_year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """(name, first day, last day) of the breaks in the school year starting 1 July ``start_year``."""
    spring = start_year + 1
    week = datetime.date.fromisocalendar
    easter_monday = easter(spring) + datetime.timedelta(days=1)
    return [
        ("Höstlov", week(start_year, 44, 1), week(start_year, 44, 5)),
        ("Jullov", datetime.date(start_year, 12, 20), datetime.date(spring, 1, 7)),
        ("Sportlov", week(spring, 9, 1), week(spring, 9, 5)),
        # The week after Easter Sunday: Easter Monday and the four days after it.
        ("Påsklov", easter_monday, easter_monday + datetime.timedelta(days=4)),
    ]


def load(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    current = today.year if today.month >= 7 else today.year - 1  # school years start on 1 July
    added = 0
    for start_year in (current, current + 1):
        for name, starts_on, ends_on in stockholm_breaks(start_year):
            _period, created = ClosedPeriod.objects.get_or_create(
                school=None, name=name, starts_on=starts_on,
                defaults={"ends_on": ends_on, "kind": ClosedPeriod.Kind.BREAK},
            )
            added += created
    if added:
        stdout.write(f"Added {added} school breaks of the municipality.")
