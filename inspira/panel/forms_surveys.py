"""Forms of the panel's short surveys (input shape only; the rules are in panel/surveys.py and the engine)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.surveys.forms import SurveyForm

MAX_SIZE = 1000


class PanelSurveyForm(SurveyForm):
    """The engine's survey form without the programme: a panel survey is always the panel's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["programme"]


class SurveyDrawForm(forms.Form):
    """Everyone who may be asked, or a number per stratum (one field per stratum with askable members)."""

    ALL, STRATIFIED = "all", "stratified"
    mode = forms.ChoiceField(label=_("Who is asked"), widget=forms.RadioSelect, initial=ALL,
                             choices=[(ALL, _("Every member who may be asked now")),
                                      (STRATIFIED, _("A number from each school form and district"))])

    def __init__(self, *args, strata: list[tuple[str, str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.strata = strata
        for key, label, count in strata:
            self.fields[self.size_field(key)] = forms.IntegerField(
                label=_("%(stratum)s: members to ask") % {"stratum": label}, min_value=0, max_value=MAX_SIZE,
                initial=0, required=False, help_text=_("%(count)s may be asked") % {"count": count})

    @staticmethod
    def size_field(key: str) -> str:
        return "size_" + key.replace(":", "_")

    def size_rows(self):
        """(label, count, bound field) per stratum, for the table of the draw form."""
        return [(label, count, self[self.size_field(key)]) for key, label, count in self.strata]

    def clean(self):
        data = super().clean()
        if data.get("mode") != self.STRATIFIED:
            data["sizes"] = None
            return data
        sizes = {key: data.get(self.size_field(key)) or 0 for key, _label, _count in self.strata}
        if not any(sizes.values()):
            if self.strata:
                self.add_error(self.size_field(self.strata[0][0]), _("Ask for at least one member in some stratum."))
            else:
                self.add_error("mode", _("No member may be asked now."))
        data["sizes"] = sizes
        return data
