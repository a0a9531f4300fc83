from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "billing-central-invoices-monthly"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # On the first of each month at 02:00 in Stockholm: the central administration's invoices of
    # the month before. Running again (or finance's button) makes no second invoice.
    stockholm = ZoneInfo("Europe/Stockholm")
    today = datetime.now(stockholm).date()
    year, month = (today.year, today.month + 1) if today.month < 12 else (today.year + 1, 1)
    first = datetime.combine(today.replace(year=year, month=month, day=1), time(2, 0), tzinfo=stockholm)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "inspira.billing.tasks.central_invoices_previous_month",
            "schedule_type": "M",  # monthly, from next_run
            "repeats": -1,
            "next_run": first,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
