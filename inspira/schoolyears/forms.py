from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.core.forms import SEKField
from inspira.schoolyears.models import FeeRule, SchoolYear

MONEY_FIELDS = ("visit_fee_ore", "central_share_ore", "visiting_share_ore", "establishment_support_ore")


def _sek_field(name: str, label, help_text=None) -> SEKField:
    return SEKField(label=label, help_text=help_text or FeeRule._meta.get_field(name).help_text)


class FeeRuleForm(forms.ModelForm):
    """The money rules of one school year, amounts typed in kronor.

    Create it with ``start_year`` (a new rule) or with an ``instance`` (the year is then fixed).
    """

    start_year = forms.IntegerField(
        label=_("School year (the year it starts)"),
        min_value=2000, max_value=2100,  # as SchoolYear.start_year allows
        help_text=_("E.g. 2026 for the school year 2026/27, which runs from 1 July 2026 to 30 June 2027."),
    )
    visit_fee_ore = _sek_field(
        "visit_fee_ore", _("Visit fee (kr)"),
        _("What the host school receives for each completed visit. Changing the rule later does not change "
          "money already recorded: each completed visit keeps the amounts that applied when it was completed."),
    )
    central_share_ore = _sek_field("central_share_ore", _("Central administration's share (kr)"))
    visiting_share_ore = _sek_field(
        "visiting_share_ore", _("Visiting school's share (kr)"),
        _("The part of the visit fee the visiting school pays. The two shares must add up to the visit fee."),
    )
    establishment_support_ore = _sek_field("establishment_support_ore", _("Establishment support (kr)"))

    class Meta:
        model = FeeRule
        fields = ["visit_fee_ore", "central_share_ore", "visiting_share_ore", "establishment_support_ore",
                  "vat_rate_percent", "vat_exemption_text"]
        help_texts = {
            "vat_rate_percent": _("Usually 0: the fees are exempt from VAT. Swedish rates are 0, 6, 12 and 25."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        is_new = self.instance.pk is None
        if not is_new:
            del self.fields["start_year"]
        self.fields["vat_rate_percent"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["start_year"] if is_new else []),
            Fieldset(_("Visit fee and its split"), "visit_fee_ore", "central_share_ore", "visiting_share_ore"),
            Fieldset(_("Establishment support"), "establishment_support_ore"),
            Fieldset(_("VAT"), "vat_rate_percent", "vat_exemption_text"),
            Submit("save", _("Save")),
        )

    def clean_start_year(self):
        start_year = self.cleaned_data["start_year"]
        if FeeRule.objects.filter(school_year__start_year=start_year).exists():
            label = SchoolYear(start_year=start_year).label
            raise forms.ValidationError(
                _("The school year %(year)s already has a fee rule. Change that rule instead."),
                code="exists", params={"year": label},
            )
        return start_year

    def clean(self):
        cleaned_data = super().clean()
        # FeeRule.clean() compares the fee with the two shares. When one of them could not be
        # read, an edit form would compare against the stored amount and report a sum the
        # user never typed; forget the stored amount so that only the field's own error shows.
        for name in MONEY_FIELDS:
            if name in self._errors:
                setattr(self.instance, name, None)
        return cleaned_data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
