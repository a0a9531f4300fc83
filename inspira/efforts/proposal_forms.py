"""Forms of the proposal's pages (input shape only; the rules are in proposals.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

# Long enough for a plan of many sessions; the fuzz checks one character more is refused.
MAX_LENGTH = 10000


def _text(label, help_text="", required=True, rows=6):
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ProposalForm(forms.Form):
    """A version of the proposal. Prefilled with the previous version's text: change what should change."""

    summary = _text(_("What we propose"), _("The content and how the effort is carried out."))
    goals = _text(_("Goals"), _("What the unit's staff will know or do afterwards."), rows=4)
    plan = _text(_("Plan and sessions"), _("The sessions, when they are held and who takes part (the whole "
                                             "staff group at the same time gives the greatest effect)."))
    scope = _text(_("Scope and the unit's part"), _("Limits, and what the unit does between the sessions."),
                  required=False, rows=4)

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("summary", "goals", "plan", "scope",
                                    Submit("present", submit_label or _("Present the proposal")))


class ChangesForm(forms.Form):
    comment = _text(_("What would you like changed?"),
                    _("The centre reads this and presents a new version of the proposal."), rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("comment", Submit("send", _("Ask for changes")))
