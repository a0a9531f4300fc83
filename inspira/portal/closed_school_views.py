"""The administrators' list of the schools that Skolverket's register says are closed, each with what is
still open there (inspira/portal/closed_schools.py). Under /skolor/ beside the schools' other pages; in the
portal because it reads the programmes above the schools."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from inspira.accounts.permissions import administrator_required
from inspira.core.pagination import paginate
from inspira.portal.closed_schools import closed_school_rows
from inspira.schools import selectors

# A closed school's open business takes room: fewer to a page than a plain list.
PER_PAGE = 10


@administrator_required
@require_GET
def closed_schools(request):
    page = paginate(request, selectors.closed_schools(), per_page=PER_PAGE).page
    return render(request, "portal/closed_schools.html", {
        "page_obj": page,
        "rows": closed_school_rows(page.object_list, request=request),
        "last_import": selectors.latest_register_import(),
    })
