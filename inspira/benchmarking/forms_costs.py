"""Forms of the substitute costs, the closing evaluation and the quotes (input shape only; the rules
are in costs.py, evaluation.py and quotes.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.accounts.forms import SchoolChoiceField
from inspira.benchmarking.models import Claim, Round
from inspira.benchmarking.quotes import CONSENT_TEXT, MAX_LENGTH
from inspira.schools.models import School


class ClaimFilterForm(forms.Form):
    """The filters above finance's list of claims (GET); the exports take the same filters."""

    round = forms.ModelChoiceField(label=_("Round"), required=False, empty_label=_("All rounds"),
                                   queryset=Round.objects.only("pk", "title").order_by("-interest_opens_at", "pk"))
    school = SchoolChoiceField(label=_("School"), required=False, empty_label=_("All schools"),
                               queryset=School.objects.only("pk", "name", "unit_code").order_by("name", "unit_code"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Claim.Status.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-3 align-items-end mb-3"
        self.helper.field_class = ""
        self.helper.layout = Layout("round", "school", "status", Submit("filter", _("Show")))

    def filters(self) -> dict:
        """The valid filters (an invalid one is left out, so the list still shows)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"round": data.get("round"), "school": data.get("school"), "status": data.get("status") or ""}


class EvaluationInviteForm(forms.Form):
    who = forms.ChoiceField(
        label=_("Whom to invite"), widget=forms.RadioSelect, initial="attended",
        choices=[("attended", _("The participants who attended the closing meeting")),
                 ("everyone", _("All admitted participants"))])

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout("who", Submit("invite", _("Invite to the evaluation")))


class QuoteForm(forms.Form):
    text = forms.CharField(label=_("Your quote"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("A few sentences about what the round gave you (at most 1000 characters)."))
    show_name = forms.BooleanField(label=_("Show my name with the quote"), required=False)
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True, error_messages={
        "required": _("Tick the box to consent; without your consent the quote is not kept.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("text", "show_name", "consent", Submit("send", _("Send the quote")))
