"""The coordinators' overview of the panel: membership over time, survey response rates, open questions by
age and what the panel has led to. Counts only, never names of members; a constant number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inspira.panel.models import ChatQuestion, Member, Submission
from inspira.panel.sampling import active_members
from inspira.programmes.catalog import Key
from inspira.surveys.models import Survey
from inspira.surveys.selectors import invitation_counts

MONTHS = 12
# (upper bound in days, exclusive, or None for the last bucket); the labels are the page's.
AGE_BUCKETS = (7, 14, 28, None)
LATEST_TAKEN_UP = 5


def _month_starts(today: date, months: int = MONTHS) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for _n in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


@dataclass
class MonthRow:
    month: date
    joined: int = 0
    left: int = 0
    lapsed: int = 0


def membership_by_month(*, now=None) -> list[MonthRow]:
    """Per month of the last 12 (oldest first): how many joined, left and lapsed. Two queries."""
    now = now or timezone.now()
    starts = _month_starts(timezone.localdate(now))
    since = timezone.make_aware(datetime.combine(starts[0], datetime.min.time()))
    rows = {start: MonthRow(start) for start in starts}
    for month, n in (Member.objects.filter(joined_at__gte=since).annotate(month=TruncMonth("joined_at"))
                     .values("month").annotate(n=Count("pk")).values_list("month", "n")):
        rows[_as_date(month)].joined += n
    for month, ending, n in (Member.objects.filter(ended_at__gte=since).annotate(month=TruncMonth("ended_at"))
                             .values("month", "ending").annotate(n=Count("pk"))
                             .values_list("month", "ending", "n")):
        row = rows[_as_date(month)]
        if ending == Member.Ending.LEFT:
            row.left += n
        elif ending == Member.Ending.LAPSED:
            row.lapsed += n
    return [rows[start] for start in starts]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def current_by_school_form(*, now=None) -> list[tuple[str, int]]:
    """The current members counted by school form: [(school form, count)], in the school forms' order.
    Two queries."""
    from inspira.schools.models import SchoolForm

    counts = dict(active_members(now).values_list("school_form").annotate(n=Count("pk")).order_by())
    return [(str(sf), counts[sf.pk]) for sf in SchoolForm.objects.filter(pk__in=counts)]


def current_by_district(*, now=None) -> list[tuple[str, int]]:
    """The current members counted by district: [(district, count)], by name. One query."""
    return list(active_members(now).values_list("district__name").annotate(n=Count("pk")).order_by("district__name"))


@dataclass
class SurveyRate:
    survey: Survey
    invited: int
    answered: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None


def panel_surveys():
    return Survey.objects.filter(programme__key=Key.TEACHER_PANEL).order_by("-closes_at", "-pk")


def survey_rates(surveys) -> list[SurveyRate]:
    """The surveys (a page of ``panel_surveys``) with how many were invited and answered. One query more."""
    surveys = list(surveys)
    counts = invitation_counts(surveys)
    return [SurveyRate(s, counts[s.pk]["invited"], counts[s.pk]["answered"]) for s in surveys]


@dataclass
class AgeRow:
    label_key: int | None  # the bucket's upper bound in days, None for the oldest
    submissions: int = 0
    chat_questions: int = 0
    overdue: int = 0


OPEN_SUBMISSION_STATES = (Submission.State.RECEIVED, Submission.State.UNDER_REVIEW)


def _bucket(age_days: int) -> int | None:
    for bound in AGE_BUCKETS:
        if bound is None or age_days < bound:
            return bound
    return None


def open_questions_by_age(*, now=None) -> list[AgeRow]:
    """Open raised questions and examples, and approved chat questions not yet answered, by age in buckets
    (under 1 week, 1-2 weeks, 2-4 weeks, older), each with how many are past their answer day. Two queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = {bound: AgeRow(bound) for bound in AGE_BUCKETS}
    for created_at, due_on in Submission.objects.filter(state__in=OPEN_SUBMISSION_STATES).values_list(
            "created_at", "due_on"):
        row = rows[_bucket((now - created_at).days)]
        row.submissions += 1
        row.overdue += due_on is not None and due_on < today
    for created_at, due_on in ChatQuestion.objects.filter(state=ChatQuestion.State.APPROVED).values_list(
            "created_at", "due_on"):
        row = rows[_bucket((now - created_at).days)]
        row.chat_questions += 1
        row.overdue += due_on is not None and due_on < today
    return [rows[bound] for bound in AGE_BUCKETS]


def taken_up() -> tuple[int, list[Submission]]:
    """How many raised questions were taken up, and the latest few (titles only). Two queries."""
    taken = Submission.objects.filter(state=Submission.State.TAKEN_UP)
    return taken.count(), list(taken.only("pk", "title", "state_changed_at").order_by("-state_changed_at", "-pk")
                               [:LATEST_TAKEN_UP])


def overview(*, now=None) -> dict:
    now = now or timezone.now()
    count, latest = taken_up()
    return {
        "months": membership_by_month(now=now),
        "by_school_form": current_by_school_form(now=now),
        "by_district": current_by_district(now=now),
        "ages": open_questions_by_age(now=now),
        "taken_up_count": count,
        "taken_up_latest": latest,
    }
