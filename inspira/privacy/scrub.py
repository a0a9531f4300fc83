"""Finding and replacing one person's identifiers (name, email address, phone number) in stored text.

Erasure replaces the person's *mentions* in free text (a contact-log note, an email's body, an
audit summary) with ``ANONYMOUS_NAME`` and their address with a non-deliverable one. The name is
matched as a whole (word boundaries, any case), so "Anna Berg" never touches "Annabella Bergström".
"""

import html
import json
import re
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from inspira.core.addresses import normalise_email
from inspira.core.appendonly import erasure_rewrites

ANONYMOUS_NAME = "Borttagen person"
# Shorter names and phone numbers are too likely to match something else in free text: a name of
# two letters is left alone in text (the account's own name field is still replaced).
MIN_NAME_CHARS = 3
MIN_PHONE_DIGITS = 7


def anonymous_email(user_id: int) -> str:
    """A unique address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"raderad-{user_id}@invalid.invalid"


@dataclass(frozen=True)
class Subject:
    """Who is exported or erased: their identifiers as they were before anything changed."""

    user_id: int
    name: str
    email: str
    phone: str = ""

    @classmethod
    def of(cls, user) -> "Subject":
        return cls(user_id=user.pk, name=(user.name or "").strip(), email=(user.email or "").strip(),
                   phone=(user.phone or "").strip())

    @property
    def replacement_email(self) -> str:
        return anonymous_email(self.user_id)

    @property
    def has_findable_phone(self) -> bool:
        return sum(c.isdigit() for c in self.phone) >= MIN_PHONE_DIGITS


def _variants(value: str) -> list[str]:
    """The forms a value takes when stored: as is, HTML-escaped (an email's HTML body), and
    JSON-escaped (SQLite stores JSON with non-ASCII letters as \\u escapes)."""
    found = [value, html.escape(value), json.dumps(value)[1:-1]]
    return list(dict.fromkeys(v for v in found if v))


@dataclass
class Scrubber:
    subject: Subject
    _patterns: list = field(default_factory=list, init=False, repr=False)

    def __post_init__(self):
        s = self.subject
        if s.email:
            for variant in dict.fromkeys([s.email, html.escape(s.email)]):
                self._patterns.append((re.compile(re.escape(variant), re.IGNORECASE), s.replacement_email))
        if len(s.name) >= MIN_NAME_CHARS:
            for variant in dict.fromkeys([s.name, html.escape(s.name)]):
                pattern = re.compile(r"(?<!\w)" + re.escape(variant) + r"(?!\w)", re.IGNORECASE)
                self._patterns.append((pattern, ANONYMOUS_NAME))
        if s.has_findable_phone:
            self._patterns.append((re.compile(re.escape(s.phone)), "–"))

    def needles(self) -> list[str]:
        """What to look for in the database (every stored form of the identifiers)."""
        s = self.subject
        values = [s.email]
        values += [s.name] if len(s.name) >= MIN_NAME_CHARS else []
        values += [s.phone] if s.has_findable_phone else []
        return [v for value in values if value for v in _variants(value)]

    def text(self, value: str) -> str:
        for pattern, replacement in self._patterns:
            value = pattern.sub(replacement, value)
        return value

    def value(self, value):
        """``text`` applied to every string in a JSON-like value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def mentions(self, value) -> bool:
        return self.value(value) != value

    def is_email(self, value: str) -> bool:
        return bool(value) and normalise_email(value) == normalise_email(self.subject.email)

    def is_name(self, value: str) -> bool:
        return bool(value) and value.strip().lower() == self.subject.name.lower()


def candidates(queryset: models.QuerySet, fields, scrubber: Scrubber) -> models.QuerySet:
    """Rows of ``queryset`` where one of ``fields`` may mention the person (checked again in Python)."""
    model = queryset.model
    condition = Q()
    annotations = {}
    for name in fields:
        lookup = name
        if isinstance(model._meta.get_field(name), models.JSONField):
            lookup = f"_privacy_{name}_text"
            annotations[lookup] = Cast(name, TextField())
        for needle in scrubber.needles():
            condition |= Q(**{f"{lookup}__folded_contains": needle})
    if not condition:
        return queryset.none()
    return queryset.annotate(**annotations).filter(condition)


# (model label, field) that erasure may rewrite although the model refuses changes to its rows.
# The models' own guards stay in force for every other caller and every other field; amounts,
# numbers, dates and parties of invoices are never in this list.
PROTECTED_REWRITES = frozenset({
    ("core.AuditEvent", "summary"),
    ("core.AuditEvent", "data"),
    ("certification.ApplicationStatusChange", "actor_description"),
    ("certification.ApplicationStatusChange", "note"),
    ("visits.BookingOutcomeChange", "reason"),
    ("efforts.ClockEvent", "reason"),
    ("efforts.Proposal", "summary"),
    ("efforts.Proposal", "goals"),
    ("efforts.Proposal", "plan"),
    ("efforts.Proposal", "scope"),
    ("efforts.ProposalResponse", "comment"),
    ("billing.Invoice", "issuer_details"),
    ("billing.Invoice", "recipient_details"),
    ("billing.Invoice", "buyer_reference"),
})


def rewrite_protected(model: type[models.Model], pk, **values) -> int:
    """Change ``values`` of one append-only or immutable row, for erasure only.

    The model's manager refuses ``update()``; a plain QuerySet on the same table is the one
    deliberate way past it, limited to the (model, field) pairs in ``PROTECTED_REWRITES``. Where a
    PostgreSQL trigger guards the table too (invoices), ``erasure_rewrites()`` lets it pass the
    columns the trigger names as erasable, and only those.
    """
    label = model._meta.label
    refused = sorted(name for name in values if (label, name) not in PROTECTED_REWRITES)
    if refused:
        raise TypeError(f"Erasure may not rewrite {label}.{', '.join(refused)}")
    with transaction.atomic(), erasure_rewrites():
        return models.QuerySet(model=model).filter(pk=pk).update(**values)


def scrub_rows(queryset: models.QuerySet, fields, scrubber: Scrubber, *, protected: bool = False) -> int:
    """Replace the person's mentions in ``fields`` of the rows of ``queryset``. Returns how many rows
    changed."""
    changed = 0
    for row in candidates(queryset, fields, scrubber).only("pk", *fields):
        values = {}
        for name in fields:
            old = getattr(row, name)
            new = scrubber.value(old)
            if new != old:
                values[name] = new
        if not values:
            continue
        if protected:
            rewrite_protected(queryset.model, row.pk, **values)
        else:
            # Through the model's own manager, so any guard it has still applies.
            queryset.model._default_manager.filter(pk=row.pk).update(**values)
        changed += 1
    return changed
