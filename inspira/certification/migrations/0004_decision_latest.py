from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("certification", "0003_casework_private_files_and_numbers"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["-decided_at", "-id"], name="decision_latest"),
        ),
    ]
