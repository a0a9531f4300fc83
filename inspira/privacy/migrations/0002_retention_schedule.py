from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "privacy-retention"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Daily at 03:15 in Stockholm, when no one is working; django-q2 keeps the local hour across
    # the daylight-saving changes for daily schedules.
    stockholm = ZoneInfo("Europe/Stockholm")
    now = datetime.now(stockholm)
    first = datetime.combine(now.date(), time(3, 15), tzinfo=stockholm)
    if first <= now:
        first = datetime.combine(now.date() + timedelta(days=1), time(3, 15), tzinfo=stockholm)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.privacy.tasks.apply_retention",
            "schedule_type": "D",  # daily
            "repeats": -1,
            "next_run": first,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
