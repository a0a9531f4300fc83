import uuid
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inspira.certification.models import Certification
from inspira.schools.models import School
from inspira.schoolyears.models import school_year_start
from inspira.visits import services
from inspira.visits.models import Booking, Feedback, Occasion, SchoolVisitSettings, SiteVisitSettings
from inspira.visits.services import (
    MAX_SERIES_WEEKS,
    OccasionDetails,
    Visitors,
    closed_days_for,
    occasion_date_problems,
    occasion_input_problems,
    occasion_problems,
)

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


def _slot_field() -> forms.ChoiceField:
    # Required and without an empty "---------" choice: the site says which half-day it offers.
    return forms.ChoiceField(label=_("Half-day"), choices=Occasion.Slot.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Choose morning or afternoon.")},
                             help_text=format_lazy(
                                 _("A morning ends by {morning_ends}; an afternoon starts at {afternoon_starts} or "
                                   "later. A half-day lasts {min} to {max} hours, between {day_starts} and "
                                   "{day_ends}."),
                                 morning_ends=services.MORNING_ENDS_BY.strftime("%H:%M"),
                                 afternoon_starts=services.AFTERNOON_STARTS_FROM.strftime("%H:%M"),
                                 min=services.HALF_DAY_MIN_HOURS, max=services.HALF_DAY_MAX_HOURS,
                                 day_starts=services.SCHOOL_DAY_STARTS.strftime("%H:%M"),
                                 day_ends=services.SCHOOL_DAY_ENDS.strftime("%H:%M")))


def _add_problems(form: forms.Form, problems) -> None:
    """Show the services' answer (``occasion_input_problems`` and the like) at the fields it names."""
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, str(problem))


class OccasionDetailsMixin:
    def details(self) -> OccasionDetails:
        data = self.cleaned_data
        return OccasionDetails(slot=data["slot"], start_time=data["start_time"], end_time=data["end_time"],
                               place=data["place"], capacity=data["capacity"], note=data.get("note", ""))


class OccasionForm(OccasionDetailsMixin, forms.ModelForm):
    """One occasion, new (``certification`` given) or changed (``instance``)."""

    slot = _slot_field()

    class Meta:
        model = Occasion
        fields = ["date", "slot", "start_time", "end_time", "place", "capacity", "note"]
        widgets = {
            "date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, certification: Certification | None = None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.certification = certification or self.instance.certification
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        _add_problems(self, occasion_input_problems(
            certification=self.certification, day=data.get("date"), slot=data.get("slot"),
            start_time=data.get("start_time"), end_time=data.get("end_time"), today=self.today,
            occasion=self.instance if self.instance.pk else None))
        return data


class OccasionSeriesForm(OccasionDetailsMixin, forms.Form):
    """Step one of a series: the pattern. Step two shows its dates to untick (``dates``)."""

    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    slot = _slot_field()
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

    def clean(self):
        data = super().clean()
        # The dates are checked one by one in step two, where the ones that cannot be had are shown.
        _add_problems(self, occasion_problems(slot=data.get("slot"), start_time=data.get("start_time"),
                                              end_time=data.get("end_time")))
        return data


class DatesWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of which some cannot be ticked (``disabled``: their ISO dates)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled = set()

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled:
            option["attrs"]["disabled"] = True
        return option


class SeriesDatesForm(forms.Form):
    """Step two of a series: its dates, those that can be had ticked; a public holiday, a weekend
    day, a day the school is closed or a date outside the certification is shown with the reason
    and cannot be ticked."""

    dates = forms.TypedMultipleChoiceField(
        label=_("Dates"), widget=DatesWidget, coerce=date.fromisoformat,
        help_text=_("Untick the dates you do not want. Public holidays and days when the school is closed "
                    "cannot be chosen."),
        error_messages={"required": _("Tick at least one date.")},
    )

    def __init__(self, *args, dates=(), certification: Certification, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.certification = certification
        choices, offered = [], []
        widget = self.fields["dates"].widget
        closed = closed_days_for(certification, dates)
        for day in dates:
            label = date_format(day, "l j F Y")
            problems = occasion_date_problems(certification=certification, day=day, today=self.today,
                                              closed=closed)
            if problems:
                label = f"{label} ({', '.join(p.short for p in problems)})"
                widget.disabled.add(day.isoformat())
            else:
                offered.append(day.isoformat())
            choices.append((day.isoformat(), label))
        self.fields["dates"].choices = choices
        if not self.is_bound:
            self.initial["dates"] = offered

    def clean_dates(self):
        days = self.cleaned_data["dates"]
        closed = closed_days_for(self.certification, days)
        problems = [problem for day in days
                    for problem in occasion_date_problems(certification=self.certification, day=day,
                                                          today=self.today, closed=closed)]
        if problems:
            raise forms.ValidationError([str(p) for p in problems])
        return days


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
        """``reason_required`` only words the hint; whether a reason is needed is the service's
        rule (``booking_cancel``), which reports a missing one at this field."""
        super().__init__(*args, **kwargs)
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
