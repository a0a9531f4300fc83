"""The form fields the apps share (inspira/core/forms.py)."""

import pytest
from django.core.exceptions import ValidationError

from inspira.core.forms import ModelMultipleChoiceField
from inspira.schools.models import SchoolForm


@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "1.5", "x", "\x00"])
def test_model_multiple_choice_refuses_ids_the_database_cannot_hold(db, value):
    # Django's own field sends an id past the integer range to the database (pk__in): a server error.
    with pytest.raises(ValidationError) as raised:
        ModelMultipleChoiceField(queryset=SchoolForm.objects.all()).clean([value])
    assert raised.value.code == "invalid_pk_value"


def test_model_multiple_choice_still_takes_real_ids(db):
    chosen = list(SchoolForm.objects.order_by("pk")[:2])
    field = ModelMultipleChoiceField(queryset=SchoolForm.objects.all())
    assert sorted(field.clean([str(sf.pk) for sf in chosen]), key=lambda sf: sf.pk) == chosen
