from datetime import time

from django.db import migrations

from inspira.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_register"), ("django_q", "0018_task_success_index")]
    # Nightly at 03:30 in Stockholm: Skolverket extracts the register shortly after midnight, and the
    # administrators find the night's changes in the morning.
    operations = [daily_schedule(name="schools-register-import-nightly",
                                 func="inspira.schools.tasks.register_import_nightly", at=time(3, 30))]
