"""Helpers for the tests of append-only tables (``inspira.core.appendonly``)."""

import pytest
from django.db import connection, transaction

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the trigger exists on PostgreSQL only; SQLite has the ORM guard")


def raw_sql(statement: str, params=()) -> int:
    """Run SQL past the ORM, as a shell session or a bug would; how many rows it touched."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def forged_copy(row, **changes):
    """A new object with every value of the stored ``row``, its primary key included, and ``changes``:
    what ``Model(pk=<existing>, ...)`` is."""
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return type(row)(**{**values, **changes})
