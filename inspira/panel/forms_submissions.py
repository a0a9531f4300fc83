"""Forms of the panel's raised questions and good examples."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.panel.models import Submission

State = Submission.State


class SubmissionForm(forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["kind", "title", "body", "channels_consent", "show_name"]
        widgets = {"kind": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "kind": _("A question goes to the leadership and gets an answer. A good example is something from "
                      "your teaching that others can learn from."),
            "title": _("A short heading that says what it is about."),
            "body": _("Describe the question or the example. Do not write anything about individual pupils."),
            "channels_consent": _("Only for good examples: the programme may also tell about the example in "
                                  "its channels, such as newsletters and social media."),
            "show_name": _("Only for good examples: your name is shown with the example when it is published. "
                           "Otherwise it is published without a name."),
        }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Submission.Kind.choices
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("send", _("Send")))


class HandleForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"), widget=forms.RadioSelect, choices=[
        (State.UNDER_REVIEW, State.UNDER_REVIEW.label), (State.ANSWERED, State.ANSWERED.label),
        (State.TAKEN_UP, State.TAKEN_UP.label), (State.DECLINED, State.DECLINED.label)])
    answer = forms.CharField(label=_("Answer, or what it led to"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 6}),
                             help_text=_("Required when the submission is answered or taken up."))
    reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when the submission is declined. The writer sees it."))

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("save", _("Save")))


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Submission.Kind.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *State.choices])
