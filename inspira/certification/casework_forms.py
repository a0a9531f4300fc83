"""Forms of the administration's casework and the director's decision. The rules themselves live in
casework_services; the forms repeat the ones a person can fix, so errors show next to the field."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.certification import casework_services
from inspira.certification.casework_selectors import OPEN_STATUSES
from inspira.certification.models import Application, BasisDocument, ContactLogEntry, Decision
from inspira.core.uploads import MAX_ATTACHMENT_SIZE, TYPE_NAMES, check_attachment
from inspira.schools.models import District, SchoolForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter a date, e.g. 2026-08-15.")}


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the page holds the <form>, its CSRF token and its buttons
    helper.disable_csrf = True
    return helper


class QueueFilterForm(forms.Form):
    """The filters above the administration's queue (GET). Bad values are ignored, not shown."""

    OPEN, ALL = "", "all"

    status = forms.ChoiceField(label=_("Status"), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("All districts"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    school_form = forms.ModelChoiceField(
        label=_("School form"), queryset=SchoolForm.objects.all(), required=False, to_field_name="code",
        empty_label=_("All school forms"), widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shown = [s for s in Application.Status if s in Application.ADMINISTRATION_STATUSES]
        self.fields["status"].choices = [
            (self.OPEN, _("Waiting for the administration or the director")),
            (self.ALL, _("All statuses")),
            *[(s.value, s.label) for s in shown],
            (Application.Status.WITHDRAWN.value, Application.Status.WITHDRAWN.label),
        ]

    def filters(self) -> dict:
        """Keyword arguments for ``casework_selectors.administration_queue``."""
        self.is_valid()
        status = self.cleaned_data.get("status") or self.OPEN
        statuses = {self.OPEN: OPEN_STATUSES, self.ALL: None}.get(status, (status,))
        return {"statuses": statuses, "district": self.cleaned_data.get("district"),
                "school_form": self.cleaned_data.get("school_form")}

    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("status", "district", "school_form"))


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLogEntry
        fields = ["date", "channel", "note"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "date": {**DATE_ERRORS, "required": _("Enter the date of the contact.")},
            "channel": {"required": _("Choose how you were in contact.")},
            "note": {"required": _("Write what the contact was about.")},
        }
        help_texts = {"note": _("What was said or agreed, briefly. The school does not see the contact log.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["channel"].choices = [("", _("Choose"))] + list(ContactLogEntry.Channel.choices)
        self.helper = _helper()

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class BasisForm(forms.ModelForm):
    """The basis document. With ``sending=True`` it also checks what the director needs."""

    class Meta:
        model = BasisDocument
        fields = list(casework_services.BASIS_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "content_assessment": forms.Textarea(attrs={"rows": 4}),
            "experience_assessment": forms.Textarea(attrs={"rows": 4}),
            "leadership_assessment": forms.Textarea(attrs={"rows": 4}),
            "capacity_assessment": forms.Textarea(attrs={"rows": 4}),
            "other_notes": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.RadioSelect,
            "proposed_start_date": DATE_WIDGET,
        }
        help_texts = {
            "summary": _("What the director should know first: the site, what it offers and your assessment."),
            "content_assessment": _("Is the content clear and the half-day plan worked out?"),
            "experience_assessment": _("At least one year of experience of the area or way of working."),
            "leadership_assessment": _("How the principal and the school's leadership support the site."),
            "capacity_assessment": _("Can the site receive at least five study visits per school year?"),
            "proposed_start_date": _("When you propose the certification to start. It runs for two years."),
        }
        error_messages = {"proposed_start_date": DATE_ERRORS}

    def __init__(self, *args, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        self.fields["recommendation"].choices = BasisDocument.Recommendation.choices
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if self.sending:
            for problem in casework_services.basis_problems(
                summary=data.get("summary", ""), recommendation=data.get("recommendation", ""),
                proposed_start_date=data.get("proposed_start_date"),
            ):
                if problem.field not in self.errors:
                    self.add_error(problem.field, problem.message)
        return data


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200,
        help_text=_("What the file is, e.g. “Plan for the study visit” or “Photos from a lesson”."),
        error_messages={"required": _("Give the attachment a title.")},
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file to attach."),
                        "empty": _("The file is empty."),
                        "invalid": _("No file was received. Choose the file again.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s, at most %(size)s MB.") % {
            "types": ", ".join(TYPE_NAMES.values()), "size": MAX_ATTACHMENT_SIZE // (1024 * 1024)}
        self.helper = _helper()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_attachment(upload)
        return upload


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the administration complete?"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The note is kept in the application's history."),
        error_messages={"required": _("Write what the administration should complete.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(Decision.Outcome.APPROVE.value, _("Approve: certify the site for two years")),
                 (Decision.Outcome.REJECT.value, _("Reject"))],
        error_messages={"required": _("Choose whether to approve or reject the application.")},
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS,
        help_text=_("For an approval: the certification runs from this date for two years."),
    )
    reasons = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required for a rejection. The school reads them in the decision letter."),
    )
    reasons_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        outcome, start_date = data.get("outcome"), data.get("start_date")
        reasons = (data.get("reasons") or "").strip()
        if outcome == Decision.Outcome.APPROVE and "start_date" not in self.errors:
            if start_date is None:
                self.add_error("start_date", _("An approval needs a start date: the certification runs two years "
                                               "from it."))
            elif start_date < timezone.localdate():
                self.add_error("start_date", _("The start date cannot be before today."))
            elif start_date > timezone.localdate() + casework_services.MAX_START_AHEAD:
                self.add_error("start_date", casework_services.start_too_late_message(timezone.localdate()))
        if not reasons and (self.reasons_required or outcome == Decision.Outcome.REJECT):
            self.add_error("reasons", self.reasons_message())
        return data

    def reasons_message(self):
        return _("A rejection needs reasons: the school reads them in the decision letter.")


class CorrectionForm(DecisionForm):
    reasons_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].label = _("Reasons for the correction")
        self.fields["reasons"].help_text = _(
            "Why the earlier decision was wrong, and the reasons for the new decision. The school reads them in "
            "the decision letter."
        )

    def reasons_message(self):
        return _("Give the reasons for the correction: why the earlier decision was wrong.")
