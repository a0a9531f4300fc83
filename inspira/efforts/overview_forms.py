"""The filters above the centre's overview (GET; input shape only). The exports take the same filters."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.accounts.forms import SchoolChoiceField
from inspira.core.widgets import LongSelect
from inspira.efforts.models import Area, Effort
from inspira.efforts.overview import Filters
from inspira.schools.models import School


class OverviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("A word from the title, the need or a unit's name."))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *Effort.State.choices])
    area = forms.ModelChoiceField(label=_("Development area"), required=False, empty_label=_("All areas"),
                                  queryset=Area.objects.only("pk", "name").order_by("position", "name"))
    # Only the units that have asked for an effort: every choice finds something. At 600 units Django's
    # per-option templates took most of the page's time; LongSelect writes the same options in one loop.
    school = SchoolChoiceField(
        label=_("School unit"), required=False, empty_label=_("All units"), widget=LongSelect,
        queryset=School.objects.filter(pk__in=Effort.schools.through.objects.filter(
            effort__cooperation__isnull=True).values("school_id")).only("pk", "name", "unit_code")
        .order_by("name", "unit_code"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-3 align-items-end mb-3"
        self.helper.field_class = ""
        self.helper.layout = Layout("q", "state", "area", "school", Submit("filter", _("Show")))

    def filters(self) -> Filters:
        """The valid filters (an invalid one is left out, so the list still shows)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filters(state=data.get("state") or "", area=data.get("area"), school=data.get("school"),
                       text=(data.get("q") or "").strip())
