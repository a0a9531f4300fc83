"""A version of the consent text never changes, in the database too (PostgreSQL): a member's
consent names the words they agreed to. Only who published it may become NULL (that account deleted).
The column list is written out here, so this migration does what it did when it was written."""

from django.db import migrations

from inspira.core.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0002_subjects_and_consent"),
        ("core", "0004_append_only_function"),
    ]

    operations = [
        append_only_trigger("panel_consenttext", nullable=("published_by_id",)),
    ]
