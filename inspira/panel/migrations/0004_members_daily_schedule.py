from datetime import time

from django.db import migrations

from inspira.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("panel", "0003_consent_text_append_only"), ("django_q", "0018_task_success_index")]
    # Daily at 06:00 in Stockholm, before people start their day.
    operations = [daily_schedule(name="panel-membership-daily", func="inspira.panel.tasks.membership_daily",
                                 at=time(6, 0))]
