"""Forms of the proposal clock and the centre's closed days (input shape only; the rules are in clock.py
and closed_days.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.efforts.clock import MAX_EXTENSION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(action: str, *fields, button) -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    helper.layout = Layout(*fields, button)
    return helper


class ClockPauseForm(forms.Form):
    prefix = "pause"  # the case page holds this form and the extension's, each with a reason
    reason = forms.CharField(label=_("Why is the clock paused?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("For example: the principal is away, or the unit wants to wait. "
                                         "The days while paused do not count."))

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "reason", button=Submit("pause", _("Pause the clock")))


class ClockExtendForm(forms.Form):
    prefix = "extend"
    working_days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=MAX_EXTENSION)
    reason = forms.CharField(label=_("Why is the time extended?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "working_days", "reason", button=Submit("extend", _("Extend the time")))


class ClosedDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("For example: a planning day or a staff trip."))

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "day", "reason", button=Submit("add", _("Add the closed day")))
