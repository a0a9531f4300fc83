from django.db import migrations


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="outbox-sweeper",
        defaults={
            "func": "inspira.core.tasks.outbox_sweep",
            "schedule_type": "I",  # minutes
            "minutes": 2,
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="outbox-sweeper").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create_schedule, delete_schedule)]
