"""The registry (inspira/privacy/registry.py) must name every field that may hold personal data.

A new model or field with a foreign key to a person, a name like *name*, *email* or *phone*, or free
text (a text or JSON field) fails here until it is handled by an area (exported and erased), kept by
law, or declared not personal data, with the reason.
"""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from inspira.billing.models import Invoice
from inspira.privacy import registry
from inspira.privacy.scrub import PROTECTED_REWRITES, rewrite_protected

NAMED_LIKE_PERSONAL = re.compile(r"name|email|phone", re.IGNORECASE)
FREE_TEXT = (models.TextField, models.JSONField, models.EmailField)


def candidate_fields():
    """(model label, field name, why) of every field that may hold personal data."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models(include_auto_created=True):
        ours = model._meta.app_config.name.startswith("inspira.")
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                found.append((model._meta.label, field.name, "a foreign key to a person"))
            elif ours and not field.is_relation and (NAMED_LIKE_PERSONAL.search(field.name)
                                                     or isinstance(field, FREE_TEXT)):
                found.append((model._meta.label, field.name, "named like personal data, or free text"))
    return found


def test_every_field_that_may_hold_personal_data_is_in_the_registry():
    covered = registry.covered_fields()
    missing = [
        f"{label}.{name} ({why})" for label, name, why in candidate_fields()
        if name not in covered.get(label, set())
        and f"{label}.{name}" not in registry.NOT_PERSONAL and f"{label}.{name}" not in registry.KEPT
    ]
    assert not missing, (
        "Personal data the privacy registry does not know about. Add each field to an area in "
        "inspira/privacy/areas/ (exported and erased), or to its `kept` (with the law) or `not_personal` "
        "(with the reason):\n  " + "\n  ".join(missing)
    )


def test_the_walk_finds_the_fields_it_should():
    # The walk itself must not go blind: these are known personal data in three apps.
    found = {(label, name) for label, name, _why in candidate_fields()}
    assert {("accounts.User", "email"), ("visits.Booking", "contact_phone"), ("core.AuditEvent", "actor"),
            ("billing.Invoice", "recipient_details"), ("accounts.User_groups", "user")} <= found


def test_registry_names_only_fields_that_exist():
    stale = []
    entries = [(label, name) for label, names in registry.covered_fields().items() for name in names]
    entries += [tuple(key.rsplit(".", 1)) for key in [*registry.NOT_PERSONAL, *registry.KEPT]]
    for label, name in entries:
        try:
            apps.get_model(label)._meta.get_field(name)
        except (LookupError, Exception):
            stale.append(f"{label}.{name}")
    assert not stale


def test_every_exception_has_a_reason_and_nothing_is_both_kept_and_erased():
    assert all(reason.strip() for reason in [*registry.NOT_PERSONAL.values(), *registry.KEPT.values()])
    covered = {f"{label}.{name}" for label, names in registry.covered_fields().items() for name in names}
    assert not covered & set(registry.KEPT)
    assert not covered & set(registry.NOT_PERSONAL)


def test_the_way_past_immutability_is_narrow():
    covered = registry.covered_fields()
    for label, name in PROTECTED_REWRITES:
        assert name in covered[label], f"{label}.{name} may be rewritten but is not in the registry"
    # An invoice's contact details only: never its amounts, numbers, dates or parties.
    assert {name for label, name in PROTECTED_REWRITES if label == "billing.Invoice"} == {
        "issuer_details", "recipient_details", "buyer_reference"}


@pytest.mark.parametrize("field", ["total_ore", "net_ore", "number", "issue_date", "recipient_school"])
def test_rewrite_protected_refuses_anything_else(field):
    with pytest.raises(TypeError, match="may not rewrite"):
        rewrite_protected(Invoice, 1, **{field: None})
