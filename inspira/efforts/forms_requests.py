"""The forms of the request, withdrawing, the planning meeting and its notes. They check the input's shape;
the rules (the wished period, who may be a guest, the meeting's time) are the services' (requests.py,
planning.py), whose errors the views put at the fields named here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.core.forms import ModelMultipleChoiceField
from inspira.efforts.models import Area, Effort
from inspira.efforts.requests import guest_candidates
from inspira.events.rules import local_instant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SELECT = forms.Select(attrs={"class": "form-select"})


def _text(name: str, rows: int = 4, **kwargs):
    return Effort._meta.get_field(name).formfield(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class SchoolChoiceForm(forms.Form):
    """A principal of several schools says which school the effort is for (sent with GET)."""

    school = forms.ModelChoiceField(label=_("School unit"), queryset=None, widget=SELECT,
                                    empty_label=_("Choose a school unit"))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class EffortRequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("A few words about the effort, e.g. “Language development in all subjects”."))
    area = forms.ModelChoiceField(label=_("Development area"), queryset=Area.objects.filter(is_active=True),
                                  widget=SELECT, empty_label=_("Choose an area"))
    need = _text("need", rows=6, required=True, help_text=_(
        "What need have you identified at the unit? What do you want to develop, and why now?"))
    target_group = forms.CharField(label=_("Target group"), max_length=300,
                                   help_text=_("Who the effort is for, e.g. “All teachers in grades 4–6”."))
    staff_count = forms.IntegerField(label=_("Number of staff"), min_value=1, max_value=10000,
                                     help_text=_("About how many of the staff take part."))
    wished_start = forms.DateField(label=_("Wished start"), widget=DATE, required=False)
    wished_end = forms.DateField(label=_("Wished end"), widget=DATE, required=False)
    guests = ModelMultipleChoiceField(
        label=_("Who besides you joins the first planning meeting"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The school's confirmed staff. They are invited to the meeting with you."))

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = guest_candidates(school)
        self.fields["guests"].queryset = candidates
        self.fields["guests"].label_from_instance = lambda user: user.name or user.email
        if not candidates.exists():
            # An empty group of checkboxes would show only its heading: say why there is no one to choose.
            self.fields["guests"].help_text = _(
                "No one else at the school is confirmed in Inspira yet. Staff who join the school and whom you "
                "confirm can be named here; until then the meeting is booked with you.")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "area", "need", "target_group", "staff_count",
                                              "wished_start", "wished_end")} | {"guests": list(data["guests"])}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is the effort withdrawn?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Everyone concerned is told, and a booked planning meeting is cancelled."))


class PlanningMeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=300, required=False,
                            help_text=_("Where you meet, e.g. the school's conference room."))
    online_link = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https",
                                 help_text=_("For a meeting online; give a place, a link or both."))

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start:
            data["starts_at"] = local_instant(day, start)
            if data["starts_at"] is None:
                self.add_error("start_time", _("The clocks change at that time; choose another."))
        if day and end:
            data["ends_at"] = local_instant(day, end)
            if data["ends_at"] is None:
                self.add_error("end_time", _("The clocks change at that time; choose another."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"starts_at": data["starts_at"], "ends_at": data["ends_at"], "place": data["place"],
                "online_link": data["online_link"]}


class PlanningNotesForm(forms.Form):
    purpose = _text("notes_purpose", required=True, label=_("Purpose"))
    goals = _text("notes_goals", required=True, label=_("Goals"))
    needs = _text("notes_needs", required=True, label=_("Needs"))
    limits = _text("notes_limits", required=False, label=_("Limits"),
                   help_text=_("What the effort does not take on, as agreed at the meeting."))
