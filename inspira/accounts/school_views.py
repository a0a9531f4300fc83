from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import (
    administrator_required,
    can_edit_school,
    can_manage_closed_periods,
    can_manage_members,
    can_view_school,
    central_required,
    require,
)
from inspira.core.pagination import paginate
from inspira.schools import selectors, services
from inspira.schools.forms import SchoolEditForm, SchoolSearchForm
from inspira.schools.models import RegisterUnit, School
from inspira.schools.register import school_initial


@central_required
@require_GET
def school_list(request):
    search = SchoolSearchForm(request.GET)
    filters = search.filters()
    schools = selectors.with_register_status(selectors.school_search(**filters))
    page = paginate(request, schools).page
    for school in page:
        # The badge of the school's unit in the register (none when the register has not listed it).
        status = school.register_status
        school.register_label = RegisterUnit.Status(status).label if status else ""
        school.register_tone = RegisterUnit.tone_of(status) if status else ""
        school.register_unlisted = status is not None and not school.register_listed
    return render(request, "schools/school_list.html", {
        "page_obj": page,
        "search": search,
        "is_filtered": any(filters.values()),
        "can_create": request.user.is_administrator,
        "can_manage_breaks": can_manage_closed_periods(request.user, None),
        "can_see_register": request.user.is_administrator,
    })


def _register_initial(request) -> dict:
    """The first values of a school completed from the register's unit (``?skolenhet=<code>``)."""
    code = request.GET.get("skolenhet", "")
    unit = RegisterUnit.objects.filter(unit_code=code).first() if code.isascii() and code.isdigit() else None
    return school_initial(unit) if unit is not None else {}


@administrator_required
@require_http_methods(["GET", "POST"])
def school_create(request):
    initial = _register_initial(request) if request.method == "GET" else {}
    form = SchoolEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            school = services.school_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The school %(name)s is added.") % {"name": school.name})
            return redirect("schools:detail", school_id=school.pk)
    return render(request, "schools/school_form.html", {"form": form, "school": None,
                                                        "from_register": bool(initial)})


@login_required
@require_GET
def school_detail(request, school_id):
    school = get_object_or_404(selectors.schools_for_display(), pk=school_id)
    require(can_view_school(request.user, school))
    return render(request, "schools/school_detail.html", {
        "school": school,
        "register_unit": selectors.register_unit_of(school),
        "can_see_register": request.user.is_administrator,
        "can_edit": can_edit_school(request.user, school),
        "can_manage_members": can_manage_members(request.user, school),
        "can_manage_closed_periods": can_manage_closed_periods(request.user, school),
    })


@administrator_required
@require_http_methods(["GET", "POST"])
def school_edit(request, school_id):
    school = get_object_or_404(School, pk=school_id)
    require(can_edit_school(request.user, school))
    name = school.name  # the form renames the instance while it validates
    form = SchoolEditForm(request.POST if request.method == "POST" else None, instance=school)
    if form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Nothing was changed."))
            return redirect("schools:detail", school_id=school.pk)
        try:
            school = services.school_update(school=school, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": school.name})
            return redirect("schools:detail", school_id=school.pk)
    return render(request, "schools/school_form.html", {"form": form, "school": school, "school_name": name})
