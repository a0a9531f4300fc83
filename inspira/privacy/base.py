"""The pieces every area of the registry (``inspira.privacy.areas``) is built from."""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from inspira.privacy.scrub import Scrubber, Subject


@dataclass
class Category:
    """One kind of personal data in the download: a heading, what erasure does with it, the rows."""

    key: str
    title: str
    on_erasure: str
    rows: list[dict]


@dataclass
class ErasureContext:
    """What an area's ``erase`` gets: who (as they were), the locked account, and counters that end up
    in the audit event (numbers only, never personal data)."""

    subject: Subject
    scrubber: Scrubber
    user: models.Model
    actor: models.Model | None
    now: datetime.datetime
    counts: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Area:
    """One app's part of the registry.

    ``fields`` names, per model, every field holding personal data that this area exports or erases
    (including foreign keys to the person, which stay and point to the anonymised account).
    ``kept`` and ``not_personal`` name fields left as they are, each with the reason.
    tests/privacy/test_registry.py fails when a model's field is in none of them.
    """

    name: str
    export: Callable[[models.Model, Scrubber], list[Category]]
    erase: Callable[[ErasureContext], None]
    fields: Mapping[str, Iterable[str]]
    kept: Mapping[str, str] = field(default_factory=dict)
    not_personal: Mapping[str, str] = field(default_factory=dict)
    # Models only known at run time (e.g. the two-factor devices of django-otp, when installed).
    dynamic_fields: Callable[[], Mapping[str, Iterable[str]]] | None = None

    def all_fields(self) -> dict[str, set[str]]:
        result = {label: set(names) for label, names in self.fields.items()}
        if self.dynamic_fields is not None:
            for label, names in self.dynamic_fields().items():
                result.setdefault(label, set()).update(names)
        return result


def plain(value):
    """A value as the download shows it: local time, ISO dates, text for the rest."""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.isoformat(timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | str | list | dict):
        return value
    return str(value)


def row(**values) -> dict:
    return {key: plain(value) for key, value in values.items()}


@dataclass(frozen=True)
class Action:
    """Records that name the person as the one who did something (a foreign key to them): exported as
    "things you did", and kept at erasure, pointing to the anonymised account."""

    model: type[models.Model]
    field: str
    at: str  # the field with the record's date or time


def actions(user, specs: Iterable[Action]) -> list[dict]:
    rows = []
    for spec in specs:
        opts = spec.model._meta
        role = str(opts.get_field(spec.field).verbose_name)
        for pk, at in spec.model._default_manager.filter(**{spec.field: user}).values_list("pk", spec.at):
            rows.append(row(record=str(opts.verbose_name), record_id=pk, role=role, at=at))
    rows.sort(key=lambda r: r["at"] or "")
    return rows


def action_fields(specs: Iterable[Action]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for spec in specs:
        result.setdefault(spec.model._meta.label, set()).add(spec.field)
    return result


def merge(*mappings: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for mapping in mappings:
        for label, names in mapping.items():
            result.setdefault(label, set()).update(names)
    return result
