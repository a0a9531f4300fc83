from datetime import timedelta

from django.db import migrations
from django.utils import timezone

NAME = "federation-metadata-refresh"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Every six hours: federations publish a new aggregate at least daily and sign it valid for days, so a
    # failed fetch or two costs nothing. The task does nothing while sign-in through the federation is off.
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.federation.tasks.refresh_metadata",
            "schedule_type": "I",  # every `minutes`
            "minutes": 6 * 60,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=5),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("federation", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
