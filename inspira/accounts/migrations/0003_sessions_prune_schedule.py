from datetime import time

from django.db import migrations

from inspira.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sign_ins"), ("django_q", "0018_task_success_index")]
    # After the retention job (03:15) and before anyone works.
    operations = [daily_schedule(name="accounts-sessions-prune", func="inspira.accounts.tasks.prune_sessions",
                                 at=time(3, 45))]
