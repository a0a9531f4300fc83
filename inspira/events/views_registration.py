"""The participants' pages: an event's page reachable from the public calendar (registering, the
waiting list, offers, cancelling) and "My events", the person's own registrations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.events import registrations as services
from inspira.events import selectors
from inspira.events.forms import GroupRegistrationForm, RegistrationCancelForm, RegistrationForm
from inspira.events.materials import material_visible_to
from inspira.events.models import Event, Registration
from inspira.events.permissions import event_may_manage, event_online_link_visible
from inspira.events.places import PLACES
from inspira.programmes.permissions import programme_is_active


def event_may_view(*, user, event) -> bool:
    """A public event: everyone. Another: those who may register, the registered, the organisers."""
    if event.is_public or event_may_manage(user=user, event=event):
        return True
    if not user.is_authenticated:
        return False
    return (services.user_is_eligible(event=event, user=user)
            or Registration.objects.filter(event=event, user=user).exists())


def _event(request, pk: int) -> Event:
    event = Event.objects.select_related("programme", "district").filter(pk=pk).first()
    if event is None or not programme_is_active(event.programme.key, request):
        raise Http404
    return event


def _own(request, pk: int) -> Registration:
    registration = get_object_or_404(Registration.objects.select_related("event__programme", "school", "user"), pk=pk)
    if not programme_is_active(registration.event.programme.key, request):
        raise Http404
    return registration


def _show(form, error: services.RegistrationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@require_GET
def event_page(request, pk):
    event = _event(request, pk)
    if not event_may_view(user=request.user, event=event):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(False)
    return render(request, "events/event_page.html", _page_context(request, event))


def _page_context(request, event, *, form=None, group_form=None) -> dict:
    now = timezone.now()
    user = request.user
    context = {"event": event, "now": now, "closed_reason": services.closed_reason(event, now=now),
               "free": PLACES.free(event, now=now), "show_link": event_online_link_visible(user=user, event=event),
               "manages": event_may_manage(user=user, event=event),
               "materials": material_visible_to(event=event, user=user)}
    if not user.is_authenticated:
        return context
    mine = list(PLACES.with_position(Registration.objects.filter(event=event, user=user,
                                                                  status__in=Registration.OPEN_STATUSES)
                                     .select_related("school").order_by("created_at", "pk")))
    own = next((r for r in mine if not r.is_group), None)
    context.update({
        "own": own, "groups": [r for r in mine if r.is_group],
        "may_cancel_until": services.cancellation_deadline(event),
        "eligible": services.user_is_eligible(event=event, user=user),
    })
    if context["closed_reason"] is None and context["eligible"]:
        if own is None:
            context["form"] = form or RegistrationForm(event=event, user=user)
        group = group_form or GroupRegistrationForm(event=event, user=user)
        if group.fields["school"].queryset.exists():
            context["group_form"] = group
    for registration in mine:
        registration.may_cancel = services.registration_may_cancel(registration=registration, actor=user, now=now)
        registration.may_leave = services.waiting_may_leave(registration=registration, actor=user)
        registration.may_answer = services.offer_may_answer(registration=registration, actor=user, now=now)
    return context


def _done(request, registration: Registration) -> None:
    if registration.status == Registration.Status.WAITING:
        messages.success(request, _("The event is full: you are on the waiting list, number %(position)s.")
                         % {"position": PLACES.position(registration)})
    else:
        messages.success(request, _("You are registered. A confirmation is on its way by email."))


@login_required
@require_POST
def register(request, pk):
    event = _event(request, pk)
    require(event_may_view(user=request.user, event=event))
    form = RegistrationForm(request.POST, event=event, user=request.user)
    if form.is_valid():
        try:
            registration = services.registration_create(
                event=event, user=request.user, school=form.cleaned_data.get("school"), answers=form.answers())
        except services.RegistrationError as e:
            _show(form, e)
        else:
            _done(request, registration)
            return redirect("events:event", pk=event.pk)
    return render(request, "events/event_page.html", _page_context(request, event, form=form), status=200)


@login_required
@require_http_methods(["GET", "POST"])
def register_group(request, pk):
    event = _event(request, pk)
    require(event_may_view(user=request.user, event=event))
    form = GroupRegistrationForm(request.POST or None, event=event, user=request.user)
    require(form.fields["school"].queryset.exists())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                event=event, user=request.user, school=data["school"], participants=data["participants"],
                participant_names=data["participant_names"], is_group=True, answers=form.answers())
        except services.RegistrationError as e:
            _show(form, e)
        else:
            _done(request, registration)
            return redirect("events:event", pk=event.pk)
    return render(request, "events/register_group.html", {"event": event, "form": form})


def _back(request, registration: Registration):
    if event_may_manage(user=request.user, event=registration.event):
        return redirect("events:detail", pk=registration.event_id)
    return redirect("events:event", pk=registration.event_id)


def _act(request, pk, action, allowed, success: str):
    registration = _own(request, pk)
    require(allowed(registration))
    try:
        action(registration)
    except services.RegistrationError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, success)
    return _back(request, registration)


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk):
    registration = _own(request, pk)
    require(services.registration_may_cancel(registration=registration, actor=request.user)
            or (registration.is_open and event_may_manage(user=request.user, event=registration.event)))
    # Bound on every POST: the person's own cancellation sends no fields at all.
    form = RegistrationCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_cancel(registration=registration, actor=request.user,
                                         reason=form.cleaned_data["reason"])
        except services.RegistrationError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The registration is cancelled."))
            return _back(request, registration)
    return render(request, "events/registration_cancel.html", {
        "registration": registration, "event": registration.event, "form": form,
        "by_organiser": event_may_manage(user=request.user, event=registration.event)})


@login_required
@require_POST
def waiting_leave(request, pk):
    return _act(request, pk, lambda r: services.waiting_leave(registration=r, actor=request.user),
                lambda r: services.waiting_may_leave(registration=r, actor=request.user),
                _("You have left the waiting list."))


@login_required
@require_POST
def offer_accept(request, pk):
    return _act(request, pk, lambda r: services.offer_accept(registration=r, actor=request.user),
                lambda r: services.offer_may_answer(registration=r, actor=request.user),
                _("You have accepted the place. A confirmation is on its way by email."))


@login_required
@require_POST
def offer_decline(request, pk):
    return _act(request, pk, lambda r: services.offer_decline(registration=r, actor=request.user),
                lambda r: services.offer_may_answer(registration=r, actor=request.user),
                _("You have declined the place; it goes to the next in line."))


@login_required
@require_GET
def mine(request):
    paginated = paginate(request, selectors.registrations_of(request.user, request))
    return render(request, "events/mine.html", {"page_obj": paginated.page})
