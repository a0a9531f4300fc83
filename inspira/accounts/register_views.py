"""The administrators' pages of Skolverket's school-unit register: its units and the last import, each
unit's history, the imports, and the successor recorded by hand. Beside the schools' pages, as they are
about the same schools (the closed schools' open bookings and applications are the portal's page,
inspira/portal/closed_school_views.py, which reads the programmes above this app)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import administrator_required
from inspira.core.pagination import paginate
from inspira.schools import selectors
from inspira.schools.forms import RegisterSearchForm, SuccessorForm
from inspira.schools.models import RegisterUnit
from inspira.schools.register import register_successor_set, unit_may_have_successor


def _unit_or_404(unit_code: str) -> RegisterUnit:
    try:
        return selectors.register_unit(unit_code)
    except RegisterUnit.DoesNotExist as exc:
        raise Http404 from exc


@administrator_required
@require_GET
def register_overview(request):
    search = RegisterSearchForm(request.GET)
    filters = search.filters()
    page = paginate(request, selectors.register_units(**filters)).page
    return render(request, "schools/register.html", {
        "page_obj": page,
        "search": search,
        "is_filtered": any(value not in ("", None) for value in filters.values()),
        "last_import": selectors.latest_register_import(),
        "closed_school_count": selectors.closed_schools().count(),
        "to_complete_count": selectors.register_units(status=RegisterUnit.Status.ACTIVE, in_inspira=False).count(),
    })


@administrator_required
@require_GET
def register_imports(request):
    page = paginate(request, selectors.register_imports()).page
    return render(request, "schools/register_imports.html", {"page_obj": page})


@administrator_required
@require_GET
def register_unit(request, unit_code):
    unit = _unit_or_404(unit_code)
    page = paginate(request, selectors.register_history(unit)).page
    return render(request, "schools/register_unit.html", {
        "unit": unit,
        "page_obj": page,
        "predecessors": unit.predecessors.order_by("name", "unit_code"),
        "may_have_successor": unit_may_have_successor(unit),
    })


@administrator_required
@require_http_methods(["GET", "POST"])
def register_successor(request, unit_code):
    unit = _unit_or_404(unit_code)
    if not unit_may_have_successor(unit):
        if request.method == "POST":
            messages.error(request, _("Only a closed school unit can have a successor."))
            return redirect("schools:register_unit", unit_code=unit.unit_code)
        return render(request, "schools/register_successor.html", {"unit": unit, "form": None})
    initial = {"successor": unit.successor.unit_code if unit.successor_id else ""}
    form = SuccessorForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        successor = form.cleaned_data["successor"]
        try:
            register_successor_set(unit=unit, successor=successor, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if (successor.pk if successor else None) == unit.successor_id:
                messages.info(request, _("Nothing was changed."))
            elif successor is None:
                messages.success(request, _("The successor of %(name)s is removed.") % {"name": unit.name})
            else:
                messages.success(request, _("%(successor)s is recorded as the successor of %(name)s.") % {
                    "successor": successor.name, "name": unit.name})
            return redirect("schools:register_unit", unit_code=unit.unit_code)
    return render(request, "schools/register_successor.html", {"unit": unit, "form": form})
