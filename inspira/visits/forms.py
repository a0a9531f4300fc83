import uuid
from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inspira.visits.models import Booking, Occasion, SchoolVisitSettings, SiteVisitSettings
from inspira.visits.services import MAX_SERIES_WEEKS, OccasionDetails, Visitors

WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OccasionDetailsMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The occasion must end after it starts."))
        return data

    def details(self) -> OccasionDetails:
        data = self.cleaned_data
        return OccasionDetails(slot=data["slot"], start_time=data["start_time"], end_time=data["end_time"],
                               place=data["place"], capacity=data["capacity"], note=data.get("note", ""))


class OccasionForm(OccasionDetailsMixin, forms.ModelForm):
    class Meta:
        model = Occasion
        fields = ["date", "slot", "start_time", "end_time", "place", "capacity", "note"]
        widgets = {
            "date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput(),
            "slot": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3}),
        }


class OccasionSeriesForm(OccasionDetailsMixin, forms.Form):
    """Step one of a series: the pattern. Step two shows its dates to untick (``dates``)."""

    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    slot = forms.ChoiceField(label=_("Half-day"), choices=Occasion.Slot.choices, widget=forms.RadioSelect)
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput())
    first_date = forms.DateField(label=_("From"), widget=DateInput(),
                                 help_text=_("The series starts on the first chosen weekday on or after this date."))
    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=MAX_SERIES_WEEKS, initial=8)
    place = forms.CharField(label=_("Place"), max_length=200,
                            help_text=Occasion._meta.get_field("place").help_text)
    capacity = forms.IntegerField(label=_("Places (participants)"), min_value=1, max_value=500,
                                  help_text=Occasion._meta.get_field("capacity").help_text)
    note = forms.CharField(label=_("Note to visitors"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SeriesDatesForm(forms.Form):
    dates = forms.TypedMultipleChoiceField(
        label=_("Dates"), widget=forms.CheckboxSelectMultiple, coerce=date.fromisoformat,
        help_text=_("Untick the dates you do not want, e.g. holidays."),
        error_messages={"required": _("Tick at least one date.")},
    )

    def __init__(self, *args, dates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [(d.isoformat(), date_format(d, "l j F Y")) for d in dates]


class OccasionCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The booked visitors get the reason by email."))


class VisitorsFormMixin:
    def visitors(self) -> Visitors:
        data = self.cleaned_data
        return Visitors(participants=data["participants"], participant_names=data.get("participant_names", ""),
                        contact_name=data["contact_name"], contact_email=data["contact_email"],
                        contact_phone=data.get("contact_phone", ""), message=data.get("message", ""))


class BookingForm(VisitorsFormMixin, forms.ModelForm):
    school = forms.ModelChoiceField(label=_("Visiting school"), queryset=None, empty_label=None)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Booking
        fields = ["participants", "participant_names", "contact_name", "contact_email", "contact_phone", "message"]
        widgets = {
            "participant_names": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, schools, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "contact_name": user.name, "contact_email": user.email, "contact_phone": user.phone,
            # A new key each time the form is shown: the same key twice is the same booking.
            "idempotency_key": uuid.uuid4(),
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
            self.fields["school"].widget = forms.HiddenInput()
        self.order_fields(["school"])


class WaitingListForm(VisitorsFormMixin, forms.ModelForm):
    school = forms.ModelChoiceField(label=_("Visiting school"), queryset=None, empty_label=None)

    class Meta(BookingForm.Meta):
        pass

    def __init__(self, *args, schools, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"contact_name": user.name, "contact_email": user.email, "contact_phone": user.phone,
                             **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
            self.fields["school"].widget = forms.HiddenInput()
        self.order_fields(["school"])


class BookingCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, reason_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].help_text = (
            _("Required: the visitors get the reason by email.") if reason_required
            else _("Optional: tell the site why.")
        )


class SchoolVisitSettingsForm(forms.ModelForm):
    class Meta:
        model = SchoolVisitSettings
        fields = ["requires_principal_approval"]


class SiteVisitSettingsForm(forms.ModelForm):
    class Meta:
        model = SiteVisitSettings
        fields = ["cancellation_deadline_working_days"]
