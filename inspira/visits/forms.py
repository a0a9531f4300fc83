import uuid
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inspira.certification.models import Certification
from inspira.schools.models import School
from inspira.schoolyears.models import school_year_start
from inspira.visits.models import Booking, Feedback, Occasion, SchoolVisitSettings, SiteVisitSettings
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


# --- Completion ------------------------------------------------------------------------------------------------

class OutcomeForm(forms.Form):
    COMPLETED, NOT_CARRIED_OUT = "completed", "not_carried_out"

    outcome = forms.ChoiceField(
        label=_("Did the visit take place?"), widget=forms.RadioSelect,
        choices=[(COMPLETED, _("Yes, the visit took place (completed)")),
                 (NOT_CARRIED_OUT, _("No, the visit did not take place"))],
        help_text=_("A completed visit counts towards the site's five visits a year, earns the visit fee and "
                    "bills the visiting school its share; the visitors are asked for feedback. Only an "
                    "administrator can undo this."),
        error_messages={"required": _("Choose whether the visit took place.")},
    )


class OutcomeUndoForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept with the visit's history. The site can then record the visit "
                                         "again."))


# --- Feedback -------------------------------------------------------------------------------------------------

RATINGS = [
    (1, _("1 – not useful")),
    (2, _("2 – a little useful")),
    (3, _("3 – useful")),
    (4, _("4 – very useful")),
    (5, _("5 – extremely useful")),
]


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was the visit for you?"), choices=RATINGS, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )

    class Meta:
        model = Feedback
        fields = ["rating", "takeaways", "questions"]
        labels = {
            "takeaways": _("What do you take home from the visit?"),
            "questions": _("Constructive questions for the site"),
        }
        help_texts = {
            "takeaways": _("Ideas, ways of working or materials you will try at your own school."),
            "questions": _("Optional. Questions that may help the site develop its work further."),
        }
        widgets = {
            "takeaways": forms.Textarea(attrs={"rows": 4}),
            "questions": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"takeaways": {"required": _("Tell the site what you take home from the visit.")}}


# --- The administration's lists -------------------------------------------------------------------------------

FIRST_SCHOOL_YEAR = 2010  # the programme's first school year, 2010/11


def school_year_choices(today: date | None = None) -> list[tuple[str, str]]:
    latest = school_year_start(today or timezone.localdate()) + 1
    return [("", _("All school years"))] + [
        (str(year), f"{year}/{(year + 1) % 100:02d}") for year in range(latest, FIRST_SCHOOL_YEAR - 1, -1)
    ]


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.starts_on:%Y-%m-%d} – {obj.ends_on:%Y-%m-%d})"


def _sites():
    return Certification.objects.select_related("school").order_by("school__name", "team_name", "-starts_on")


class FilterForm(forms.Form):
    """Filters above a list (GET). Invalid values are shown at their field and otherwise ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "school_year" in self.fields:
            self.fields["school_year"].choices = school_year_choices()
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name in data}


class BookingFilterForm(FilterForm):
    school_year = forms.TypedChoiceField(label=_("School year"), required=False, coerce=int, empty_value=None)
    site = SiteChoiceField(label=_("Inspiration site"), queryset=_sites(), required=False,
                           empty_label=_("All inspiration sites"))
    school = forms.ModelChoiceField(label=_("Visiting school"), queryset=School.objects.order_by("name"),
                                    required=False, empty_label=_("All schools"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Booking.Status.choices])
    date_from = forms.DateField(label=_("Visits from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Visits until"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def filters(self) -> dict:
        data = super().filters()
        return {
            "school_year": data.get("school_year"), "certification": data.get("site"),
            "school": data.get("school"), "status": data.get("status") or "",
            "date_from": data.get("date_from"), "date_to": data.get("date_to"),
        }


class FeedbackFilterForm(FilterForm):
    school_year = forms.TypedChoiceField(label=_("School year"), required=False, coerce=int, empty_value=None)
    site = SiteChoiceField(label=_("Inspiration site"), queryset=_sites(), required=False,
                           empty_label=_("All inspiration sites"))

    def filters(self) -> dict:
        data = super().filters()
        return {"school_year": data.get("school_year"), "certification": data.get("site")}


class SitesOverviewFilterForm(FilterForm):
    behind = forms.BooleanField(label=_("Only sites that are behind"), required=False)

    def filters(self) -> dict:
        return {"behind_only": bool(super().filters().get("behind"))}
