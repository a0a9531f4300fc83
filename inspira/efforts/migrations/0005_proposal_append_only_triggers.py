"""The proposal's versions and the principal's answers are append-only in the database too (PostgreSQL).

A version is what the centre presented and the principal answered; the answer names the version it
accepted. The models refuse changes through the ORM (``AppendOnlyModel``); these triggers refuse
UPDATE and DELETE from any SQL. What may change:

- inside ``erasure_rewrites()``, the free text (a person's name mentioned in it:
  ``inspira.privacy.scrub.rewrite_protected``), never the version, the effort, the answer or the times;
- who presented or answered, set to NULL when that account is deleted (``on_delete=SET_NULL``).

The column lists are written out here rather than read from the models, so this migration does what
it did when it was written.
"""

from django.db import migrations

from inspira.core.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("efforts", "0004_yearly_survey_schedule"),
        ("core", "0004_append_only_function"),
    ]

    operations = [
        append_only_trigger("efforts_proposal", erasable=("summary", "goals", "plan", "scope"),
                            nullable=("created_by_id",)),
        append_only_trigger("efforts_proposalresponse", erasable=("comment",), nullable=("by_id",)),
    ]
