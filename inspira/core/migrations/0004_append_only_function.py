"""One trigger function for every append-only table but the audit trail's (PostgreSQL).

``inspira_append_only(state, erasable, nullable)`` refuses DELETE, and UPDATE of any column but the
ones its arguments name (comma-separated column lists): ``state`` columns always, ``erasable``
columns while the transaction has set ``inspira.erasure`` to ``on``
(``inspira.core.appendonly.erasure_rewrites``), ``nullable`` columns set to NULL. The tables attach
it with ``inspira.core.appendonly.append_only_trigger`` in their own migrations.

The error is an integrity_constraint_violation, which Django raises as ``IntegrityError``.
SQLite has no trigger: there the ORM guard (``AppendOnlyModel``) is all there is.
"""

from django.db import migrations

from inspira.core.appendonly import RunSQLOnPostgreSQL

FORWARD = """
CREATE OR REPLACE FUNCTION inspira_append_only() RETURNS trigger AS $$
DECLARE
    state text[] := string_to_array(coalesce(TG_ARGV[0], ''), ',');
    erasable text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');
    nullable text[] := string_to_array(coalesce(TG_ARGV[2], ''), ',');
    erasing boolean := coalesce(current_setting('inspira.erasure', true), '') = 'on';
    old_row jsonb;
    new_row jsonb;
    col text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        FOR col IN SELECT jsonb_object_keys(new_row) LOOP
            CONTINUE WHEN new_row -> col IS NOT DISTINCT FROM old_row -> col;
            CONTINUE WHEN col = ANY(state);
            CONTINUE WHEN erasing AND col = ANY(erasable);
            CONTINUE WHEN col = ANY(nullable) AND new_row -> col = 'null'::jsonb;
            RAISE EXCEPTION '% is append-only: UPDATE of % in row % refused', TG_TABLE_NAME, col, OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END LOOP;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % of row % refused', TG_TABLE_NAME, TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

REVERSE = "DROP FUNCTION IF EXISTS inspira_append_only();"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_append_only"),
    ]

    operations = [
        RunSQLOnPostgreSQL(FORWARD, REVERSE),
    ]
