"""The centre's overview of the tailor-made efforts (Pedagogcentrum's list), and its exports. The order
and the clocks come from ``overview``; these views check access and render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inspira.accounts.permissions import require
from inspira.core import spreadsheets
from inspira.core.pagination import paginate
from inspira.efforts import overview as selectors
from inspira.efforts.models import Effort
from inspira.efforts.overview_forms import OverviewFilterForm
from inspira.efforts.permissions import may_coordinate


def _filtered(request):
    form = OverviewFilterForm(request.GET or None)
    filters = form.filters()
    return form, filters, selectors.overview(filters, today=timezone.localdate())


def _row(effort, result) -> dict:
    clock = result.clocks.get(effort.pk)
    return {
        "effort": effort,
        "schools": [school.name for school in effort.schools.all()],
        "is_late": effort.pk in result.late,
        "is_warned": effort.pk in result.warned,
        # The promised day, for the efforts that still owe a proposal.
        "deadline": clock.deadline if clock is not None and clock.met_on is None else None,
        "is_paused": clock is not None and clock.paused_since is not None and clock.met_on is None,
    }


def _with_state(request, state: str) -> str:
    """The overview with the same filters and ``state`` chosen instead (from the first page)."""
    query = request.GET.copy()
    query.pop("page", None)
    query["state"] = state
    return "?" + query.urlencode()


@login_required
@require_GET
def overview(request):
    require(may_coordinate(request.user))
    form, filters, result = _filtered(request)
    paginated = paginate(request, selectors.with_details(result.efforts))
    counts = selectors.state_counts(filters)
    states = [{"label": label, "count": counts[value], "chosen": value == filters.state,
               "url": _with_state(request, value)} for value, label in Effort.State.choices]
    return render(request, "efforts/overview.html", {
        "filter_form": form, "page_obj": paginated.page, "query": paginated.query, "filtered": filters.any,
        "rows": [_row(effort, result) for effort in paginated.page], "states": states,
        "total": sum(counts.values()), "late_count": len(result.late), "warned_count": len(result.warned),
    })


def _export_header() -> list[str]:
    return [_("Effort"), _("School units"), _("Development area"), _("State"), _("Responsible"), _("Requested"),
            _("Proposal due"), _("Proposal clock"), _("Registered")]


def _export_rows(result):
    for effort in selectors.with_details(result.efforts).iterator(chunk_size=500):
        row = _row(effort, result)
        if row["is_late"]:
            clock_text = _("Late")
        elif row["is_warned"]:
            clock_text = _("Due soon")
        elif row["is_paused"]:
            clock_text = _("Paused")
        else:
            clock_text = ""
        yield (effort.title, ", ".join(row["schools"]), effort.area.name, effort.get_state_display(),
               effort.leader.name if effort.leader else "",
               timezone.localdate(effort.requested_at) if effort.requested_at else None,
               row["deadline"], clock_text, timezone.localdate(effort.created_at))


def _filename(extension: str) -> str:
    return f"insatser-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def overview_csv(request):
    require(may_coordinate(request.user))
    _form, _filters, result = _filtered(request)
    return spreadsheets.csv_response(_filename("csv"), _export_header(), _export_rows(result))


@login_required
@require_GET
def overview_xlsx(request):
    require(may_coordinate(request.user))
    _form, _filters, result = _filtered(request)
    return spreadsheets.xlsx_response(_filename("xlsx"), [
        spreadsheets.Sheet(_("Efforts"), _export_header(), list(_export_rows(result)))])
