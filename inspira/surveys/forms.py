from django import forms
from django.utils.translation import gettext_lazy as _

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
