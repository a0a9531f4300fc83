"""The application form's steps. Each step saves a draft, so fields are optional here; the
rules for submission are in services.submission_problems."""

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inspira.certification.models import Application, Endorsement
from inspira.certification.services import MAX_CONTACTS
from inspira.core import uploads
from inspira.core.forms import ModelMultipleChoiceField
from inspira.schools.models import School, SchoolForm

TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S", "%H"]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the page's one <form> holds the step's form and its rows
    helper.disable_csrf = True
    return helper


class StartForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), empty_label=None,
        help_text=_("The school the application is for. You can apply for the schools where you are confirmed "
                    "staff."),
    )
    team_name = Application._meta.get_field("team_name").formfield()

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        self.fields["school"].error_messages["invalid_choice"] = _("Choose one of your schools.")
        self.helper = _helper()


class SiteStepForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["team_name", "area_title", "area_description", "experience_since"]
        widgets = {
            "area_description": forms.Textarea(attrs={"rows": 8}),
            "experience_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {"experience_since": {"invalid": _("Enter a date, e.g. 2023-08-15.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_experience_since(self):
        value = self.cleaned_data.get("experience_since")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class PlanStepForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["plan_introduction"]
        widgets = {"plan_introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class RowForm(forms.Form):
    """A row of a list (plan, contacts). An empty row is ignored, so clearing a row removes it;
    a row partly filled in must be completed."""

    required_in_row: tuple[str, ...] = ()
    row_messages: dict[str, str] = {}

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.fields if name != "DELETE")

    def clean(self):
        data = super().clean()
        if self.is_blank() or data.get("DELETE"):
            return data
        for name in self.required_in_row:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self.row_messages[name])
        return data

    def row(self) -> dict | None:
        """The row's values, or None for a blank or removed row."""
        if self.is_blank() or self.cleaned_data.get("DELETE"):
            return None
        return {name: self.cleaned_data[name] for name in self.fields if name != "DELETE"}


class PlanItemForm(RowForm):
    start_time = forms.TimeField(
        label=_("From"), required=False, input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, e.g. 08:30.")},
    )
    end_time = forms.TimeField(
        label=_("To"), required=False, input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, e.g. 09:15.")},
    )
    activity = forms.CharField(label=_("Activity"), required=False, max_length=300)

    required_in_row = ("start_time", "end_time", "activity")
    row_messages = {
        "start_time": _("Enter when the activity starts."),
        "end_time": _("Enter when the activity ends."),
        "activity": _("Describe the activity."),
    }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start and "end_time" not in self.errors:
            self.add_error("end_time", _("The end must be after the start."))
        return data


class ContactForm(RowForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    email = forms.EmailField(
        label=_("Email address"), required=False,
        error_messages={"invalid": _("Enter an email address, e.g. namn.efternamn@skola.se.")},
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)

    required_in_row = ("name", "email")
    row_messages = {
        "name": _("Enter the contact person's name."),
        "email": _("Enter the contact person's email address."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})


class BaseRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [row for row in (form.row() for form in self.forms) if row is not None]


class PlanItemFormSet(BaseRowFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = sorted(self.rows(), key=lambda r: r["start_time"])
        for before, after in zip(rows, rows[1:], strict=False):
            if after["start_time"] < before["end_time"]:
                raise forms.ValidationError(_(
                    "Two rows overlap: “%(first)s” ends at %(end)s but “%(second)s” starts at %(start)s."
                ) % {"first": before["activity"], "end": before["end_time"].strftime("%H:%M"),
                     "second": after["activity"], "start": after["start_time"].strftime("%H:%M")})


# No extra forms: the views pad the initial rows with empty ones, so a row can be added by
# re-rendering with one more (no JavaScript needed).
PLAN_MAX_ROWS = 20
PlanFormSet = formset_factory(PlanItemForm, formset=PlanItemFormSet, extra=0, can_delete=True,
                              max_num=PLAN_MAX_ROWS, absolute_max=PLAN_MAX_ROWS, validate_max=True)
ContactFormSet = formset_factory(ContactForm, formset=BaseRowFormSet, extra=0, max_num=MAX_CONTACTS,
                                 absolute_max=MAX_CONTACTS, validate_max=True)


class TargetsStepForm(forms.ModelForm):
    grades = forms.MultipleChoiceField(
        label=_("Grades"), choices=Application.Grade.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The grades you work with in the way you show. Leave empty for preschool or adult education."),
    )
    school_forms = ModelMultipleChoiceField(
        label=_("School forms"), queryset=SchoolForm.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The school forms whose staff will get the most out of a visit."),
    )

    class Meta:
        model = Application
        fields = ["school_forms", "grades", "subjects", "commits_to_five_visits"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commits_to_five_visits"].help_text = _(
            "Required to submit the application. The administration follows up how many visits each site receives."
        )
        self.helper = _helper()


class PrincipalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})"


class ContactsStepForm(forms.ModelForm):
    """The principal is chosen among the school's confirmed principals (``principals``), never
    typed: a typed address let anyone endorse their own application."""

    principal = PrincipalChoiceField(
        label=_("Principal"), queryset=None, required=False, empty_label=_("Choose the principal"),
        help_text=_("The school's principals in Inspira. The principal gets an email with a link to endorse the "
                    "application."),
        error_messages={"invalid_choice": _("Choose one of the school's principals.")},
    )

    class Meta:
        model = Application
        fields = ["principal"]

    def __init__(self, *args, principals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = principals
        if not self.instance.principal_id:
            # Most schools have one principal: offer them.
            only = list(principals[:2])
            if len(only) == 1:
                self.initial["principal"] = only[0].pk
        self.helper = _helper()


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Picture"),
        help_text=format_lazy(
            _("A JPEG, PNG or WebP picture of at most {size} MB. We make large pictures smaller and remove hidden "
              "information such as where a photo was taken."), size=uploads.MAX_UPLOAD_BYTES // (1024 * 1024)),
        error_messages={"required": _("Choose a picture to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label=_("Description of the picture"), max_length=250,
        help_text=_("Describe what the picture shows, for those who cannot see it, e.g. “Pupils measure the "
                    "schoolyard with a trundle wheel”."),
        error_messages={"required": _("Describe what the picture shows.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_image(self):
        uploaded = self.cleaned_data["image"]
        try:
            self.prepared = uploads.prepare_image(uploaded)
        except uploads.ImageRejected as e:
            raise forms.ValidationError(str(e), code="image") from e
        return uploaded


class EndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Do you endorse the application?"), choices=[
            (Endorsement.Decision.ENDORSE, _("I endorse the application")),
            (Endorsement.Decision.DECLINE, _("I do not endorse the application")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you endorse the application.")},
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text=_("Required if you do not endorse the application. The applicant will see it, so they know "
                    "what to change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("decision") == Endorsement.Decision.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason, so the applicant knows what to change."))
        return data
