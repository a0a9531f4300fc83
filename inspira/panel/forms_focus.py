"""Forms of the focus groups (input shape only; the rules are in focus.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

MAX_SIZE = 50


class FocusDrawForm(forms.Form):
    """The event and a size per stratum (one number field per stratum that has volunteers)."""

    event = forms.ModelChoiceField(label=_("Event"), queryset=None,
                                   help_text=_("A coming event of the teacher panel, created on the events pages. "
                                               "Only the invited members may register for it."))

    def __init__(self, *args, events, strata: list[tuple[str, str, int]], action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.strata = strata
        for key, label, count in strata:
            self.fields[self.size_field(key)] = forms.IntegerField(
                label=_("%(stratum)s: members to invite") % {"stratum": label}, min_value=0,
                max_value=MAX_SIZE, initial=0, required=False,
                help_text=_("%(count)s volunteers") % {"count": count})
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("draw", _("Draw the focus group")))

    @staticmethod
    def size_field(key: str) -> str:
        return "size_" + key.replace(":", "_")

    def clean(self):
        data = super().clean()
        sizes = {key: data.get(self.size_field(key)) or 0 for key, _label, _count in self.strata}
        if self.strata and not any(sizes.values()):
            self.add_error(self.size_field(self.strata[0][0]), _("Ask for at least one member in some stratum."))
        data["sizes"] = sizes
        return data
