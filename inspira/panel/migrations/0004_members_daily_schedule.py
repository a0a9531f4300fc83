from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "panel-membership-daily"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Daily at 06:00 in Stockholm, before people start their day; django-q2 keeps the local
    # hour across the daylight-saving changes for daily schedules.
    stockholm = ZoneInfo("Europe/Stockholm")
    now = datetime.now(stockholm)
    first = datetime.combine(now.date(), time(6, 0), tzinfo=stockholm)
    if first <= now:
        first = datetime.combine(now.date() + timedelta(days=1), time(6, 0), tzinfo=stockholm)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.panel.tasks.membership_daily",
            "schedule_type": "D",  # daily
            "repeats": -1,
            "next_run": first,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("panel", "0003_consent_text_append_only"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
