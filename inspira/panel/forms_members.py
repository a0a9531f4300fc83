from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.core.forms import ModelMultipleChoiceField
from inspira.panel.models import ConsentText, Member, Subject
from inspira.schools.models import District, SchoolForm

SELECT = forms.Select(attrs={"class": "form-select"})
YES_NO = [(True, _("Yes")), (False, _("No"))]


class SettingsForm(forms.Form):
    """A member's settings: who they are for the sampler and how often they may be asked."""

    school_form = forms.ModelChoiceField(SchoolForm.objects.all(), label=_("School form"), widget=SELECT)
    district = forms.ModelChoiceField(District.objects.order_by("name"), label=_("District"), widget=SELECT)
    subjects = ModelMultipleChoiceField(Subject.objects.all(), label=_("Subjects"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    frequency_days = forms.TypedChoiceField(choices=Member.Frequency.choices, coerce=int,
                                            label=_("How often I may be asked"), widget=SELECT)
    focus_groups = forms.TypedChoiceField(choices=YES_NO, coerce=lambda v: v in (True, "True"),
                                          widget=forms.RadioSelect,
                                          label=_("I may be invited to a focus group that meets once a term"))


class ConsentFields(forms.Form):
    """The consent: the version shown, and the box that says yes to it."""

    consent_text = forms.ModelChoiceField(ConsentText.objects.all(), widget=forms.HiddenInput)
    consent = forms.BooleanField(label=_("I have read the consent text and agree to it"),
                                 error_messages={"required": _("Tick the box to agree to the consent text.")})

    def clean_consent_text(self):
        text = self.cleaned_data["consent_text"]
        latest = ConsentText.objects.order_by("-version").first()
        if latest is None or text.pk != latest.pk:
            raise forms.ValidationError(_("The consent text has changed. Read the new text and agree to it again."))
        return text


class JoinForm(SettingsForm, ConsentFields):
    pass


class RenewForm(ConsentFields):
    pass


class LeaveForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, I want to leave the teacher panel"),
                                 error_messages={"required": _("Tick the box to confirm that you want to leave.")})


class ConsentTextForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), max_length=20000)
