"""The panel's short surveys: the coordinators' list, a survey's page (draw, send, remind), the export,
and the member's surveys and results. The rules are in ``panel.surveys`` and the survey engine; these
views check access and render. Every figure shown comes from the engine's ``survey_results``."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.core.spreadsheets import Sheet, xlsx_response
from inspira.panel import surveys as panel_surveys
from inspira.panel.focus import stratum_labels
from inspira.panel.forms_surveys import PanelSurveyForm, SurveyDrawForm
from inspira.panel.permissions import is_member, may_coordinate
from inspira.panel.sampling import DrawError, askable_members, draw_repeat, strata_counts
from inspira.programmes.catalog import Key
from inspira.surveys import selectors
from inspira.surveys import services as engine
from inspira.surveys.models import Invitation, Survey


def _panel_surveys():
    return Survey.objects.filter(programme__key=Key.TEACHER_PANEL)


def _survey(pk: int) -> Survey:
    return get_object_or_404(_panel_surveys().select_related("programme"), pk=pk)


@login_required
@require_GET
def surveys(request):
    require(may_coordinate(request.user))
    paginated = paginate(request, _panel_surveys().order_by("-closes_at", "-pk"))
    page = paginated.page
    counts = selectors.invitation_counts(page.object_list)
    now = timezone.now()
    rows = [{"survey": s, "state": s.state(now), "state_label": Survey.State(s.state(now)).label,
             **counts[s.pk]} for s in page.object_list]
    return render(request, "panel/surveys/list.html", {"page_obj": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request):
    require(may_coordinate(request.user))
    form = PanelSurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = panel_surveys.panel_survey_create(title=data["title"], intro=data["intro"],
                                                       closes_at=engine.closes_at_for(data["last_day"]),
                                                       actor=request.user)
        except engine.SurveyError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The survey is created. Write its questions, then draw who is asked."))
            return redirect("panel:survey", survey.pk)
    return render(request, "panel/surveys/new.html", {"form": form})


def _strata():
    counts = strata_counts(askable_members())
    labels = stratum_labels(list(counts))
    return sorted(((key, labels[key], count) for key, count in counts.items()), key=lambda s: s[1])


def _render_survey(request, survey: Survey, form: SurveyDrawForm | None = None, status: int = 200):
    now = timezone.now()
    strata = _strata()
    form = form or SurveyDrawForm(strata=strata)
    draw = panel_surveys.survey_draw_current(survey)
    current = None
    if draw is not None:
        picks = list(draw.picks.order_by("position").values_list("member_id", "stratum"))
        per_stratum = Counter(stratum for _member, stratum in picks)
        labels = stratum_labels(list(per_stratum))
        current = {
            "draw": draw, "picked": len(picks),
            "strata": sorted(((labels[k], n) for k, n in per_stratum.items()), key=lambda s: s[0]),
            "repeats": draw_repeat(draw) == [member for member, _stratum in picks],
        }
    counts = selectors.invitation_counts([survey])[survey.pk]
    return render(request, "panel/surveys/survey.html", {
        "survey": survey, "state": survey.state(now), "state_label": Survey.State(survey.state(now)).label,
        "form": form, "strata": strata, "askable": sum(s[2] for s in strata), "current": current,
        "may_draw": panel_surveys.survey_may_draw(survey=survey, now=now),
        "may_send": draw is not None and not draw.sent_at,
        "may_remind": engine.survey_may_remind(survey=survey, now=now) and counts["invited"] > counts["answered"],
        "counts": counts, "questions": survey.questions.count(),
    }, status=status)


@login_required
@require_GET
def survey(request, pk: int):
    require(may_coordinate(request.user))
    return _render_survey(request, _survey(pk))


@login_required
@require_POST
def survey_draw(request, pk: int):
    require(may_coordinate(request.user))
    survey = _survey(pk)
    form = SurveyDrawForm(request.POST, strata=_strata())
    if not form.is_valid():
        return _render_survey(request, survey, form)
    try:
        draw = panel_surveys.survey_draw(survey=survey, sizes=form.cleaned_data["sizes"], actor=request.user)
    except DrawError as e:
        if e.field == "sizes" and form.strata:
            form.add_error(form.size_field(form.strata[0][0]), str(e))
        else:
            form.add_error(None, str(e))
        return _render_survey(request, survey, form)
    count = draw.picks.count()
    messages.success(request, ngettext("The draw is made: %(count)s member. Check it and send the invitation.",
                                       "The draw is made: %(count)s members. Check it and send the invitations.",
                                       count) % {"count": count})
    return redirect("panel:survey", survey.pk)


@login_required
@require_POST
def survey_send(request, pk: int):
    require(may_coordinate(request.user))
    survey = _survey(pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the invitations are to be sent."))
        return redirect("panel:survey", survey.pk)
    try:
        count = panel_surveys.survey_send(survey=survey, actor=request.user)
    except (DrawError, engine.SurveyError) as e:
        messages.error(request, str(e))
    else:
        messages.success(request, ngettext("The survey is sent: %(count)s member was invited.",
                                           "The survey is sent: %(count)s members were invited.", count)
                         % {"count": count})
    return redirect("panel:survey", survey.pk)


@login_required
@require_POST
def survey_remind(request, pk: int):
    require(may_coordinate(request.user))
    survey = _survey(pk)
    try:
        count = panel_surveys.survey_remind(survey=survey, actor=request.user)
    except engine.SurveyError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, ngettext("A reminder was sent to %(count)s member who has not answered.",
                                           "A reminder was sent to %(count)s members who have not answered.",
                                           count) % {"count": count})
    return redirect("panel:survey", survey.pk)


@login_required
@require_GET
def survey_export(request, pk: int):
    require(may_coordinate(request.user))
    survey = _survey(pk)
    try:
        data = selectors.survey_results(survey=survey)
    except engine.SurveyError as e:
        messages.error(request, str(e))
        return redirect("panel:survey", survey.pk)
    header = [_("Question"), _("Answer"), _("Count")]
    return xlsx_response(f"lararpanelen-enkat-{survey.pk}.xlsx",
                         [Sheet(title=_("Results"), header=header, rows=selectors.results_rows(data))])


def _my_invitations(user):
    return Invitation.objects.filter(user=user, survey__programme__key=Key.TEACHER_PANEL)


@login_required
@require_GET
def my_surveys(request):
    require(is_member(request.user) or _my_invitations(request.user).exists())
    now = timezone.now()
    invitations = (_my_invitations(request.user).select_related("survey")
                   .order_by("-survey__closes_at", "-pk"))
    closed = Q(survey__closes_at__lte=now) | Q(survey__closed_at__lte=now)
    opened = list(invitations.exclude(closed).filter(survey__opens_at__lte=now))
    paginated = paginate(request, invitations.filter(closed))
    open_rows = [{"invitation": i, "answer_url": None if i.answered else _answer_url(i)} for i in opened]
    return render(request, "panel/surveys/mine.html", {"open_rows": open_rows, "page_obj": paginated.page})


def _answer_url(invitation: Invitation) -> str:
    """The answer link the engine's emails carry (the same personal token)."""
    return reverse("surveys:answer", kwargs={"token": engine.invitation_token(invitation)})


@login_required
@require_GET
def survey_results(request, pk: int):
    survey = _survey(pk)
    require(_my_invitations(request.user).filter(survey=survey).exists())
    try:
        data = selectors.survey_results(survey=survey)
    except engine.SurveyError as e:
        messages.error(request, str(e))
        return redirect("panel:my_surveys")
    return render(request, "panel/surveys/results.html", {
        "survey": survey, "results": data, "min_group": selectors.min_group(),
        "charts": [{"item": item, "bars": _bars(item)} for item in data.questions]})


def _bars(item) -> list[dict]:
    """A bar per answer: its share of those who answered the question, whole percent (None when hidden)."""
    answered = item.answered.value
    return [{"label": row.label, "count": row.count,
             "percent": round(100 * row.count.value / answered) if answered and row.count.value is not None
             else None} for row in item.rows]
