"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inspira.core.money import format_sek, parse_sek


def ore_as_kronor_text(ore: int) -> str:
    """``200000`` -> ``"2 000"``; ``100050`` -> ``"1 000,50"``: what a user would type back."""
    return format_sek(ore).removesuffix("\u00a0kr").replace("\u00a0", " ")


class SEKField(forms.Field):
    """An amount typed in kronor ("2 000", "1000,50", "2 000 kr"), cleaned to whole öre.

    Initial values are öre (as stored on the models) and are shown back as kronor, so the
    same field serves both the create and the edit form.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter an amount in kronor, e.g. 2 000 or 1 000,50."),
        "negative": _("The amount cannot be negative."),
    }

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A numeric keyboard with a comma on phones; "autocomplete" would only suggest old amounts.
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int):
            return ore_as_kronor_text(value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_sek(str(value))
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0 and not self.allow_negative:
            raise ValidationError(self.error_messages["negative"], code="negative")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that an id past the database's integer range is an invalid choice, not a
    server error: Django checks the ids with a ``pk__in`` lookup, which (unlike ``pk=``) passes
    such a number to the database, and SQLite and PostgreSQL both refuse it."""

    def _check_values(self, value):
        model = self.queryset.model
        key_field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        for pk in value:
            try:
                key_field.run_validators(key_field.to_python(pk))
            except (ValidationError, TypeError):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk}) from None
        return super()._check_values(value)


def add_errors_at_fields(form, errors, *, renames=None) -> None:
    """Show a service's input errors (``{field: [message, ...]}``) at the form's fields: a name the form
    calls otherwise is mapped through ``renames`` (the service's ``starts_at`` is the form's
    ``start_time``); a message for no field of the form goes to the top of the form."""
    renames = renames or {}
    for name, messages in errors.items():
        field = renames.get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
