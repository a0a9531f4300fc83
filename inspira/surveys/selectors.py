"""Survey results, with the small groups suppressed.

Every view, filter and export reads results through ``survey_results`` and nothing else, so the rule
is in one place: nothing before the survey closes; for fewer than ``SURVEY_MIN_GROUP`` responses only
their number; and every count under the threshold is shown the same way ("fewer than 5"), whatever
it is, 0 included, so that a reader cannot tell a 1 from a 4.

A remaining risk, accepted as in Skolinspektionen's publications: only primary cells are suppressed.
Where the total and all but one cell of a question are shown, the last can be worked out by subtraction.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.surveys.models import Answer, Question, Response, Survey
from inspira.surveys.services import SurveyError


def min_group() -> int:
    return settings.SURVEY_MIN_GROUP


@dataclass(frozen=True)
class Cell:
    """A count as it may be shown: ``value`` is None when it is under the threshold."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return _("fewer than %(n)s") % {"n": min_group()}
        return str(self.value)


def cell(count: int) -> Cell:
    return Cell(count if count >= min_group() else None)


@dataclass
class Row:
    label: str
    count: Cell


@dataclass
class QuestionResult:
    question: Question
    answered: Cell
    rows: list[Row] = field(default_factory=list)  # per choice, or per scale step
    mean: float | None = None  # scale questions, when enough answered
    texts: list[str] = field(default_factory=list)  # approved free texts


@dataclass
class Results:
    survey: Survey
    total: int  # responses to the survey (always shown, also under the threshold)
    group: Cell  # responses in the filtered group (the total without a filter)
    questions: list[QuestionResult]
    filtered: bool

    @property
    def suppressed(self) -> bool:
        return self.group.suppressed


def parse_filters(survey: Survey, filters: dict | None) -> dict[int, int]:
    """{question id: choice id}, each checked to belong to this survey's choice questions."""
    if not filters:
        return {}
    parsed = {}
    questions = {q.pk: q for q in survey.questions.prefetch_related("choices")}
    for key, value in filters.items():
        try:
            question, choice = questions[int(key)], int(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise SurveyError(_("That filter does not fit this survey.")) from exc
        if not question.has_choices or choice not in {c.pk for c in question.choices.all()}:
            raise SurveyError(_("That filter does not fit this survey."))
        parsed[question.pk] = choice
    return parsed


def survey_results(*, survey: Survey, filters: dict | None = None, now=None) -> Results:
    """Results of a closed survey. ``filters``: {question id: choice id}, the group of responses that
    gave each of these answers (a cross-tab)."""
    now = now or timezone.now()
    if survey.state(now) != Survey.State.CLOSED:
        raise SurveyError(_("Results are shown when the survey has closed."))
    chosen = parse_filters(survey, filters)
    total = Response.objects.filter(survey=survey).count()
    responses = Response.objects.filter(survey=survey)
    for question_id, choice_id in chosen.items():
        responses = responses.filter(answers__question_id=question_id, answers__choice_id=choice_id)
    size = responses.distinct().count() if chosen else total
    group = cell(size)
    questions = list(survey.questions.prefetch_related("choices"))
    if group.suppressed:
        # Under the threshold nothing but the number of responses is given (and with a filter, not even that).
        return Results(survey=survey, total=total, group=group, questions=[], filtered=bool(chosen))
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    answered = dict(answers.values("question").annotate(n=Count("response", distinct=True))
                    .values_list("question", "n"))
    by_choice = dict(answers.filter(choice__isnull=False).values("choice").annotate(n=Count("pk"))
                     .values_list("choice", "n"))
    by_value = {(q, v): n for q, v, n in answers.filter(value__isnull=False).values("question", "value")
                .annotate(n=Count("pk")).values_list("question", "value", "n")}
    texts: dict[int, list[str]] = {}
    for question_id, text in (answers.filter(review=Answer.Review.APPROVED).order_by("text")
                              .values_list("question", "text")):
        texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        count = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=cell(count))
        if question.has_choices:
            result.rows = [Row(c.text, cell(by_choice.get(c.pk, 0))) for c in question.choices.all()]
        elif question.kind == Question.Kind.SCALE:
            steps = range(Question.SCALE_MIN, Question.SCALE_MAX + 1)
            result.rows = [Row(str(v), cell(by_value.get((question.pk, v), 0))) for v in steps]
            if count >= min_group():
                result.mean = round(sum(v * by_value.get((question.pk, v), 0) for v in steps) / count, 1)
        elif count >= min_group():
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return Results(survey=survey, total=total, group=group, questions=results, filtered=bool(chosen))


@dataclass
class Summary:
    """A survey's number of responses and the means of its scale questions, by the question's position:
    what a table of many surveys shows in one cell each. Under the same rules as ``survey_results``."""

    survey: Survey
    closed: bool
    responses: Cell | None  # None before the survey closes
    means: dict[int, float | None] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.responses is None or self.responses.suppressed


def survey_summaries(*, surveys, now=None) -> dict[int, Summary]:
    """{survey id: Summary} for many surveys in two queries, so a table over years and areas keeps its
    queries as it grows. The threshold is ``survey_results``': nothing before a survey closes, only the
    number (as "fewer than 5") under the threshold, and a mean only of a question answered by enough."""
    now = now or timezone.now()
    surveys = list(surveys)
    closed = [s.pk for s in surveys if s.state(now) == Survey.State.CLOSED]
    totals = dict(Response.objects.filter(survey_id__in=closed).values("survey")
                  .annotate(n=Count("pk")).values_list("survey", "n"))
    scale = {}
    shown = [pk for pk in closed if totals.get(pk, 0) >= min_group()]
    for survey_id, position, n, total in (
            Answer.objects.filter(question__survey_id__in=shown, question__kind=Question.Kind.SCALE,
                                  value__isnull=False)
            .values("question__survey", "question__position").annotate(n=Count("pk"), total=Sum("value"))
            .values_list("question__survey", "question__position", "n", "total")):
        scale[(survey_id, position)] = round(total / n, 1) if n >= min_group() else None
    summaries = {}
    for survey in surveys:
        if survey.pk not in closed:
            summaries[survey.pk] = Summary(survey=survey, closed=False, responses=None)
            continue
        summary = Summary(survey=survey, closed=True, responses=cell(totals.get(survey.pk, 0)))
        if not summary.suppressed:
            summary.means = {pos: mean for (pk, pos), mean in scale.items() if pk == survey.pk}
        summaries[survey.pk] = summary
    return summaries


def results_rows(results: Results) -> list[list]:
    """The export's rows, from the same suppressed results the page shows."""
    rows = []
    if results.suppressed:
        rows.append([_("Responses"), "", str(results.group if results.filtered else results.total)])
        return rows
    rows.append([_("Responses"), "", str(results.group)])
    for item in results.questions:
        rows.append([item.question.text, _("Answered"), str(item.answered)])
        for row in item.rows:
            rows.append([item.question.text, row.label, str(row.count)])
        if item.mean is not None:
            rows.append([item.question.text, _("Mean"), str(item.mean).replace(".", ",")])
        for text in item.texts:
            rows.append([item.question.text, _("Free text"), text])
    return rows


def pending_free_texts(survey: Survey):
    return (Answer.objects.filter(question__survey=survey, review=Answer.Review.PENDING)
            .select_related("question").order_by("question__position", "text"))


def surveys_managed(programme_ids):
    """The surveys of these programmes, the latest closing first, with what the list shows."""
    return (Survey.objects.filter(programme_id__in=programme_ids).select_related("programme")
            .annotate(question_count=Count("questions", distinct=True)).order_by("-closes_at", "-pk"))


def survey_invitation_counts(survey: Survey) -> dict[str, int]:
    """How many were invited and how many answered: never who answered what."""
    counts = survey.invitations.aggregate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    return {"invited": counts["invited"], "answered": counts["answered"]}


def invitation_counts(surveys) -> dict[int, dict[str, int]]:
    """``survey_invitation_counts`` for many surveys (or their ids) in one query: {survey id: {invited, answered}};
    a survey nobody was invited to gets zeros."""
    from inspira.surveys.models import Invitation

    ids = [getattr(s, "pk", s) for s in surveys]
    counts = {pk: {"invited": 0, "answered": 0} for pk in ids}
    rows = (Invitation.objects.filter(survey_id__in=ids).values("survey_id")
            .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))).order_by())
    for row in rows:
        counts[row["survey_id"]] = {"invited": row["invited"], "answered": row["answered"]}
    return counts
