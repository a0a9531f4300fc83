"""The filters above the audit trail (GET)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Stockholm, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The trail starts with Inspira; a date outside these years is a typing mistake, and at the ends of
# the calendar (year 1, year 9999) the day's Stockholm midnight cannot even be computed.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2999, 12, 31)


class AuditFilterForm(forms.Form):
    """Invalid values are shown at their field and otherwise ignored."""

    person = forms.CharField(label=_("Person"), required=False, max_length=100,
                             help_text=_("Part of the name or email address of whoever acted."))
    action = forms.ChoiceField(label=_("What was done"), required=False)
    object_type = forms.ChoiceField(label=_("Concerning"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput(),
                              help_text=_("The day itself included."))
    q = forms.CharField(label=_("Search the summaries"), required=False, max_length=100)

    def __init__(self, *args, actions, object_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *actions]
        self.fields["object_type"].choices = [("", _("Everything")), *object_types]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")

    def _clean_day(self, name):
        day = self.cleaned_data.get(name)
        if day and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Give a date between %(earliest)s and %(latest)s.")
                                        % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()})
        return day

    def clean_date_from(self):
        return self._clean_day("date_from")

    def clean_date_to(self):
        return self._clean_day("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def filters(self) -> dict:
        """Keyword arguments for ``audit.audit_events``: the valid filters only."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        start, end = data.get("date_from"), data.get("date_to")
        return {
            "person": (data.get("person") or "").strip(),
            "action": data.get("action") or "",
            "object_type": data.get("object_type") or "",
            "since": _start_of(start) if start else None,
            "before": _start_of(end + datetime.timedelta(days=1)) if end else None,
            "text": (data.get("q") or "").strip(),
        }
