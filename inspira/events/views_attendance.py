"""The attendance list of an event, for its organisers: ticked on a phone at the door, or printed.

Every tick is a plain form (a button in a POST form), so the list works without JavaScript;
static/js/attendance.js sends the same forms in the background and keeps what is not yet sent.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from inspira.events import attendance
from inspira.events.forms_attendance import MarkForm, WalkInForm
from inspira.events.models import Registration
from inspira.events.views import _event

STATE_DONE = {
    attendance.PRESENT: gettext_lazy("%(name)s: came."),
    attendance.ABSENT: gettext_lazy("%(name)s: did not come."),
    attendance.UNMARKED: gettext_lazy("%(name)s: the mark is undone."),
}


def _page(request, event, *, walk_in_form=None, status=200):
    # The whole list on one page, not paginated: at the door the organiser scrolls one list and
    # the browser's search finds a name; a second page would hide people. The queries stay the
    # same whatever its length (tests/events/test_attendance.py counts them).
    registrations = list(attendance.attendance_list(event))
    now = timezone.now()
    rows = [_row(r) for r in registrations]
    return render(request, "events/attendance.html", {
        "event": event, "rows": rows, "counts": attendance.attendance_counts(registrations),
        "may_mark": attendance.attendance_may_mark(event=event, now=now),
        "may_finish": attendance.attendance_may_finish(event=event, now=now),
        "walk_in_form": walk_in_form or WalkInForm(),
    }, status=status)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _counts_json(event) -> dict:
    counts = attendance.attendance_counts(attendance.attendance_list(event))
    return {"registered": counts.registered, "came": counts.came, "no_shows": counts.no_shows,
            "unmarked": counts.unmarked}


def _stored(registration) -> dict:
    """What the row holds, for the phone to show after a refused tick (a refused tick changes nothing)."""
    return {"state": attendance.registration_state(registration), "count": registration.attended_count}


def _row(registration) -> dict:
    """One line of the list: the state's code for the page's script, booleans for the template."""
    state = attendance.registration_state(registration)
    return {"registration": registration, "label": attendance.registration_label(registration), "state": state,
            "marked": state != attendance.UNMARKED, "present": state == attendance.PRESENT,
            "absent": state == attendance.ABSENT}


@login_required
@require_GET
def attendance_page(request, pk):
    return _page(request, _event(request, pk))


@login_required
@require_POST
def attendance_mark(request, pk, registration_id):
    event = _event(request, pk)
    registration = get_object_or_404(Registration.objects.select_related("user", "school"), pk=registration_id,
                                     event=event)
    form = MarkForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"error": _("The mark could not be read."), **_stored(registration)}, status=400)
        messages.error(request, _("The mark could not be read."))
        return redirect("events:attendance", pk=event.pk)
    data = form.cleaned_data
    try:
        mark = attendance.attendance_mark(registration=registration, state=data["state"], count=data["count"],
                                          version=data["version"] or attendance.version_now())
    except attendance.AttendanceError as e:
        if _wants_json(request):
            return JsonResponse({"error": str(e), **_stored(registration)}, status=409)
        messages.error(request, str(e))
        return redirect("events:attendance", pk=event.pk)
    registration = mark.registration
    if _wants_json(request):
        # The stored state and version, also when this tick was older: the phone then shows what won.
        return JsonResponse({
            "applied": mark.applied, "state": attendance.registration_state(registration),
            "count": registration.attended_count, "version": registration.attendance_version,
            "counts": _counts_json(event),
        })
    name = attendance.registration_label(registration)
    if mark.applied:
        messages.success(request, STATE_DONE[data["state"]] % {"name": name})
    else:
        messages.info(request, _("%(name)s: a later mark was already saved.") % {"name": name})
    return redirect(reverse("events:attendance", args=[event.pk]) + f"#r{registration.pk}")


@login_required
@require_POST
def attendance_walk_in(request, pk):
    event = _event(request, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration = attendance.attendance_add_walk_in(event=event, actor=request.user,
                                                             name=form.cleaned_data["name"],
                                                             school=form.cleaned_data["school"])
        except attendance.AttendanceError as e:
            form.add_error("name", str(e))
        else:
            messages.success(request, _("%(name)s is added and marked as came.") % {
                "name": registration.walk_in_name})
            return redirect(reverse("events:attendance", args=[event.pk]) + f"#r{registration.pk}")
    return _page(request, event, walk_in_form=form)


@login_required
@require_POST
def attendance_finish(request, pk):
    event = _event(request, pk)
    try:
        marked = attendance.attendance_finish(event=event, actor=request.user)
    except attendance.AttendanceError as e:
        messages.error(request, str(e))
    else:
        if marked:
            messages.success(request, _("The list is finished: %(n)s not marked are recorded as not come.") % {
                "n": marked})
        else:
            messages.info(request, _("The list is finished: everyone was already marked."))
    return redirect("events:attendance", pk=event.pk)


@login_required
@require_GET
def attendance_pdf(request, pk):
    from inspira.core.pdf import render_pdf  # WeasyPrint is a heavy import: only where a PDF is made

    event = _event(request, pk)
    registrations = list(attendance.attendance_list(event))
    rows = [{"registration": r, "label": attendance.registration_label(r)} for r in registrations]
    pdf = render_pdf("pdf/attendance_list.html", {
        "event": event, "rows": rows, "counts": attendance.attendance_counts(registrations),
    }, language=translation.get_language() or "sv")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"narvarolista-{slugify(event.title) or event.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The list names people: no shared cache may keep it (the middleware says so for every logged-in
    # answer; said here too, so the download stays private should that change).
    response["Cache-Control"] = "private, no-store"
    return response
