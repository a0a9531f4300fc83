"""The attendance list's forms: a tick (also sent by static/js/attendance.js), and a walk-in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.accounts.forms import SchoolChoiceField
from inspira.events.attendance import ABSENT, PRESENT, UNMARKED
from inspira.schools.models import School

# A tick's version is a moment in ms since the epoch: well within a signed 64-bit integer.
MAX_VERSION = 2**62


class MarkForm(forms.Form):
    state = forms.ChoiceField(choices=[(PRESENT, _("Came")), (ABSENT, _("Did not come")), (UNMARKED, _("Undo"))])
    count = forms.IntegerField(label=_("How many came?"), min_value=0, max_value=10_000, required=False)
    # Empty when the page is used without JavaScript: the view then uses the server's clock.
    version = forms.IntegerField(min_value=1, max_value=MAX_VERSION, required=False)


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    school = SchoolChoiceField(
        label=_("School"), required=False, empty_label=_("No school given"),
        queryset=School.objects.only("pk", "name", "unit_code").order_by("name", "unit_code"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
