from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "accounts-sessions-prune"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Daily at 03:45 in Stockholm, after the retention job and before anyone works; django-q2 keeps the
    # local hour across the daylight-saving changes for daily schedules.
    stockholm = ZoneInfo("Europe/Stockholm")
    now = datetime.now(stockholm)
    first = datetime.combine(now.date(), time(3, 45), tzinfo=stockholm)
    if first <= now:
        first = datetime.combine(now.date() + timedelta(days=1), time(3, 45), tzinfo=stockholm)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.accounts.tasks.prune_sessions",
            "schedule_type": "D",  # daily
            "repeats": -1,
            "next_run": first,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sign_ins"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
