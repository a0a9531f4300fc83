import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from inspira.benchmarking.models import Grade, Round
from inspira.benchmarking.rounds import round_errors
from inspira.core.money import format_sek, parse_sek

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SELECT = forms.Select(attrs={"class": "form-select"})

# At most this many days a teacher cannot be away (the visit window is about three months).
MAX_UNAVAILABLE_DAYS = 100


def _model_field(name: str, **kwargs):
    """The model field's form field: its label and help text, and its limits (a model field's
    validators are not the form field's by themselves), in one place."""
    field = Round._meta.get_field(name)
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            kwargs.setdefault("min_value", validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            kwargs.setdefault("max_value", validator.limit_value)
    return field.formfield(**kwargs)


class RoundForm(forms.Form):
    """A round's settings and its two meetings. The rules of ``rounds.round_errors`` put their
    errors at the fields; the service checks them again."""

    title = _model_field("title")
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 4}))
    interest_opens_at = _model_field("interest_opens_at", widget=DATETIME)
    interest_closes_at = _model_field("interest_closes_at", widget=DATETIME)
    max_participants = _model_field("max_participants")
    group_size = _model_field("group_size", help_text=_("Normally 3: every member hosts one visit."))
    visit_window_starts = _model_field("visit_window_starts", widget=DATE)
    visit_window_ends = _model_field("visit_window_ends", widget=DATE)
    min_days_between_visits = _model_field("min_days_between_visits")
    max_away_per_school = _model_field("max_away_per_school")
    substitute_rate = forms.CharField(
        label=_("Substitute cost per day (kronor)"), max_length=20,
        help_text=_("What a school is reimbursed for each day a teacher is away, e.g. 1 800 or 1 800,50."))
    kickoff_date = forms.DateField(label=_("Date of the kick-off"), widget=DATE)
    kickoff_time = forms.TimeField(label=_("Kick-off starts at"), widget=TIME,
                                   help_text=_("The meeting is three hours."))
    kickoff_place = forms.CharField(label=_("Place of the kick-off"), max_length=300)
    closing_date = forms.DateField(label=_("Date of the closing meeting"), widget=DATE)
    closing_time = forms.TimeField(label=_("Closing meeting starts at"), widget=TIME,
                                   help_text=_("The meeting is three hours."))
    closing_place = forms.CharField(label=_("Place of the closing meeting"), max_length=300)

    def __init__(self, *args, instance: Round | None = None, meetings: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = _("For example “Class teachers in grades 1–6, autumn term 2027”.")
        if instance is not None:
            for name in ("title", "description", "interest_opens_at", "interest_closes_at", "max_participants",
                         "group_size", "visit_window_starts", "visit_window_ends", "min_days_between_visits",
                         "max_away_per_school"):
                self.initial.setdefault(name, getattr(instance, name))
            self.initial.setdefault("substitute_rate", format_sek(instance.substitute_rate).replace("\u00a0kr", "")
                                    .replace("\u00a0", " "))
            for name, value in (meetings or {}).items():
                self.initial.setdefault(name, value)
        else:
            for name in ("max_participants", "group_size", "min_days_between_visits", "max_away_per_school"):
                self.initial.setdefault(name, Round._meta.get_field(name).default)
            self.initial.setdefault("substitute_rate", "1 800")

    def clean_substitute_rate(self):
        text = self.cleaned_data["substitute_rate"]
        try:
            amount = parse_sek(text)
        except ValueError:
            raise forms.ValidationError(_("Write an amount in kronor, e.g. 1 800 or 1 800,50.")) from None
        if amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        if amount > 10_000_000:  # 100 000 kr a day is a typing error, and it keeps within the column
            raise forms.ValidationError(_("The amount is too large for a day's substitute."))
        return amount

    def clean(self):
        data = super().clean()
        for name, messages in round_errors(data).items():
            for message in messages:
                if name in self.fields and name not in self._errors:
                    self.add_error(name, message)
        return data

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class UnavailableDaysField(forms.CharField):
    """Dates one a line (ÅÅÅÅ-MM-DD), as a list of dates; an error names the line that is wrong."""

    widget = forms.Textarea(attrs={"rows": 4})

    def clean(self, value):
        text = super().clean(value) or ""
        days, errors = [], []
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                days.append(datetime.date.fromisoformat(line) if len(line) == 10 else None)
            except ValueError:
                days.append(None)
            if days[-1] is None:
                days.pop()
                errors.append(forms.ValidationError(
                    _("Line %(line)s: “%(text)s” is not a date written as ÅÅÅÅ-MM-DD."),
                    params={"line": number, "text": line[:20]}))
        if errors:
            raise forms.ValidationError(errors)
        if len(set(days)) > MAX_UNAVAILABLE_DAYS:
            raise forms.ValidationError(_("At most %(count)s days."), params={"count": MAX_UNAVAILABLE_DAYS})
        return days


class InterestForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None, widget=SELECT, empty_label=_("Choose a school"))
    grades = forms.MultipleChoiceField(label=_("Grades you teach"), choices=Grade.choices,
                                       widget=forms.CheckboxSelectMultiple)
    subjects = forms.CharField(label=_("Subjects you teach"), max_length=300,
                               help_text=_("For example “Swedish, mathematics, science”."))
    unavailable_days = UnavailableDaysField(
        label=_("Days you cannot be away"), required=False, max_length=2000)

    def __init__(self, *args, benchmarking_round: Round, user, **kwargs):
        from inspira.schools.models import School

        super().__init__(*args, **kwargs)
        self.round = benchmarking_round
        schools = School.objects.filter(memberships__user=user, memberships__confirmed_at__isnull=False).order_by(
            "name").distinct()
        self.fields["school"].queryset = schools
        only = list(schools[:2])
        if len(only) == 1:
            self.fields["school"].initial = only[0].pk
        self.fields["unavailable_days"].help_text = _(
            "Within the visit window, %(first)s to %(last)s: one date a line, written as ÅÅÅÅ-MM-DD "
            "(e.g. %(first)s). Leave it empty if you can be away any school day.") % {
            "first": benchmarking_round.visit_window_starts.isoformat(),
            "last": benchmarking_round.visit_window_ends.isoformat()}

    def clean_unavailable_days(self):
        days = self.cleaned_data["unavailable_days"]
        first, last = self.round.visit_window_starts, self.round.visit_window_ends
        text = self.data.get(self.add_prefix("unavailable_days"), "") if hasattr(self.data, "get") else ""
        lines = {}
        for number, line in enumerate(str(text).splitlines(), start=1):
            lines.setdefault(line.strip(), number)
        errors = [
            forms.ValidationError(_("Line %(line)s: %(day)s is not in the visit window (%(first)s–%(last)s)."),
                                  params={"line": lines.get(day.isoformat(), "?"), "day": day.isoformat(),
                                          "first": first.isoformat(), "last": last.isoformat()})
            for day in days if not first <= day <= last
        ]
        if errors:
            raise forms.ValidationError(errors)
        return days


class WithdrawForm(forms.Form):
    """No fields: sending it is the confirmation."""
