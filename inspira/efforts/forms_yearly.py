"""The yearly survey's form: its shape only; ``yearly.yearly_survey_plan`` checks the days."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearlySurveyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              help_text=_("The year whose efforts the principals evaluate."))
    send_on = forms.DateField(label=_("Sent on"), widget=DATE,
                              help_text=_("The survey is sent in the morning of this day, normally in December."))
    closes_on = forms.DateField(label=_("Last day to answer"), widget=DATE)

    def __init__(self, *args, fixed_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_year is not None:
            # A planned survey keeps its year: only its days change.
            self.fields["year"].disabled = True
            self.fields["year"].initial = fixed_year
