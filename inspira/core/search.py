"""Case-insensitive text search that treats Å, Ä and Ö like any other letter, on every database.

SQLite's ``LIKE`` and ``UPPER`` fold only ASCII letters, so Django's ``icontains`` finds
"Ålsten" for "ålsten" on PostgreSQL but not on SQLite (the demo's database). Every search box
uses ``folded_contains`` (or ``text_matches``), which on SQLite compares both sides through a
Python function registered on each new connection; PostgreSQL's own ``UPPER`` already folds
every letter, so there it is plain ``icontains``.
"""
from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.lookups import IContains
from django.dispatch import receiver

FOLD_FUNCTION = "inspira_fold"


def fold(value):
    """The form both sides of a search are compared in: ``str.casefold`` ("SÖDRA" → "södra")."""
    return None if value is None else str(value).casefold()


@receiver(connection_created, dispatch_uid="inspira.core.search.register_fold")
def register_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


@models.Field.register_lookup
class FoldedContains(IContains):
    """``field__folded_contains=text``: ``icontains`` that folds every letter's case on every database."""

    lookup_name = "folded_contains"

    def as_sql(self, compiler, connection):
        # Built as Django's own icontains, so each backend adds its case folding (UPPER on PostgreSQL).
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        # The pattern's wildcards and escapes are ASCII, so folding the whole pattern keeps them.
        return (f"{FOLD_FUNCTION}({lhs_sql}) LIKE {FOLD_FUNCTION}({rhs_sql}) ESCAPE '\\'",
                (*lhs_params, *rhs_params))


def text_matches(text: str, *fields: str) -> Q:
    """Rows where one of ``fields`` contains ``text``, whatever the case of its letters."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__folded_contains": text})
    return condition
