"""The director's decisions are append-only in the database too (PostgreSQL).

A decision is a public record: the model refuses changes through the ORM (``AppendOnlyModel``) and
this trigger refuses UPDATE and DELETE from any SQL. Nothing may change, not even at the erasure of
a person (the decision must show who decided, as recorded).
"""

from django.db import migrations

from inspira.core.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0006_application_pictures_in_private_storage"),
        ("core", "0004_append_only_function"),
    ]

    operations = [
        append_only_trigger("certification_decision"),
    ]
