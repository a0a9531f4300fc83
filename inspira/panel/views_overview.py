"""The coordinators' overview of the teacher panel (counts only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.panel import overview as selectors
from inspira.panel.permissions import may_coordinate


@login_required
@require_GET
def overview(request):
    require(may_coordinate(request.user))
    paginated = paginate(request, selectors.panel_surveys(), per_page=10)
    return render(request, "panel/overview.html", {
        **selectors.overview(), "page_obj": paginated.page, "query": paginated.query,
        "survey_rows": selectors.survey_rates(paginated.page),
    })
