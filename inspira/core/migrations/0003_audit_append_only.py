"""The audit trail is append-only in the database too (PostgreSQL).

The model refuses to change or delete rows through the ORM; this trigger refuses UPDATE and DELETE
from any SQL, so a bug, a shell session or a raw query cannot rewrite what was done. Two UPDATEs
are let through:

- ``actor_id`` set to NULL with every other column unchanged: what Django's ``on_delete=SET_NULL``
  does when a person is deleted (Inspira deletes only accounts that were never verified; everyone
  else is anonymised).
- ``summary`` and ``data`` changed (and ``actor_id`` kept or cleared), nothing else, while the
  transaction has set ``inspira.audit_erasure`` to ``on``: the erasure of a person replaces their
  name and address where a summary mentions them (``inspira.core.audit.audit_erasure``). When,
  what and on which object stay as they were.

TRUNCATE is not refused: Django's test runner and ``manage.py flush`` empty tables with it, and it
needs the table owner's rights anyway. A trigger is no defence against the database owner, who can
drop it; in production the application's role can also be granted only INSERT, SELECT and UPDATE.

SQLite (development, the first test pass) has no trigger: there the ORM guard is all there is.
"""

from django.db import migrations, models

from inspira.core.appendonly import RunSQLOnPostgreSQL

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.actor_id IS NULL
           AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
            RETURN NEW;
        END IF;
        IF current_setting('inspira.audit_erasure', true) = 'on'
           AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
           AND to_jsonb(NEW) - ARRAY['actor_id', 'summary', 'data']
               = to_jsonb(OLD) - ARRAY['actor_id', 'summary', 'data'] THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of core_auditevent row % refused', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox_sweeper_schedule"),
    ]

    operations = [
        # The audit page filters by action, newest first.
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "at"], name="audit_action_at"),
        ),
        RunSQLOnPostgreSQL(FORWARD, REVERSE),
    ]
