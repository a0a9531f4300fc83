"""Forms of the series and registration-question pages (input shape only: the rules are in
``events.series`` and ``events.questions``)."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from inspira.events.forms import DATE, SELECT, TIME
from inspira.events.models import EventSeries, RegistrationQuestion
from inspira.events.rules import event_errors
from inspira.events.series import MAX_INTERVAL_WEEKS, SHARED_FIELDS, rule_errors
from inspira.programmes.catalog import INFO
from inspira.programmes.models import Programme
from inspira.schools.models import District

MAX_PLACES = 10_000
RULE_FIELDS = ("weekday", "interval_weeks", "first_date", "last_date", "start_time", "end_time")


class SeriesForm(forms.ModelForm):
    """A series' rule and the details its events share. The times are Stockholm wall-clock times."""

    online_link = forms.URLField(
        label=_("Online link"), required=False, max_length=500, assume_scheme="https",
        help_text=_("Shown only to the organisers for now, never in the public calendar."),
    )
    interval_weeks = forms.TypedChoiceField(
        label=_("How often"), coerce=int, widget=SELECT, initial=1,
        choices=[(1, _("Every week"))] + [(n, _("Every %(n)s weeks") % {"n": n})
                                          for n in range(2, MAX_INTERVAL_WEEKS + 1)],
    )

    class Meta:
        model = EventSeries
        fields = ["programme", "title", "kind", "description", "weekday", "interval_weeks", "first_date",
                  "last_date", "start_time", "end_time", "place", "online_link", "district", "capacity",
                  "quota_per_school", "is_public"]
        widgets = {
            "kind": SELECT, "programme": SELECT, "district": SELECT, "weekday": SELECT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "first_date": DATE, "last_date": DATE, "start_time": TIME, "end_time": TIME,
        }
        help_texts = {
            "first_date": _("The series starts on the first chosen weekday from this date."),
            "last_date": _("No date after this one, e.g. the last day of the term."),
            "district": _("For the calendar's filter: where the event is held, if in one district."),
        }

    def __init__(self, *args, programme_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=programme_ids)
        self.fields["programme"].label_from_instance = lambda p: INFO[p.key].name
        self.fields["programme"].empty_label = None
        self.fields["district"].queryset = District.objects.order_by("name")
        self.fields["district"].empty_label = _("No district")
        # The model's own validation (which would bound the numbers) is skipped below, so the form
        # bounds them: no event is bigger than this.
        for name in ("capacity", "quota_per_school"):
            self.fields[name].validators.append(MaxValueValidator(MAX_PLACES))
            self.fields[name].widget.attrs["max"] = MAX_PLACES

    def _post_clean(self):
        # The rows are made by the service, not by this form: skip the model's own validation.
        pass

    def clean(self):
        data = super().clean()
        errors = rule_errors({name: data.get(name) for name in RULE_FIELDS})
        details = {name: data.get(name) for name in ("capacity", "quota_per_school")}
        if "place" in data:
            details.update(place=data.get("place"), online_link=data.get("online_link"))
        for name, messages in event_errors(details).items():
            errors.setdefault(name, []).extend(messages)
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return data

    def rule(self) -> dict:
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}

    def shared(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SHARED_FIELDS}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = RegistrationQuestion
        fields = ["text", "help_text", "kind", "options", "required"]
        widgets = {"kind": forms.RadioSelect, "options": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "text": _("E.g. Do you have any dietary needs?"),
            "help_text": _("Shown under the question, e.g. an example of an answer."),
            "options": _("For a choice from a list: one option a line."),
            "required": _("Everyone who registers must answer."),
        }

    def _post_clean(self):
        pass  # the service saves the row and checks its rules


class QuestionDeleteForm(forms.Form):
    """Removing a question: a POST with nothing to fill in, after the page has asked."""
