"""The cooperation programmes' forms. They check the input's shape and show the rules of
``cooperation_services`` at the fields; the services check the rules again."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspira.core.forms import ModelMultipleChoiceField
from inspira.efforts import cooperation_services as services
from inspira.efforts.models import Area, CooperationProgramme, Document, Effort, Level, Partner
from inspira.schools.models import School

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SELECT = forms.Select(attrs={"class": "form-select"})


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("name", "email")


class PersonChoice:
    @staticmethod
    def label(user) -> str:
        return f"{user.name} ({user.email})" if user.name else user.email


class CooperationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("For example “Samverkan för bästa skola”."))
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    first_year = forms.IntegerField(label=_("First year"), min_value=services.EARLIEST_YEAR,
                                    max_value=services.LATEST_YEAR)
    last_year = forms.IntegerField(label=_("Last year"), min_value=services.EARLIEST_YEAR,
                                   max_value=services.LATEST_YEAR)
    areas = ModelMultipleChoiceField(
        label=_("Development areas"), queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one development area.")})
    process_leaders = ModelMultipleChoiceField(
        label=_("Process leaders"), queryset=_people().none(), required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
        help_text=_("The people who support the efforts, e.g. from a university. Hold Ctrl (⌘ on a Mac) to "
                    "choose several."))

    def __init__(self, *args, instance: CooperationProgramme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(is_active=True)
        leaders = _people()
        if instance is not None:
            # An area no longer in use, or a leader no longer active, stays on the programme that has it.
            areas = Area.objects.filter(Q(is_active=True) | Q(pk__in=instance.areas.values("pk")))
            leaders = get_user_model().objects.filter(
                Q(is_active=True) | Q(pk__in=instance.process_leaders.values("pk"))).order_by("name", "email")
            for name in ("title", "description", "first_year", "last_year"):
                self.initial.setdefault(name, getattr(instance, name))
            self.initial.setdefault("areas", list(instance.areas.values_list("pk", flat=True)))
            self.initial.setdefault("process_leaders", list(instance.process_leaders.values_list("pk", flat=True)))
        self.fields["areas"].queryset = areas.order_by("position", "name")
        self.fields["process_leaders"].queryset = leaders
        self.fields["process_leaders"].label_from_instance = PersonChoice.label

    def clean(self):
        data = super().clean()
        for name, messages in services.cooperation_errors(data).items():
            for message in messages:
                if name in self.fields and name not in self._errors:
                    self.add_error(name, message)
        return data


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Partner"), max_length=Partner._meta.get_field("name").max_length,
                           help_text=_("For example Skolverket or Stockholms universitet."))
    role = forms.CharField(label=_("Role in the programme"), required=False,
                           max_length=Partner._meta.get_field("role").max_length)


class BasePartnerFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self):
        if any(self.errors):
            return
        errors = services.partner_errors(self.partners())
        if errors:
            raise forms.ValidationError(errors)

    def partners(self) -> list[dict]:
        """The rows kept (filled in, not ticked for removal), in order."""
        # A saved partner's row counts unchanged; an empty new row left as it was is no partner.
        return [{"name": form.cleaned_data["name"], "role": form.cleaned_data.get("role", "")}
                for i, form in enumerate(self.forms)
                if (i < self.initial_form_count() or form.has_changed()) and form.cleaned_data.get("name")
                and not form.cleaned_data.get("DELETE")]


# Two empty rows to add partners; a saved partner is removed by ticking its row.
PartnerFormSet = forms.formset_factory(PartnerForm, formset=BasePartnerFormSet, extra=2, can_delete=True,
                                       max_num=30, validate_max=True)


def partner_formset(data=None, *, instance: CooperationProgramme | None = None):
    initial = ([{"name": p.name, "role": p.role} for p in instance.partners.order_by("position", "pk")]
               if instance is not None else [])
    return PartnerFormSet(data, initial=initial, prefix="partners")


class EffortForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=SELECT)
    area = forms.ModelChoiceField(label=_("Development area"), queryset=Area.objects.none(), widget=SELECT,
                                  empty_label=_("Choose an area"))
    schools = ModelMultipleChoiceField(
        label=_("School units"), queryset=School.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
        help_text=_("At least one for an effort at the school units; none for the political leadership or the "
                    "administration."))
    leader = forms.ModelChoiceField(label=_("Process leader"), queryset=_people().none(), widget=SELECT,
                                    empty_label=_("Choose a process leader"))
    goals = forms.CharField(label=_("Goals"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, cooperation: CooperationProgramme, instance: Effort | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperation = cooperation
        self.fields["area"].queryset = cooperation.areas.order_by("position", "name")
        self.fields["schools"].queryset = School.objects.order_by("name", "pk")
        self.fields["leader"].queryset = cooperation.process_leaders.order_by("name", "email")
        self.fields["leader"].label_from_instance = PersonChoice.label
        if instance is not None:
            for name in ("title", "level", "goals"):
                self.initial.setdefault(name, getattr(instance, name))
            self.initial.setdefault("area", instance.area_id)
            self.initial.setdefault("leader", instance.leader_id)
            self.initial.setdefault("schools", list(instance.schools.values_list("pk", flat=True)))

    def clean(self):
        data = super().clean()
        fields = dict(data)
        fields["schools"] = list(data.get("schools") or []) if "schools" not in self._errors else None
        for name, messages in services.effort_errors(cooperation=self.cooperation, fields=fields).items():
            for message in messages:
                if name in self.fields and name not in self._errors:
                    self.add_error(name, message)
        return data


class DocumentForm(forms.Form):
    """An entry of the effort's log: what was done (a note), a lesson or a good example."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, widget=SELECT)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    school = forms.ModelChoiceField(label=_("School unit"), queryset=School.objects.none(), required=False,
                                    widget=SELECT, empty_label=_("The whole effort"),
                                    help_text=_("Which unit a lesson or good example is from."))
    happened_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("PDF, Word, Excel, JPEG or PNG, if you have one."))

    def __init__(self, *args, effort: Effort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = effort.schools.order_by("name", "pk")
        if not effort.schools.exists():
            del self.fields["school"]


class EndForm(forms.Form):
    """No fields: sending it is the confirmation."""


class SeminarForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    starts = forms.TimeField(label=_("Starts at"), widget=TIME)
    ends = forms.TimeField(label=_("Ends at"), widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=300)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=5000, initial=80)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        for name, messages in services.seminar_errors(data).items():
            for message in messages:
                if name in self.fields and name not in self._errors:
                    self.add_error(name, message)
        return data
