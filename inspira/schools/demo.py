"""Demo data for schools: the municipality's school breaks of the current and the next school year, and
Stockholm's units from the recorded answer of Skolverket's school-unit register.

Called by ``manage.py load_demo`` before the demos that publish occasions, which then keep clear of
the breaks through the occasion rules; idempotent. The dates follow Stockholm's usual pattern
(höstlov in week 44, sportlov in week 9); the administration enters the real ones each year.
"""

import datetime
from pathlib import Path

from dateutil.easter import easter
from django.conf import settings
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


# The recorded answer of Skolverket's register for Stockholm (fixtures/skolenhetsregistret/README.md).
REGISTER_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "skolenhetsregistret" / "0180"
# Skarpnäcksskolan closed when it merged into Skarpnäcks skola; the register does not say so, the
# administration records it by hand.
MERGED = ("57381620", "41827365")
DEMO_ADMINISTRATOR = "admin@inspira.example"


def load_register(*, stdout) -> None:
    """Import the recorded Stockholm answer through the real import, as the nightly job would, and record
    the merged unit's successor. The demo's schools have the register's data, so a second load changes
    no school and writes no history: only one more import in the log. Needs the demo's administrator."""
    from django.contrib.auth import get_user_model

    from inspira.schools.models import RegisterImport, RegisterUnit
    from inspira.schools.register import register_import, register_successor_set
    from inspira.schools.register_source import RecordedSource

    run = register_import(source=RecordedSource(REGISTER_FIXTURE), municipality_code="0180",
                          trigger=RegisterImport.Trigger.DEMO)
    closed, successor = (RegisterUnit.objects.get(unit_code=code) for code in MERGED)
    administrator = get_user_model().objects.get(email=DEMO_ADMINISTRATOR)
    register_successor_set(unit=closed, successor=successor, actor=administrator)
    stdout.write(f"Imported {run.units} school units of Stockholm from the recorded answer of Skolverket's "
                 f"register ({run.added} new); {closed.name} is succeeded by {successor.name}.")
