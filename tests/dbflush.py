"""Emptying the PostgreSQL test database after a test that committed (``transaction=True``, the
browser tests' ``live_server``), in milliseconds instead of seconds.

Django empties it with one ``TRUNCATE`` of all 86 tables. PostgreSQL truncates a table by giving it
(and each of its indexes) new files and dropping the old ones at commit: about 30 ms a table however
few its rows, ~2.8 s in all, after each of those tests. A test leaves a few rows in a few tables;
``DELETE`` removes them without touching the files. What the next test finds is the same: every
table empty, sequences not restarted (Django's flush does not restart them either, unless asked).

The tables with a trigger of their own (the append-only ones, whose trigger refuses ``DELETE``:
inspira/core/appendonly.py) are still truncated, first, and only if they hold rows; ``CASCADE``
takes any table that references them along. The foreign keys Django makes are checked at commit,
when every table is empty. ``reset_sequences`` keeps Django's own statement.
"""

from django.db.backends.postgresql.operations import DatabaseOperations

_django_sql_flush = DatabaseOperations.sql_flush

TABLES_WITH_TRIGGERS = ("SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)")


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if not tables or reset_sequences:
        return _django_sql_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    with self.connection.cursor() as cursor:
        cursor.execute(TABLES_WITH_TRIGGERS)
        triggered = sorted({name for (name,) in cursor.fetchall()} & set(tables))
        filled = []
        if triggered:
            # Table names from the database's own catalogue, quoted.
            cursor.execute(" UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {self.quote_name(name)})"  # noqa: S608
                for name in triggered), triggered)
            filled = [name for (name,) in cursor.fetchall()]
    sql = ["SET CONSTRAINTS ALL DEFERRED;"]  # Django makes its foreign keys deferrable: checked at commit
    if filled:
        sql.append(f"TRUNCATE {', '.join(self.quote_name(name) for name in filled)} CASCADE;")
    sql += [f"DELETE FROM {self.quote_name(name)};" for name in tables if name not in triggered]  # noqa: S608
    return sql


def install() -> None:
    DatabaseOperations.sql_flush = sql_flush
