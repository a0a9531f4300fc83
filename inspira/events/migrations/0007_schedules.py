from django.db import migrations

# name -> (function, minutes between runs)
SCHEDULES = {
    "events-expire-waiting-list-offers": ("inspira.events.tasks.expire_offers", 10),
    # Hourly: a reminder goes from midnight two days before the event; the outbox key keeps it to one.
    "events-reminders": ("inspira.events.tasks.send_reminders", 60),
}


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, (func, minutes) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1},
        )


def delete_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0006_eligibility"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedules, delete_schedules)]
