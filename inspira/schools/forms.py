from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from inspira.core.forms import ModelMultipleChoiceField
from inspira.schools.models import ClosedPeriod, District, RegisterUnit, School, SchoolForm
from inspira.schools.validators import normalise_organisation_number, normalise_postal_code, normalise_unit_code


class SchoolSearchForm(forms.Form):
    """The search and filters above the school list (GET). Bad values are ignored, not shown."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Name, school unit code or organisation number."),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("All districts"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    school_form = forms.ModelChoiceField(
        label=_("School form"), queryset=SchoolForm.objects.all(), required=False, to_field_name="code",
        empty_label=_("All school forms"), widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict:
        """The valid filters as keyword arguments for ``school_search``; an unknown district or
        school form in the address (an old bookmark) is simply left out."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in ("district", "school_form")} | {
            "q": self.cleaned_data.get("q") or ""
        }


class SchoolEditForm(forms.ModelForm):
    # Wider than the stored "NNNNNN-NNNN", so that a wrong length gets the helpful message
    # from the validator rather than a bare "at most 11 characters".
    organisation_number = forms.CharField(
        label=capfirst(School._meta.get_field("organisation_number").verbose_name),
        help_text=School._meta.get_field("organisation_number").help_text,
        max_length=20,
    )
    unit_code = forms.CharField(
        label=capfirst(School._meta.get_field("unit_code").verbose_name),
        help_text=School._meta.get_field("unit_code").help_text,
        max_length=20,
        error_messages={"unique": _("Another school already has this school unit code.")},
    )
    postal_code = forms.CharField(
        label=capfirst(School._meta.get_field("postal_code").verbose_name), max_length=20, help_text=_("E.g. 111 22.")
    )

    class Meta:
        model = School
        fields = [
            "name", "unit_code", "organisation_number", "school_forms", "district",
            "street_address", "postal_code", "city",
            "invoice_address", "invoice_reference", "invoice_email", "contact_email",
        ]
        field_classes = {"school_forms": ModelMultipleChoiceField}
        widgets = {
            "school_forms": forms.CheckboxSelectMultiple,
            "invoice_address": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "school_forms": {"required": _("Choose at least one school form.")},
            "district": {"required": _("Choose the school's district.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].empty_label = _("Choose a district")
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["street_address"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["postal_code"].widget.attrs.update({"autocomplete": "postal-code", "inputmode": "numeric"})
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["unit_code"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The school"), "name", "unit_code", "organisation_number", "school_forms", "district"),
            Fieldset(_("Visiting address"), "street_address", "postal_code", "city"),
            Fieldset(_("Invoices and contact"), "invoice_address", "invoice_reference", "invoice_email",
                     "contact_email"),
            Submit("save", _("Save")),
        )

    def clean_unit_code(self):
        return normalise_unit_code(self.cleaned_data["unit_code"])

    def clean_organisation_number(self):
        return normalise_organisation_number(self.cleaned_data["organisation_number"])

    def clean_postal_code(self):
        return normalise_postal_code(self.cleaned_data["postal_code"])

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClosedPeriodForm(forms.ModelForm):
    """A break or study day. The service checks the dates' order and says so at the last day."""

    class Meta:
        model = ClosedPeriod
        fields = ["name", "kind", "starts_on", "ends_on"]
        widgets = {"starts_on": _DateInput(), "ends_on": _DateInput(),
                   "kind": forms.Select(attrs={"class": "form-select"})}
        error_messages = {
            "name": {"required": _("Give the closure a name, e.g. Höstlov.")},
            "starts_on": {"required": _("Enter the first day."), "invalid": _("Enter a date, e.g. 2026-10-26.")},
            "ends_on": {"required": _("Enter the last day."), "invalid": _("Enter a date, e.g. 2026-10-30.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("name", "kind", "starts_on", "ends_on", Submit("save", _("Save")))

    def _post_clean(self):
        # The service validates and saves; the model's own checks would only repeat its messages.
        pass

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Skolverket's school-unit register -----------------------------------------------------------------------------

class RegisterSearchForm(forms.Form):
    """The search and filters above the register's units (GET). Bad values are ignored, not shown."""

    UNLISTED = "unlisted"  # selectors.UNLISTED
    YES, NO = "yes", "no"

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Name, school unit code or organiser."),
    )
    status = forms.ChoiceField(
        label=_("Status in the register"), required=False,
        choices=[("", _("Every status")), *RegisterUnit.Status.choices, (UNLISTED, _("No longer listed"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    in_inspira = forms.ChoiceField(
        label=_("In Inspira"), required=False,
        choices=[("", _("All units")), (YES, _("Schools in Inspira")),
                 (NO, _("Not in Inspira yet (to complete)"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict:
        """The valid filters as keyword arguments for ``selectors.register_units``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        in_inspira = {self.YES: True, self.NO: False}.get(data.get("in_inspira") or "")
        return {"q": data.get("q") or "", "status": data.get("status") or "", "in_inspira": in_inspira}


class SuccessorForm(forms.Form):
    """The unit that took over from a closed one, by its school unit code; empty removes it."""

    successor = forms.CharField(
        label=_("The successor's school unit code"), required=False, max_length=20,
        help_text=_("The eight-digit code of the unit that took over, e.g. after a merger. It must have been "
                    "imported from the register. Leave empty to remove the successor."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("successor", Submit("save", _("Save")))

    def clean_successor(self) -> RegisterUnit | None:
        value = self.cleaned_data["successor"]
        if not value.strip():
            return None
        code = normalise_unit_code(value)
        successor = RegisterUnit.objects.filter(unit_code=code).first()
        if successor is None:
            raise forms.ValidationError(_("No school unit with this code has been imported from the register."),
                                        code="unknown")
        return successor
