from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.programmes.models import Programme
from inspira.surveys.models import Answer, Question, Survey

FREE_TEXT_MAX = 4000


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """One field a question; the service checks the answers again (required, choices, scale)."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.prefetch_related("choices"))
        for question in self.questions:
            common = {"label": question.text, "required": question.required}
            if question.kind == Question.Kind.SINGLE:
                field = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect,
                                               choices=[(c.pk, c.text) for c in question.choices.all()], **common)
            elif question.kind == Question.Kind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple,
                                                       choices=[(c.pk, c.text) for c in question.choices.all()],
                                                       **common)
            elif question.kind == Question.Kind.SCALE:
                steps = range(Question.SCALE_MIN, Question.SCALE_MAX + 1)
                field = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect,
                                               choices=[(v, str(v)) for v in steps], **common)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=FREE_TEXT_MAX,
                                        **common)
            field.question = question
            self.fields[field_name(question)] = field

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def grouped(self):
        """(bound field, is a group of options) in question order, for fieldsets with legends."""
        return [(self[field_name(q)], q.kind != Question.Kind.TEXT) for q in self.questions]


class ResultsFilterForm(forms.Form):
    """Show the results of those who gave one answer to a choice question (a cross-tab)."""

    filter = forms.ChoiceField(label=_("Only those who answered"), required=False)

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("Everyone"))]
        for question in survey.questions.prefetch_related("choices"):
            if question.has_choices:
                options += [(f"{question.pk}-{c.pk}", f"{question.text}: {c.text}") for c in question.choices.all()]
        self.fields["filter"].choices = options

    def filters(self) -> dict[int, int]:
        value = self.cleaned_data.get("filter") if self.is_valid() else ""
        if not value:
            return {}
        question, choice = value.split("-")
        return {int(question): int(choice)}


class ReviewForm(forms.Form):
    answer = forms.ModelChoiceField(queryset=Answer.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = Answer.objects.filter(question__survey=survey,
                                                               review=Answer.Review.PENDING)


# --- The builder ---------------------------------------------------------------------------------------------

class SurveyForm(forms.Form):
    """A survey's details. The last day is a day: the survey closes at the following midnight."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(label=_("Introduction"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Shown above the questions. Tell people what the survey is about."))
    last_day = forms.DateField(label=_("Last day to answer"), widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Answers are taken until midnight at the end of this day."))

    def __init__(self, *args, programme_ids=(), survey: Survey | None = None, **kwargs):
        if survey is not None:
            kwargs.setdefault("initial", {"title": survey.title, "intro": survey.intro, "last_day": survey.last_day})
        super().__init__(*args, **kwargs)
        if survey is not None:
            # A survey stays in its programme: its coordinators are the ones who see the answers.
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = Programme.objects.filter(pk__in=programme_ids).order_by("pk")
            if len(programme_ids) == 1:
                self.fields["programme"].initial = next(iter(programme_ids))

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(self.fields["title"].error_messages["required"], code="required")
        return title

    def clean_last_day(self):
        day = self.cleaned_data["last_day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The last day to answer must be today or later."))
        if day.year > timezone.localdate().year + 5:
            raise forms.ValidationError(_("Choose a day within five years."))
        return day


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Choices"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only for single and multiple choice: one choice a line, at least two, in the order "
                    "they are shown. Change the order by moving the lines."))

    CHOICE_MAX = 200

    def __init__(self, *args, question: Question | None = None, **kwargs):
        if question is not None:
            kwargs.setdefault("initial", {
                "kind": question.kind, "text": question.text, "required": question.required,
                "choices": "\n".join(c.text for c in question.choices.all())})
        super().__init__(*args, **kwargs)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"], code="required")
        return text

    def clean_choices(self):
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        if any(len(line) > self.CHOICE_MAX for line in lines):
            raise forms.ValidationError(_("A choice can be at most %(n)s characters long.") % {"n": self.CHOICE_MAX})
        return lines

    def service_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("kind", "text", "required", "choices")}


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Move up")), ("down", _("Move down"))])
