"""The organiser's form for publishing material. It checks the input's shape only: the file itself is
checked (and a picture re-encoded) by ``materials.material_add``, whose error the view puts here."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.core.uploads import MAX_ATTACHMENT_SIZE, NAMES
from inspira.events.materials import MATERIAL_TYPES
from inspira.events.models import EventMaterial


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("What participants see in the list, e.g. “Slides from the seminar”."))
    audience = forms.ChoiceField(label=_("For whom"), choices=EventMaterial.Audience.choices,
                                 initial=EventMaterial.Audience.REGISTERED, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file to publish."),
                        "empty": _("The file is empty."),
                        "invalid": _("No file was received. Choose the file again.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.pptx,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s, at most %(size)s MB. Pictures are saved without "
                                          "their metadata, such as where a photo was taken.") % {
            "types": ", ".join(NAMES[t] for t in MATERIAL_TYPES), "size": MAX_ATTACHMENT_SIZE // (1024 * 1024)}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
