from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.core.forms import ModelMultipleChoiceField
from inspira.events.models import Event
from inspira.events.rules import event_errors, local_instant
from inspira.programmes.catalog import INFO
from inspira.programmes.models import Programme
from inspira.schools.models import District

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SELECT = forms.Select(attrs={"class": "form-select"})


class EventForm(forms.ModelForm):
    """An event's details. The day and the two times are Stockholm wall-clock times; the rules of
    ``rules.event_errors`` put their errors at the fields."""

    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME)
    online_link = forms.URLField(
        label=_("Online link"), required=False, max_length=500, assume_scheme="https",
        help_text=_("Shown only to the organisers for now, never in the public calendar."),
    )
    field_order = ["programme", "title", "kind", "description", "day", "start_time", "end_time", "place",
                   "online_link", "district", "capacity", "quota_per_school", "registration_opens_at",
                   "registration_closes_at", "cancellation_deadline", "is_public", "eligibility", "eligible_schools",
                   "eligible_school_forms", "eligible_districts", "eligible_group"]
    eligible_group = forms.ChoiceField(label=_("Group that may register"), required=False, widget=SELECT,
                                       help_text=_("Groups that the programmes name, e.g. a round's participants."))

    class Meta:
        model = Event
        fields = ["programme", "title", "kind", "description", "place", "online_link", "district", "capacity",
                  "quota_per_school", "registration_opens_at", "registration_closes_at", "cancellation_deadline",
                  "is_public", "eligibility", "eligible_schools", "eligible_school_forms", "eligible_districts",
                  "eligible_group"]
        widgets = {
            "kind": SELECT, "programme": SELECT, "district": SELECT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "registration_opens_at": DATETIME, "registration_closes_at": DATETIME,
            "cancellation_deadline": DATETIME, "eligibility": SELECT,
            "eligible_schools": forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
            "eligible_school_forms": forms.CheckboxSelectMultiple,
            "eligible_districts": forms.CheckboxSelectMultiple,
        }
        # An id past the integer range is an invalid choice, not a server error (core.forms).
        field_classes = dict.fromkeys(("eligible_schools", "eligible_school_forms", "eligible_districts"),
                                      ModelMultipleChoiceField)
        help_texts = {
            "district": _("For the calendar's filter: where the event is held, if in one district."),
        }

    def __init__(self, *args, programme_ids, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An event stays in its programme: the field is left out when changing one.
            del self.fields["programme"]
            local_start = timezone.localtime(self.instance.starts_at)
            self.initial.setdefault("day", local_start.date())
            self.initial.setdefault("start_time", local_start.time())
            self.initial.setdefault("end_time", timezone.localtime(self.instance.ends_at).time())
        else:
            self.fields["programme"].queryset = Programme.objects.filter(pk__in=programme_ids)
            self.fields["programme"].label_from_instance = lambda p: INFO[p.key].name
            self.fields["programme"].empty_label = None
        self.fields["district"].queryset = District.objects.order_by("name")
        self.fields["district"].empty_label = _("No district")
        from inspira.events.eligibility import groups
        from inspira.schools.models import School

        # An older form (or a client) that leaves it out means what the default means: anyone logged in.
        self.fields["eligibility"].required = False
        self.fields["eligible_schools"].queryset = School.objects.order_by("name", "unit_code")
        self.fields["eligible_districts"].queryset = District.objects.order_by("name")
        self.fields["eligible_group"].choices = [("", _("No group"))] + [
            (group.key, group.label) for group in groups()]
        for name in ("eligible_schools", "eligible_school_forms", "eligible_districts"):
            self.fields[name].help_text = _("Used when “Who may register” says so.")

    def clean(self):
        data = super().clean()
        data["eligibility"] = data.get("eligibility") or Event._meta.get_field("eligibility").default
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start:
            data["starts_at"] = local_instant(day, start)
            if data["starts_at"] is None:
                self.add_error("start_time", _("The clocks change at this time of night; choose another time."))
        if day and end:
            data["ends_at"] = local_instant(day, end)
            if data["ends_at"] is None:
                self.add_error("end_time", _("The clocks change at this time of night; choose another time."))
        fields = {name: data.get(name) for name in ("starts_at", "ends_at", "capacity", "quota_per_school",
                                                    "registration_opens_at", "registration_closes_at",
                                                    "cancellation_deadline", "eligibility", "eligible_schools",
                                                    "eligible_school_forms", "eligible_districts",
                                                    "eligible_group")}
        if "place" in data:
            fields.update(place=data.get("place"), online_link=data.get("online_link"))
        field_names = {"starts_at": "start_time", "ends_at": "end_time"}
        for name, messages in event_errors(fields).items():
            for message in messages:
                self.add_error(field_names.get(name, name), message)
        return data

    def service_fields(self) -> dict:
        """The cleaned details as the services take them."""
        data = self.cleaned_data
        names = [name for name in self.Meta.fields if name != "programme"]
        return {name: data.get(name) for name in names} | {"starts_at": data["starts_at"], "ends_at": data["ends_at"]}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the cancelled event."),
    )


class CalendarFilterForm(forms.Form):
    """The public calendar's filters (GET). Bad values are ignored, not shown."""

    programme = forms.ChoiceField(label=_("Programme"), required=False, widget=SELECT)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=SELECT,
                             choices=[("", _("All kinds"))] + list(Event.Kind.choices))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.order_by("name"),
                                      required=False, empty_label=_("All districts"), widget=SELECT)
    since = forms.DateField(label=_("From"), required=False, widget=DATE)

    def __init__(self, *args, programme_keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (key, INFO[key].name) for key in programme_keys]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"programme": data.get("programme") or "", "kind": data.get("kind") or "",
                "district": data.get("district"), "since": data.get("since")}


# --- Registering ---------------------------------------------------------------------------------------------

class _WithQuestions:
    """The event's registration questions (``events.questions``) as fields of the form; ``answers()``
    is what the registration service stores (personal data: shown only to the organisers)."""

    def _add_questions(self, event) -> None:
        from inspira.events.questions import add_question_fields

        self._event = event
        add_question_fields(self, event)

    def answers(self) -> dict:
        from inspira.events.questions import answers_from

        return answers_from(self, self._event)


class RegistrationForm(_WithQuestions, forms.Form):
    """A person's own registration. The school is asked only when the event counts schools (a quota
    per school, or open to chosen schools); the event's registration questions follow."""

    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False, widget=SELECT,
                                    empty_label=_("Choose a school"))

    def __init__(self, *args, event, user, **kwargs):
        from inspira.events.registrations import needs_school
        from inspira.schools.models import School

        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            memberships__user=user, memberships__confirmed_at__isnull=False).order_by("name")
        if needs_school(event):
            self.fields["school"].required = True
            self.fields["school"].help_text = _("The places are counted per school.")
        else:
            del self.fields["school"]
        self._add_questions(event)


class GroupRegistrationForm(_WithQuestions, forms.Form):
    """A group from one school, registered by its principal or site contact: a count, names optional."""

    school = forms.ModelChoiceField(label=_("School"), queryset=None, widget=SELECT, empty_label=None)
    participants = forms.IntegerField(label=_("Number of participants"), min_value=1, max_value=1000)
    participant_names = forms.CharField(
        label=_("Participants' names"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. One name a line."))

    def __init__(self, *args, event, user, **kwargs):
        from inspira.events.registrations import GROUP_ROLES
        from inspira.schools.models import School

        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            memberships__user=user, memberships__confirmed_at__isnull=False,
            memberships__role__in=GROUP_ROLES).order_by("name")
        self._add_questions(event)


class RegistrationCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Optional; the person is told."))
