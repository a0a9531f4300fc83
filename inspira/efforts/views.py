"""The tailor-made development programme's pages (seed 001). Every page is in the ``efforts``
namespace, so all of them answer 404 while the programme is off."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from inspira.accounts.permissions import require
from inspira.efforts import sections
from inspira.efforts.models import Effort
from inspira.efforts.permissions import may_coordinate, may_view_effort, may_view_own_efforts


@require_GET
def index(request):
    """The programme's page: how a tailor-made effort goes, in the centre's seven steps."""
    return render(request, "efforts/index.html", {
        "signed_in": request.user.is_authenticated, "may_coordinate": may_coordinate(request.user),
        "may_order": may_view_own_efforts(request.user),
    })


@login_required
@require_GET
def effort_detail(request, pk: int):
    """The effort's case: one page for the centre and the unit's principal, in sections."""
    effort = get_object_or_404(Effort.objects.select_related("area", "programme", "leader", "requested_by",
                                                             "planning_meeting"), pk=pk, cooperation__isnull=True)
    require(may_view_effort(request.user, effort))
    now = timezone.now()
    context = {"effort": effort, "schools": list(effort.schools.all())}
    arguments = {"effort": effort, "user": request.user, "now": now}
    context.update(sections.request_section(**arguments))
    context.update(sections.clock_section(**arguments))
    context.update(sections.proposal_section(**arguments))
    context.update(sections.delivery_section(**arguments))
    context.update(sections.evaluation_section(**arguments))
    return render(request, "efforts/effort_detail.html", context)
