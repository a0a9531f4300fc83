from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read what is removed and what is kept, and I want to erase this person's personal data."),
        error_messages={"required": _("Tick the box to confirm. Erasure cannot be undone.")},
    )
