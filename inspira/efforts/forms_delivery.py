"""The forms of the delivery (sessions, documentation) and the evaluation's summary. They check the
input's shape only: the rules are the services' (``sessions``, ``documents``, ``evaluation``)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.core.uploads import ATTACHMENT_TYPES, MAX_ATTACHMENT_SIZE, NAMES
from inspira.efforts.models import Document
from inspira.events.rules import local_instant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SELECT = forms.Select(attrs={"class": "form-select"})
WHOLE_STAFF = _("Research and experience show that an effort has greater effect when the whole staff can take "
                "part in the same training at the same time: plan the sessions for the whole staff.")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https",
                                 help_text=_("Shown only to those registered, shortly before the session."))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000, required=False,
                                  help_text=WHOLE_STAFF)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, staff_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff_count is None:
            self.fields["capacity"].required = True
        else:
            self.fields["capacity"].initial = staff_count
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        day = data.get("day")
        for field, name in (("start_time", "starts_at"), ("end_time", "ends_at")):
            if day and data.get(field):
                data[name] = local_instant(day, data[field])
                if data[name] is None:
                    self.add_error(field, _("The clocks change at this time of night; choose another time."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "starts_at", "ends_at", "place", "online_link", "capacity",
                                              "description")}

    @staticmethod
    def initial_of(event) -> dict:
        starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        return {"title": event.title, "day": starts.date(), "start_time": starts.time().replace(second=0),
                "end_time": ends.time().replace(second=0), "place": event.place, "online_link": event.online_link,
                "capacity": event.capacity, "description": event.description}


class SessionCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Those registered are told why."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.NOTE,
                             widget=forms.RadioSelect)
    happened_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=_("File"), required=False,
                           error_messages={"empty": _("The file is empty."),
                                           "invalid": _("No file was received. Choose the file again.")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
    school = forms.ModelChoiceField(label=_("School unit"), queryset=None, required=False, widget=SELECT,
                                    help_text=_("Which unit a lesson or an example is from, if it is one unit's."))

    def __init__(self, *args, effort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = effort.schools.order_by("name")
        self.fields["file"].help_text = _("Optional. %(types)s, at most %(size)s MB.") % {
            "types": ", ".join(NAMES[t] for t in ATTACHMENT_TYPES), "size": MAX_ATTACHMENT_SIZE // (1024 * 1024)}
        self.helper = _helper()


class EvaluationShareForm(forms.Form):
    summary = forms.CharField(label=_("Summary for the principal"), widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("A summarising description of the evaluation: what the participants "
                                          "said and what the centre makes of it. The principal also sees the "
                                          "survey's results, where at least five answered."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
