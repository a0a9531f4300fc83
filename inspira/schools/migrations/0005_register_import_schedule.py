from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "schools-register-import-nightly"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Nightly at 03:30 in Stockholm: Skolverket extracts the register shortly after midnight, and the
    # administrators find the night's changes in the morning. django-q2 keeps the local hour across the
    # daylight-saving changes for daily schedules.
    stockholm = ZoneInfo("Europe/Stockholm")
    now = datetime.now(stockholm)
    first = datetime.combine(now.date(), time(3, 30), tzinfo=stockholm)
    if first <= now:
        first = datetime.combine(now.date() + timedelta(days=1), time(3, 30), tzinfo=stockholm)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.schools.tasks.register_import_nightly",
            "schedule_type": "D",  # daily
            "repeats": -1,
            "next_run": first,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_register"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
