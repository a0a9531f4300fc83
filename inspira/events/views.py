"""The organisers' pages (the events of the programmes a person coordinates) and the public calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.core import pagecache
from inspira.core.forms import add_errors_at_fields
from inspira.core.pagination import paginate
from inspira.events import ics, selectors, services
from inspira.events.forms import CalendarFilterForm, CancelForm, EventForm
from inspira.events.materials import material_visible_to
from inspira.events.models import Event
from inspira.events.permissions import event_may_manage, managed_programme_ids
from inspira.events.places import PLACES
from inspira.events.rules import EVENT_FIELD_NAMES, EventInputError
from inspira.programmes.catalog import Key
from inspira.programmes.permissions import programme_is_active


def _event(request, pk: int) -> Event:
    """The event, for one of its organisers. An event of a programme that is off is not there (404),
    like every page of such a programme; another programme's event is refused (403)."""
    event = Event.objects.select_related("programme", "district", "evaluation").filter(pk=pk).first()
    if event is None or not programme_is_active(event.programme.key, request):
        raise Http404
    require(event_may_manage(user=request.user, event=event))
    return event


def _show_input_errors(form, error: EventInputError) -> None:
    add_errors_at_fields(form, error.errors, renames=EVENT_FIELD_NAMES)


# --- The organisers' pages ---------------------------------------------------------------------------------

@login_required
@require_GET
def manage_list(request):
    programme_ids = managed_programme_ids(request.user)
    require(bool(programme_ids))
    paginated = paginate(request, selectors.events_managed(programme_ids))
    return render(request, "events/manage_list.html", {"page_obj": paginated.page})


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    programme_ids = managed_programme_ids(request.user)
    require(bool(programme_ids))
    form = EventForm(request.POST or None, programme_ids=programme_ids)
    if form.is_valid():
        try:
            event = services.event_create(programme=form.cleaned_data["programme"], actor=request.user,
                                          **form.service_fields())
        except EventInputError as e:
            _show_input_errors(form, e)
        else:
            messages.success(request, _("The event is created."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form})


@login_required
@require_GET
def event_detail(request, pk):
    from inspira.events.evaluation_views import evaluation_context  # the evaluation's views import these

    event = _event(request, pk)
    now = timezone.now()
    counts = PLACES.annotate(Event.objects.filter(pk=event.pk), now=now).values(
        "places_taken", "places_offered", "waiting_count", "free_places").get()
    registrations = paginate(request, selectors.event_registrations(event), param="registrations")
    unrepresented = None
    if event.kind == Event.Kind.CLOSING:
        unrepresented = paginate(request, selectors.schools_not_represented(event), param="schools")
    return render(request, "events/event_detail.html", {
        "event": event, "show_link": True, "counts": counts,
        "materials": material_visible_to(event=event, user=request.user), "registrations": registrations.page,
        "unrepresented": unrepresented.page if unrepresented else None, "now": now,
        **evaluation_context(event),
    })


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = _event(request, pk)
    if event.is_cancelled:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("events:detail", pk=event.pk)
    form = EventForm(request.POST or None, instance=event, programme_ids=())
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, actor=request.user, **form.service_fields())
        except EventInputError as e:
            _show_input_errors(form, e)
        except services.EventError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, pk):
    event = _event(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(event=event, actor=request.user, reason=form.cleaned_data["reason"])
        except EventInputError as e:
            _show_input_errors(form, e)
        except services.EventError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The event is cancelled."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_cancel.html", {"form": form, "event": event})


# --- The public calendar -------------------------------------------------------------------------------------

@require_GET
@pagecache.public_page("calendar")
def calendar(request):
    keys = selectors.public_programme_keys(request)
    search = CalendarFilterForm(request.GET, programme_keys=keys)
    filters = search.filters()
    page = paginate(request, selectors.public_events(request=request, **filters)).page
    return render(request, "events/calendar.html", {
        "page_obj": page, "search": search, "is_filtered": any(v for v in filters.values()),
    })


@require_GET
@pagecache.public_page("calendar")
def programme_feed(request, key):
    if key not in Key.values or not programme_is_active(key, request):
        raise Http404
    events = selectors.public_events(request=request, programme=key)
    response = HttpResponse(ics.programme_feed(key, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{key}.ics"'
    return response
