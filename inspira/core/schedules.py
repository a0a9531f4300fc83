"""Daily django-q2 schedules, made by data migrations (style: "put schedules in a data migration").

Used by migrations, so keep what it writes stable: a change here changes what old migrations do.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def daily_schedule(*, name: str, func: str, at: time):
    """(forwards, backwards) for ``migrations.RunPython``: run ``func`` daily at ``at`` Stockholm time.
    django-q2 keeps the local hour across the daylight-saving changes for daily schedules."""

    def create(apps, schema_editor):
        now = datetime.now(STOCKHOLM)
        first = datetime.combine(now.date(), at, tzinfo=STOCKHOLM)
        if first <= now:
            first = datetime.combine(now.date() + timedelta(days=1), at, tzinfo=STOCKHOLM)
        apps.get_model("django_q", "Schedule").objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": "D", "repeats": -1, "next_run": first})

    def delete(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return create, delete
