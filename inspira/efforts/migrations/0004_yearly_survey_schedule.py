from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "efforts-yearly-surveys-daily"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Every day at 06:00 in Stockholm: a yearly survey whose day has come is sent (before the working
    # day starts). Running again sends nothing a second time.
    stockholm = ZoneInfo("Europe/Stockholm")
    tomorrow = datetime.now(stockholm).date() + timedelta(days=1)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.efforts.tasks.send_due_yearly_surveys",
            "schedule_type": "D",  # daily, from next_run
            "repeats": -1,
            "next_run": datetime.combine(tomorrow, time(6, 0), tzinfo=stockholm),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("efforts", "0003_proposal_deadline_warning_schedule"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
