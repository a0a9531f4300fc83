from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.federation.models import IdentityProviderTrust


class ProviderSearchForm(forms.Form):
    q = forms.CharField(label=_("Municipality or school organiser"), max_length=100, required=False,
                        help_text=_("Part of the name, for example “Stockholm”."))


class LinkPasswordForm(forms.Form):
    password = forms.CharField(label=_("Password of your Inspira account"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TrustForm(forms.ModelForm):
    class Meta:
        model = IdentityProviderTrust
        fields = ["trust_school_codes", "trust_affiliation", "trust_mfa"]
