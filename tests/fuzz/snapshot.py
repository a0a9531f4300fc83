"""What a request changed in the database: every row of every model, before and after."""

import json
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

# Rows that requests write whatever the form said, and why that is fine.
IGNORED_MODELS = {
    "sessions.Session": "logging in and showing a message write the session",
    "axes.AccessAttempt": "a failed login is recorded on purpose (login throttling)",
    "axes.AccessFailureLog": "a failed login is recorded on purpose (login throttling)",
    "axes.AccessAttemptExpiration": "a failed login is recorded on purpose (login throttling)",
    "axes.AccessLog": "django-axes logs every login, including the test's own force_login",
}
# Large tables no form writes: their row count is compared, not their content.
COUNT_ONLY_MODELS = {"auth.Permission", "contenttypes.ContentType"}


def _models():
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and m._meta.label not in IGNORED_MODELS]


@lru_cache(maxsize=4)
def _queries(vendor: str) -> list[tuple[str, str, int]]:
    """(label, SQL, index of the primary key) per model. Raw SQL: the ORM's query building costs
    more than the tiny tables it reads, and this runs twice per example."""
    quote = connection.ops.quote_name  # names from the models, not from input: S608 does not apply
    queries = []
    for model in _models():
        label = model._meta.label
        if label in COUNT_ONLY_MODELS:
            queries.append((label, f"SELECT COUNT(*) FROM {quote(model._meta.db_table)}", -1))  # noqa: S608
            continue
        fields = model._meta.concrete_fields
        columns = ", ".join(quote(f.column) for f in fields)
        queries.append((label, f"SELECT {columns} FROM {quote(model._meta.db_table)}",  # noqa: S608
                        [f.attname for f in fields].index(model._meta.pk.attname)))
    return queries


@lru_cache(maxsize=1)
def _postgresql_query() -> str:
    """All tables in one round trip (PostgreSQL): (label, primary key, the row as JSON text)."""
    quote = connection.ops.quote_name
    parts = []
    for model in _models():
        label, table = model._meta.label, quote(model._meta.db_table)
        if label in COUNT_ONLY_MODELS:
            parts.append(f"SELECT '{label}', 'count', COUNT(*)::text FROM {table}")  # noqa: S608
        else:
            parts.append(f"SELECT '{label}', t.{quote(model._meta.pk.column)}::text, row_to_json(t)::text "  # noqa: S608
                         f"FROM {table} t")
    return " UNION ALL ".join(parts)


Snapshot = dict[str, dict]


def take() -> Snapshot:
    """Every row of every model as ``{label: {pk: row}}``: a row is its raw values (a tuple), or on
    PostgreSQL its JSON text. Count-only models: ``{label: {"count": n}}``."""
    rows: Snapshot = {model._meta.label: {} for model in _models()}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_postgresql_query())
            for label, pk, row in cursor.fetchall():
                rows[label][pk] = row
            return rows
        for label, sql, pk_index in _queries(connection.vendor):
            cursor.execute(sql)
            if pk_index < 0:
                rows[label] = {"count": cursor.fetchone()[0]}
            else:
                rows[label] = {values[pk_index]: values for values in cursor.fetchall()}
    return rows


def _python_values(model, row: tuple | str) -> dict:
    """A row as the ORM would read it (dates, decimals, JSON...), by attribute name."""
    fields = model._meta.concrete_fields
    if isinstance(row, str):
        data = json.loads(row)
        return {f.attname: f.to_python(data[f.column]) if data[f.column] is not None else None for f in fields}
    values = {}
    for f, value in zip(fields, row, strict=True):
        col = f.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(col) + f.get_db_converters(connection):
            value = converter(value, col, connection)
        values[f.attname] = value
    return values


@dataclass
class Change:
    label: str
    pk: object
    before: tuple | str | None  # None: a new row
    after: tuple | str | None  # None: a deleted row

    def describe(self) -> str:
        if self.before is None:
            return f"{self.label} {self.pk} added"
        if self.after is None:
            return f"{self.label} {self.pk} deleted"
        model = apps.get_model(self.label)
        before, after = _python_values(model, self.before), _python_values(model, self.after)
        changed = [f"{name}: {before[name]!r:.80} -> {after[name]!r:.80}" for name in before
                   if before[name] != after[name]]
        return f"{self.label} {self.pk} changed ({'; '.join(changed)})"


def diff(before: Snapshot, after: Snapshot) -> list[Change]:
    changes = []
    for label, rows in after.items():
        old = before.get(label, {})
        for pk in old.keys() | rows.keys():
            if old.get(pk) != rows.get(pk):
                changes.append(Change(label, pk, old.get(pk), rows.get(pk)))
    return changes


def _errors(instance) -> set[str]:
    try:
        instance.full_clean()
    except ValidationError as exc:
        return {f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages}
    return set()


def invalid_rows(changes: list[Change]) -> list[str]:
    """Rows a request added or changed that the model's own validation (``full_clean``) refuses.

    A row that was already refused before the request (test data made without validation) is
    judged only on what the request made worse.
    """
    problems = []
    for change in changes:
        if change.after is None or change.label.split(".")[0] in {"auth", "contenttypes"}:
            continue
        model = apps.get_model(change.label)
        now = _errors(model._base_manager.get(pk=change.pk))
        if change.before is not None:
            now -= _errors(model(**_python_values(model, change.before)))
        if now:
            problems.append(f"{change.describe()}: full_clean() refuses it: {sorted(now)}")
    return problems
