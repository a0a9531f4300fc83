"""A daily django-q2 schedule, made by a data migration (style: "Put schedules in a data migration").

``daily_schedule(name=..., func=..., at=time(3, 30))`` is the migration's operation: it creates (or
updates) the schedule to run first at the next ``at`` on Stockholm's clock, and removes it when the
migration is reversed. django-q2 keeps the local hour across the daylight-saving changes for daily
schedules. (The apps' earlier daily schedules spell the same steps out in their own migrations.)
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def next_daily_run(at: time, *, now: datetime | None = None) -> datetime:
    """The next moment the clock in Stockholm shows ``at``: today's, or tomorrow's if it has passed."""
    now = (now or datetime.now(STOCKHOLM)).astimezone(STOCKHOLM)
    first = datetime.combine(now.date(), at, tzinfo=STOCKHOLM)
    return first if first > now else datetime.combine(now.date() + timedelta(days=1), at, tzinfo=STOCKHOLM)


def daily_schedule(*, name: str, func: str, at: time) -> migrations.RunPython:
    def create(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": "D", "repeats": -1, "next_run": next_daily_run(at)},
        )

    def delete(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(create, delete)
