"""The participation record page and its certificate (see ``participation`` for what counts)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from inspira.core.pagination import paginate
from inspira.core.pdf import render_pdf
from inspira.portal import participation


@login_required
@require_GET
def participation_record(request):
    events = paginate(request, participation.attended_events(request.user), param="page").page
    visits = paginate(request, participation.completed_visits(request.user), param="visits").page
    return render(request, "portal/participation.html", {
        "events_page": events, "event_rows": participation.event_lines(events.object_list),
        "visits_page": visits, "visit_rows": participation.visit_lines(visits.object_list),
    })


@login_required
@require_GET
def participation_certificate(request):
    events = participation.event_lines(participation.attended_events(request.user))
    visits = participation.visit_lines(participation.completed_visits(request.user))
    pdf = render_pdf("pdf/participation.html", {
        "person": request.user, "events": events, "visits": visits, "issued_on": timezone.localdate(),
        "total_hours": sum(line.hours for line in [*events, *visits]),
    }, language=translation.get_language() or "sv")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="intyg-om-deltagande.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
