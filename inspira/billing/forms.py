import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from inspira.billing.models import BillingSettings, Invoice
from inspira.billing.services import SETTINGS_FIELDS, previous_month
from inspira.schoolyears.models import SchoolYear, school_year_start


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InvoiceFilterForm(forms.Form):
    """The filters above the finance list of invoices (GET)."""

    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[("", _("All")), ("preparing", _("Being prepared")), ("sent", _("Sent, not paid")),
                 ("paid", _("Paid")), ("overdue", _("Overdue"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Invoice.Kind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-3 align-items-end mb-3"
        self.helper.field_class = ""
        self.helper.layout = Layout("state", "kind", Submit("filter", _("Show")))


class SupportFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), required=False,
                              choices=[("", _("All")), ("due", _("Not paid yet")), ("paid", _("Paid"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout("state", Submit("filter", _("Show")))


class PaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"), widget=DateInput(),
        help_text=_("The day the money arrived (or was paid out), as in the accounts."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout("paid_on", Submit("mark_paid", _("Mark as paid")))


def _month_label(year: int, month: int) -> str:
    return formats.date_format(datetime.date(year, month, 1), "F Y")


class CentralRunForm(forms.Form):
    """Which ended month to invoice the central administration for."""

    month = forms.ChoiceField(
        label=_("Month"),
        help_text=_("Each host school invoices the central administration's shares of the visits completed up to "
                    "the end of this month that are not invoiced yet. Running a month again makes no new invoice."),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        year, month = previous_month(today or timezone.localdate())
        choices = []
        for _i in range(24):
            choices.append((f"{year}-{month:02d}", _month_label(year, month)))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        self.fields["month"].choices = choices
        self.fields["month"].initial = choices[0][0]
        self.helper = FormHelper()
        self.helper.layout = Layout("month", Submit("run", _("Issue the invoices")))

    def year_month(self) -> tuple[int, int]:
        year, month = self.cleaned_data["month"].split("-")
        return int(year), int(month)


class SchoolYearForm(forms.Form):
    """Which school year the overview shows (GET)."""

    year = forms.TypedChoiceField(label=_("School year"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = school_year_start(timezone.localdate())
        years = set(SchoolYear.objects.values_list("start_year", flat=True)) | {current}
        self.fields["year"].choices = [(y, SchoolYear(start_year=y).label) for y in sorted(years, reverse=True)]
        self.fields["year"].initial = current
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout("year", Submit("show", _("Show")))

    def start_year(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return self.fields["year"].initial


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = list(SETTINGS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["central_invoice_address"].widget.attrs["rows"] = 4
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The central administration as the recipient of the monthly invoices"),
                     "central_name", "central_legal_name", "central_organisation_number", "central_street_address",
                     "central_postal_code", "central_city", "central_invoice_address", "central_invoice_reference",
                     "central_invoice_email"),
            Fieldset(_("Payment and VAT on the schools' invoices"), "bankgiro", "issuers_vat_registered"),
            Submit("save", _("Save")),
        )

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}
