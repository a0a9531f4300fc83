"""Forms of the groups, the dates and leaving a round (the coordinator's and the participants')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspira.benchmarking.models import DateAnswer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SELECT = forms.Select(attrs={"class": "form-select"})


def _member_choices(groups_with_members) -> list:
    return [("", _("Choose a person"))] + [
        (str(g["group"]), [(m.pk, f"{m.user.name if m.user else '–'} ({m.school.name})") for m in g["members"]])
        for g in groups_with_members]


class MoveForm(forms.Form):
    """Move one person to another group."""

    member = forms.TypedChoiceField(label=_("Person"), coerce=int, widget=SELECT)
    group = forms.TypedChoiceField(label=_("To group"), coerce=int, widget=SELECT)

    def __init__(self, *args, groups_with_members=(), **kwargs):
        super().__init__(*args, prefix="move", **kwargs)
        self.fields["member"].choices = _member_choices(groups_with_members)
        self.fields["group"].choices = [("", _("Choose a group"))] + [
            (g["group"].pk, str(g["group"])) for g in groups_with_members]


class SwapForm(forms.Form):
    """Swap two people of different groups."""

    first = forms.TypedChoiceField(label=_("First person"), coerce=int, widget=SELECT)
    second = forms.TypedChoiceField(label=_("Second person"), coerce=int, widget=SELECT)

    def __init__(self, *args, groups_with_members=(), **kwargs):
        super().__init__(*args, prefix="swap", **kwargs)
        self.fields["first"].choices = self.fields["second"].choices = _member_choices(groups_with_members)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            self.add_error("second", _("Choose two different people."))
        return data


class DateAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=DateAnswer.Answer.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("If you need other dates: which dates do not suit you, and why."))

    def clean(self):
        data = super().clean()
        if data.get("answer") == DateAnswer.Answer.OTHER_DATES and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say which dates do not suit you, and why."))
        return data


class VisitMoveForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=DATE)


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the round's record; not sent to the group."))
    confirm = forms.BooleanField(label=_("Yes, take the person out of the round"), required=True)


class OwnLeaveForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, I leave the round"), required=True)
