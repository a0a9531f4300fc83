"""The yearly survey in December (seed 001: "Rektor svarar på motsvarande enkät årligen i december ...
Utvärderingarna används i Pedagogcentrums kvalitetsarbete").

A coordinator plans the year's survey (the day it is sent and the last day to answer); a daily job
(``tasks.send_due_yearly_surveys``) sends it on that day: one survey per development area that had
efforts that year, to the principals of the units that had them. The results are read per year and
area and over the years, always through the survey engine's threshold (nothing under five answers).

Decisions where the seed is silent:

- **The day to send** may be any day of the survey's year, today or later. December is what the seed
  describes and what the form proposes (the first of December, open until the twentieth), but a
  centre that wants it out before the Christmas rush in late November is not stopped.
- **Which efforts** (``efforts_of_year``): the centre's tailor-made efforts (not those of
  cooperation programmes, which a partner leads) that are *ended* with ``ended_at`` in the year, on
  the local clock, or *running* when the survey is sent and started running (``state_changed_at``)
  before the year was over. Efforts still being requested or planned, and withdrawn ones, had nothing
  the unit could evaluate.
- **Who is invited**: the confirmed principals (active accounts) of the efforts' units, once per area
  however many of the unit's efforts were in it.
- A survey that was not sent by its last day (the job was down, or tailor-made development was
  switched off) is not sent late: its dates can be changed, as it is not sent.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.accounts.models import Membership
from inspira.core.audit import audit_record
from inspira.core.clock import local_midnight
from inspira.efforts.models import Area, Effort, YearlyAreaSurvey, YearlySurvey
from inspira.efforts.permissions import may_coordinate
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme
from inspira.surveys.models import Question, Survey
from inspira.surveys.selectors import Cell, Summary, cell, survey_results, survey_summaries
from inspira.surveys.services import closes_at_for, survey_create, survey_invite, survey_open


class YearlyError(Exception):
    """Message is translated; views show it as is, next to ``field`` when it names the input at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# The questions of every area's survey, in this order: the results over the years compare the rating
# questions by their position, so a change of wording keeps its place. Stored in the site's language
# when the survey is made.
QUESTIONS = (
    {"kind": Question.Kind.SCALE,
     "text": gettext_lazy("How well did the effort or efforts meet your unit's needs?")},
    {"kind": Question.Kind.SCALE,
     "text": gettext_lazy("How satisfied are you with the development centre's work in the effort or efforts?")},
    {"kind": Question.Kind.SCALE,
     "text": gettext_lazy("How likely are you to recommend the development centre's efforts to another principal?")},
    {"kind": Question.Kind.TEXT,
     "text": gettext_lazy("What else would you like to tell the development centre about the efforts?"),
     "required": False},
)
# (position, short label) of the rating questions, for the tables' headings.
RATINGS = (
    (1, gettext_lazy("Met the unit's needs")),
    (2, gettext_lazy("The centre's work")),
    (3, gettext_lazy("Would recommend")),
)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year on the local clock: from its first midnight to the next year's."""
    return local_midnight(date(year, 1, 1)), local_midnight(date(year + 1, 1, 1))


def yearly_closes_at(closes_on: date) -> datetime:
    """The end of the last day to answer: the next local midnight (aware), on DST days too."""
    return closes_at_for(closes_on)


def efforts_of_year(year: int):
    """The tailor-made efforts the year's survey evaluates (see the module's docstring)."""
    start, end = year_bounds(year)
    return Effort.objects.filter(cooperation__isnull=True, programme__key=Key.TAILOR_MADE).filter(
        Q(state=Effort.State.ENDED, ended_at__gte=start, ended_at__lt=end)
        | Q(state=Effort.State.RUNNING, state_changed_at__lt=end))


def principals_by_area(year: int) -> dict[int, list]:
    """{area id: the principals to invite}, each principal once per area, for the areas that had
    efforts in the year (an area with efforts but no principal to ask is left out)."""
    pairs = set(efforts_of_year(year).filter(schools__isnull=False).values_list("area_id", "schools"))
    school_ids = {school_id for _area_id, school_id in pairs}
    principals: dict[int, set[int]] = {}
    for school_id, user_id in Membership.objects.filter(
            school_id__in=school_ids, role=Membership.Role.PRINCIPAL, confirmed_at__isnull=False,
            user__is_active=True).values_list("school_id", "user_id"):
        principals.setdefault(school_id, set()).add(user_id)
    users = get_user_model().objects.in_bulk({u for ids in principals.values() for u in ids})
    by_area: dict[int, set[int]] = {}
    for area_id, school_id in pairs:
        by_area.setdefault(area_id, set()).update(principals.get(school_id, ()))
    return {area_id: [users[u] for u in sorted(ids)] for area_id, ids in by_area.items() if ids}


# --- Planning ------------------------------------------------------------------------------------------

def yearly_survey_may_change(*, yearly: YearlySurvey | None) -> bool:
    """The days can be changed until the survey is sent (then people have been asked)."""
    return yearly is None or yearly.sent_at is None


def default_days(year: int) -> tuple[date, date]:
    """What the form proposes: sent on the first of December, open until the twentieth."""
    return date(year, 12, 1), date(year, 12, 20)


def _check_days(*, year: int, send_on: date, closes_on: date, today: date) -> None:
    if send_on.year != year:
        raise YearlyError(_("The day to send must be in the survey's year (the seed's practice is December)."),
                          field="send_on")
    if send_on < today:
        raise YearlyError(_("The day to send must be today or later."), field="send_on")
    if closes_on <= send_on:
        raise YearlyError(_("The last day to answer must be after the day the survey is sent."), field="closes_on")
    if closes_on > send_on + timedelta(days=90):
        raise YearlyError(_("The survey can be open for at most 90 days."), field="closes_on")


@transaction.atomic
def yearly_survey_plan(*, year: int, send_on: date, closes_on: date, actor, now=None) -> YearlySurvey:
    """Plan the year's survey, or change its days while it is not sent. One survey a year."""
    if not may_coordinate(actor):
        raise YearlyError(_("Only the development centre plans the yearly survey."))
    now = now or timezone.now()
    _check_days(year=year, send_on=send_on, closes_on=closes_on, today=timezone.localdate(now))
    yearly = YearlySurvey.objects.select_for_update().filter(year=year).first()
    if not yearly_survey_may_change(yearly=yearly):
        raise YearlyError(_("The survey of %(year)s has been sent; its days can no longer be changed.")
                          % {"year": year})
    created = yearly is None
    if created:
        yearly = YearlySurvey.objects.create(year=year, send_on=send_on, closes_on=closes_on, created_by=actor)
    else:
        yearly.send_on, yearly.closes_on = send_on, closes_on
        yearly.save(update_fields=["send_on", "closes_on"])
    audit_record(actor=actor, action="effort.yearly_planned" if created else "effort.yearly_changed",
                 obj=yearly, summary=str(year),
                 data={"send_on": send_on.isoformat(), "closes_on": closes_on.isoformat()})
    return yearly


# --- Sending -------------------------------------------------------------------------------------------

def yearly_survey_may_send(*, yearly: YearlySurvey, now=None) -> bool:
    """From its day on, once, and not after its last day to answer."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return yearly.sent_at is None and yearly.send_on <= today <= yearly.closes_on


def _title(year: int, area: Area) -> str:
    return _("Yearly survey %(year)s: %(area)s") % {"year": year, "area": area.name}


def _intro(year: int, area: Area) -> str:
    return _("The development centre asks you as principal what you think of the efforts in %(area)s your unit "
             "had in %(year)s. The answers are anonymous and are used in the development centre's quality "
             "work.") % {"year": year, "area": area.name}


@transaction.atomic
def yearly_survey_send(*, yearly: YearlySurvey, now=None) -> bool:
    """Make, open and send the year's surveys, one per area. Returns whether it sent them: False when it
    is not (or no longer) due, so a second worker, or a second run, does nothing."""
    now = now or timezone.now()
    # The lock makes a second worker wait here, and then see sent_at.
    yearly = YearlySurvey.objects.select_for_update().get(pk=yearly.pk)
    if not yearly_survey_may_send(yearly=yearly, now=now):
        return False
    programme = Programme.objects.get(key=Key.TAILOR_MADE)
    if not programme.is_active:
        # A programme that is off leaves no trace: nothing is sent; if it is switched on again before
        # the last day to answer, the next run sends it.
        return False
    closes_at = yearly_closes_at(yearly.closes_on)
    invited = 0
    by_area = principals_by_area(yearly.year)
    areas = Area.objects.in_bulk(by_area)
    with translation.override(settings.LANGUAGE_CODE):
        for area in sorted(areas.values(), key=lambda a: (a.position, a.name)):
            survey = survey_create(
                programme=programme, title=_title(yearly.year, area), intro=_intro(yearly.year, area),
                closes_at=closes_at, actor=None, now=now,
                questions=[{**q, "text": str(q["text"])} for q in QUESTIONS])
            survey_open(survey=survey, actor=None, now=now)
            invited += len(survey_invite(survey=survey, users=by_area[area.pk], now=now))
            YearlyAreaSurvey.objects.create(yearly=yearly, area=area, survey=survey)
    yearly.sent_at = now
    yearly.save(update_fields=["sent_at"])
    audit_record(actor=None, action="effort.yearly_sent", obj=yearly, summary=str(yearly.year),
                 data={"areas": len(areas), "invited": invited})
    return True


def send_due_yearly_surveys(now=None) -> int:
    """Send every yearly survey that is due; the number sent. Each in its own transaction, so one that
    fails leaves the others sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for yearly in YearlySurvey.objects.filter(sent_at__isnull=True, send_on__lte=today, closes_on__gte=today):
        sent += yearly_survey_send(yearly=yearly, now=now)
    return sent


# --- Reading ----------------------------------------------------------------------------------------------

def yearly_surveys_listed():
    """The list of yearly surveys, the latest year first, with the number of areas and of invitations."""
    return YearlySurvey.objects.annotate(
        area_count=Count("area_surveys", distinct=True),
        invited=Count("area_surveys__survey__invitations", distinct=True),
    ).order_by("-year")


@dataclass
class AreaResult:
    """One area's survey of a year: invitations, and results as the survey engine lets them be shown."""

    area_survey: YearlyAreaSurvey
    invited: int
    answered: int
    closed: bool
    responses: Cell | None = None  # None before the survey closes
    means: list[float | None] = field(default_factory=list)  # in the order of RATINGS


def year_results(*, yearly: YearlySurvey, now=None) -> list[AreaResult]:
    """The year's page: each area's survey, read through ``survey_results`` (the threshold of five)."""
    now = now or timezone.now()
    items = []
    for area_survey in (yearly.area_surveys.select_related("area", "survey")
                        .annotate(invited=Count("survey__invitations"),
                                  answered=Count("survey__invitations", filter=Q(survey__invitations__answered=True)))
                        .order_by("area__position", "area__name")):
        survey = area_survey.survey
        item = AreaResult(area_survey=area_survey, invited=area_survey.invited, answered=area_survey.answered,
                          closed=survey.state(now) == Survey.State.CLOSED)
        if item.closed:
            results = survey_results(survey=survey, now=now)
            item.responses = results.group
            by_position = {r.question.position: r.mean for r in results.questions}
            item.means = [by_position.get(position) for position, _label in RATINGS]
        items.append(item)
    return items


def sent_yearly_surveys():
    return YearlySurvey.objects.filter(sent_at__isnull=False).order_by("-year")


@dataclass
class YearRow:
    yearly: YearlySurvey
    cells: list[Summary | None]  # in the order of the table's areas; None: no survey of that area that year


def results_over_years(*, yearlies, now=None) -> tuple[list[Area], list[YearRow]]:
    """The table year x area for these years: (its areas, its rows), in a fixed number of queries
    however many years and areas (``survey_summaries`` holds the threshold of five in every cell)."""
    yearlies = list(yearlies)
    area_surveys = list(YearlyAreaSurvey.objects.filter(yearly__in=yearlies).select_related("area", "survey"))
    summaries = survey_summaries(surveys=[a.survey for a in area_surveys], now=now)
    areas = sorted({a.area for a in area_surveys}, key=lambda a: (a.position, a.name))
    by_cell = {(a.yearly_id, a.area_id): summaries[a.survey_id] for a in area_surveys}
    rows = [YearRow(yearly=y, cells=[by_cell.get((y.pk, area.pk)) for area in areas]) for y in yearlies]
    return areas, rows


def summary_values(summary: Summary | None) -> list[str]:
    """A cell as text: the number of answers and each rating's mean, or why it is not shown."""
    if summary is None:
        return ["–"] * (1 + len(RATINGS))
    if not summary.closed:
        return [_("open")] + [""] * len(RATINGS)
    if summary.suppressed:
        return [str(summary.responses)] + [""] * len(RATINGS)
    return [str(summary.responses)] + [
        _format_mean(summary.means.get(position)) for position, _label in RATINGS]


def _format_mean(mean: float | None) -> str:
    return str(cell(0)) if mean is None else f"{mean:.1f}".replace(".", ",")


def export_rows(*, now=None) -> list[list]:
    """The over-the-years table for the export, one row per year and area, from the same summaries."""
    areas, rows = results_over_years(yearlies=sent_yearly_surveys(), now=now)
    out = []
    for row in rows:
        for area, summary in zip(areas, row.cells, strict=True):
            if summary is not None:
                out.append([row.yearly.year, area.name, *summary_values(summary)])
    return out


def export_header() -> list[str]:
    return [_("Year"), _("Development area"), _("Answers"), *(str(label) for _position, label in RATINGS)]
