"""Tables whose rows are written once: the one way Inspira keeps records that must not change.

``AppendOnlyModel`` refuses ``save()`` of a stored row and ``delete()``; its default manager's
queryset refuses ``update()`` and ``delete()`` (and so ``bulk_update()`` and ``update_or_create()``
of a stored row). Inserting (``save()`` of a new row, ``create()``, ``bulk_create()``) is all there
is; ``save()`` of a new object always INSERTs, so an object given the pk of a stored row fails
instead of overwriting it.

A model may name ``STATE_FIELDS``: what happens to the record afterwards (an invoice's PDF, sending
and payment), never its content. Those fields, and only those, may change, through
``save(update_fields=[...])`` or ``update()``.

What the ORM guard does not stop, on purpose:

- Django's own ``on_delete=SET_NULL`` when a referenced row (a person) is deleted: the deletion
  collector updates through ``_base_manager``, a plain manager. Deleting people is not how Inspira
  forgets them (they are anonymised), but the database must stay deletable by its owner.
- ``models.QuerySet(model=...)``, the plain queryset that the erasure of personal data uses for the
  few fields it may rewrite (``inspira.privacy.scrub.rewrite_protected``).
- Raw SQL. Where the rows are evidence or money, a PostgreSQL trigger refuses UPDATE and DELETE as
  well: ``append_only_trigger()`` below for fee entries, invoices, invoice lines and decisions, and
  ``inspira/core/migrations/0003_audit_append_only.py`` for the audit trail.
"""

from contextlib import contextmanager

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, migrations, models, transaction


def _field_names(model, names) -> set[str]:
    """Field names for names or attnames (``paid_marked_by_id`` is ``paid_marked_by``)."""
    result = set()
    for name in names:
        try:
            result.add(model._meta.get_field(name).name)
        except FieldDoesNotExist:
            result.add(name)
    return result


def _refusal(model, what: str) -> TypeError:
    hint = f"; {model.APPEND_ONLY_HINT}" if model.APPEND_ONLY_HINT else ""
    return TypeError(f"{model.__name__} rows are append-only and cannot be {what}{hint}")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        content = _field_names(self.model, kwargs) - self.model.STATE_FIELDS
        if content:
            raise _refusal(self.model, f"changed ({', '.join(sorted(content))})")
        return super().update(**kwargs)

    def delete(self):
        raise _refusal(self.model, "deleted")


class AppendOnlyModel(models.Model):
    # Fields that record what happened to the row since it was written; the only ones that change.
    STATE_FIELDS: frozenset[str] = frozenset()
    # What to do instead, for the developer who tried (e.g. "issue a credit note").
    APPEND_ONLY_HINT = ""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *, force_insert=False, force_update=False, using=None, update_fields=None):
        if self._state.adding and not force_update and update_fields is None:
            # Always an INSERT: a new object given the pk of a stored row must fail, not overwrite it
            # (Django would otherwise try an UPDATE first).
            super().save(force_insert=True, using=using)
            return
        if (not self._state.adding and update_fields
                and _field_names(type(self), update_fields) <= self.STATE_FIELDS):
            super().save(using=using, update_fields=update_fields)
            return
        raise _refusal(type(self), "changed")

    def delete(self, *args, **kwargs):
        raise _refusal(type(self), "deleted")


# --- The erasure of personal data ------------------------------------------------------------------------

ERASURE_FLAG = "inspira.erasure"


@contextmanager
def erasure_rewrites():
    """Let this transaction rewrite the columns that an append-only trigger names as erasable.

    For the erasure of personal data only (``inspira.privacy.scrub.rewrite_protected``): e.g. a
    contact person's name in an invoice's party details. On PostgreSQL this sets a flag for the
    current transaction that ``inspira_append_only()`` reads, and clears it when the block ends
    without an error; should the block fail, the rollback takes the flag with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("erasure_rewrites() needs a transaction")
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [ERASURE_FLAG])
    yield
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [ERASURE_FLAG])


# --- In the database (PostgreSQL) --------------------------------------------------------------------------

class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite has the ORM guard only)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def append_only_trigger(table: str, *, state=(), erasable=(), nullable=()) -> RunSQLOnPostgreSQL:
    """A migration operation: on PostgreSQL, refuse DELETE of ``table``'s rows, and UPDATE of any
    column except ``state`` columns, ``erasable`` columns inside ``erasure_rewrites()``, and
    ``nullable`` columns set to NULL (what ``on_delete=SET_NULL`` does when a person is deleted).

    The columns are the database's (``created_by_id``). The function itself is made by
    ``core.0004_append_only_function``; a migration that calls this depends on it. TRUNCATE is not
    refused: the test runner and ``flush`` empty tables with it, and it needs the owner's rights.
    """
    for column in (*state, *erasable, *nullable):
        if not column.replace("_", "").isalnum():
            raise ValueError(f"Not a column name: {column!r}")
    arguments = ", ".join(f"'{','.join(columns)}'" for columns in (state, erasable, nullable))
    name = f"{table}_append_only"
    return RunSQLOnPostgreSQL(
        f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION inspira_append_only({arguments});",
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )

