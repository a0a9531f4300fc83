from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.certification.models import Certification
from inspira.core import spreadsheets
from inspira.core.pagination import paginate
from inspira.schools.models import School
from inspira.visits import exports, ics, selectors, services
from inspira.visits.forms import (
    BookingCancelForm,
    BookingFilterForm,
    BookingForm,
    FeedbackFilterForm,
    FeedbackForm,
    OccasionCancelForm,
    OccasionForm,
    OccasionSeriesForm,
    OutcomeForm,
    OutcomeUndoForm,
    SchoolVisitSettingsForm,
    SeriesDatesForm,
    SitesOverviewFilterForm,
    SiteVisitSettingsForm,
    WaitingListForm,
)
from inspira.visits.models import Booking, Occasion, WaitingListEntry
from inspira.visits.permissions import (
    can_approve_booking,
    can_book_for_school,
    can_edit_school_visit_settings,
    can_manage_occasions,
    can_record_outcome,
    can_undo_outcome,
    can_view_all_bookings,
    can_view_booking,
    can_view_site_feedback,
    can_view_site_occasions,
    can_view_waiting_entry,
    is_host_of,
    is_visitor_of,
)


def _showing_past(request) -> bool:
    """Lists show what is coming; ``?visa=tidigare`` shows what has been, latest first."""
    return request.GET.get("visa") == "tidigare"


def _certification(pk) -> Certification:
    return get_object_or_404(Certification.objects.select_related("school"), pk=pk)


def _occasion(pk) -> Occasion:
    return get_object_or_404(Occasion.objects.select_related("certification__school"), pk=pk)


def _add_error(form, error: services.VisitError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


# --- The public list of occasions with free places -------------------------------------------------------

@require_GET
def free_occasions(request):
    certification = None
    if request.GET.get("plats", "").isdigit():
        certification = Certification.objects.current().select_related("school").filter(
            pk=request.GET["plats"]).first()
    page = paginate(request, selectors.occasions_to_book(certification=certification)).page
    school_ids = selectors.visiting_school_ids(request.user)
    return render(request, "visits/free_occasions.html", {
        "page_obj": page, "certification": certification,
        "rows": selectors.occasion_rows(page, school_ids=school_ids),
        "ask_to_log_in": school_ids is None,
        "ask_to_join_a_school": school_ids == set(),
    })


# --- The host's pages ---------------------------------------------------------------------------------------

@login_required
@require_GET
def site_occasions(request, certification_id):
    certification = _certification(certification_id)
    require(can_view_site_occasions(request.user, certification))
    today = timezone.localdate()
    occasions = selectors.site_occasions(certification)
    past = _showing_past(request)
    occasions = (occasions.filter(date__lt=today).order_by("-date", "-start_time", "-pk") if past
                 else occasions.filter(date__gte=today))
    return render(request, "visits/site_occasions.html", {
        "certification": certification,
        "page_obj": paginate(request, occasions).page,
        "past": past,
        "can_manage": can_manage_occasions(request.user, certification),
        "settings_form": SiteVisitSettingsForm(instance=services.site_settings(certification)),
    })


@login_required
@require_POST
def site_settings(request, certification_id):
    certification = _certification(certification_id)
    require(can_manage_occasions(request.user, certification))
    form = SiteVisitSettingsForm(request.POST, instance=services.site_settings(certification))
    if form.is_valid():
        services.site_settings_update(certification=certification, actor=request.user,
                                      cancellation_deadline_working_days=form.cleaned_data[
                                          "cancellation_deadline_working_days"])
        messages.success(request, _("The cancellation deadline is saved."))
    else:
        messages.error(request, _("The cancellation deadline must be a number of working days from 0 to 60."))
    return redirect("visits:site_occasions", certification.pk)


@login_required
@require_http_methods(["GET", "POST"])
def occasion_create(request, certification_id):
    certification = _certification(certification_id)
    require(can_manage_occasions(request.user, certification))
    form = OccasionForm(request.POST or None, certification=certification)
    if form.is_valid():
        try:
            services.occasion_create(certification=certification, actor=request.user,
                                     date=form.cleaned_data["date"], details=form.details())
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("The occasion is added."))
            return redirect("visits:site_occasions", certification.pk)
    return render(request, "visits/occasion_form.html", {"form": form, "certification": certification})


@login_required
@require_http_methods(["GET", "POST"])
def occasion_series(request, certification_id):
    """Step one: the pattern ("preview"); step two: untick dates ("create")."""
    certification = _certification(certification_id)
    require(can_manage_occasions(request.user, certification))
    form = OccasionSeriesForm(request.POST or None)
    dates_form = None
    step = request.POST.get("step", "pattern")
    if form.is_valid():
        try:
            dates = services.series_dates(first_date=form.cleaned_data["first_date"],
                                          weekday=form.cleaned_data["weekday"], weeks=form.cleaned_data["weeks"])
        except services.VisitError as e:
            _add_error(form, e)
        else:
            if step == "create":
                dates_form = SeriesDatesForm(request.POST, dates=dates, certification=certification)
                if dates_form.is_valid():
                    try:
                        created = services.occasion_create_series(
                            certification=certification, actor=request.user,
                            dates=dates_form.cleaned_data["dates"], details=form.details())
                    except services.VisitError as e:
                        dates_form.add_error("dates", str(e))
                    else:
                        messages.success(request, _("%(count)s occasions are added.") % {"count": len(created)})
                        return redirect("visits:site_occasions", certification.pk)
            else:
                dates_form = SeriesDatesForm(dates=dates, certification=certification)
    return render(request, "visits/occasion_series.html", {
        "form": form, "dates_form": dates_form, "certification": certification,
        "period_start": certification.starts_on, "period_end": certification.ends_on,
    })


@login_required
@require_GET
def occasion_detail(request, pk):
    occasion = _occasion(pk)
    require(can_view_site_occasions(request.user, occasion.certification))
    return render(request, "visits/occasion_detail.html", {
        "occasion": occasion,
        "certification": occasion.certification,
        "free": services.free_places(occasion, now=timezone.now()),
        "taken": services.places_taken(occasion.pk),
        "bookings": selectors.occasion_bookings(occasion),
        "waiting_list": selectors.occasion_waiting_list(occasion),
        "can_change": services.occasion_may_change(occasion=occasion, actor=request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def occasion_edit(request, pk):
    occasion = _occasion(pk)
    require(can_manage_occasions(request.user, occasion.certification))
    if not services.occasion_may_change(occasion=occasion, actor=request.user):
        messages.error(request, _("The occasion is cancelled and cannot be changed."))
        return redirect("visits:occasion", occasion.pk)
    form = OccasionForm(request.POST or None, instance=occasion)
    if form.is_valid():
        try:
            services.occasion_update(occasion=Occasion.objects.get(pk=occasion.pk), actor=request.user,
                                     date=form.cleaned_data["date"], details=form.details())
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("The occasion is changed. Booked visitors are told of any new time or "
                                        "place."))
            return redirect("visits:occasion", occasion.pk)
    return render(request, "visits/occasion_form.html", {
        "form": form, "certification": occasion.certification, "occasion": occasion,
    })


@login_required
@require_http_methods(["GET", "POST"])
def occasion_cancel(request, pk):
    occasion = _occasion(pk)
    require(can_manage_occasions(request.user, occasion.certification))
    form = OccasionCancelForm(request.POST or None)
    if form.is_valid():
        try:
            services.occasion_cancel(occasion=occasion, actor=request.user, reason=form.cleaned_data["reason"])
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("The occasion is cancelled and the booked visitors are told."))
            return redirect("visits:occasion", occasion.pk)
    return render(request, "visits/occasion_cancel.html", {
        "form": form, "occasion": occasion, "certification": occasion.certification,
        "bookings": selectors.occasion_bookings(occasion).filter(status__in=Booking.ACTIVE_STATUSES),
    })


@login_required
@require_GET
def occasion_calendar(request, pk):
    occasion = _occasion(pk)
    require(can_view_site_occasions(request.user, occasion.certification))
    response = HttpResponse(ics.occasion_ics(occasion), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="besokstillfalle-{occasion.pk}.ics"'
    return response


# --- Booking ------------------------------------------------------------------------------------------------

def _visiting_schools_or_403(user, occasion):
    """The schools ``user`` may book ``occasion`` for: never the host school itself."""
    schools = selectors.bookable_schools(user)
    if not schools.exists():
        raise PermissionDenied(_("Only confirmed staff of a school can book visits."))
    return schools.exclude(pk=occasion.certification.school_id)


@login_required
@require_http_methods(["GET", "POST"])
def book(request, pk):
    occasion = _occasion(pk)
    schools = _visiting_schools_or_403(request.user, occasion)
    own_school = not schools.exists()
    form = BookingForm(request.POST or None, schools=schools, user=request.user)
    now = timezone.now()
    full = False
    if not own_school and form.is_valid():
        school = form.cleaned_data["school"]
        require(can_book_for_school(request.user, school))
        try:
            booking = services.booking_create(occasion=occasion, school=school, booked_by=request.user,
                                              visitors=form.visitors(),
                                              idempotency_key=form.cleaned_data["idempotency_key"])
        except services.OccasionFull as e:
            # Form-wide: the form itself is not shown again when no place is left.
            form.add_error(None, str(e))
            full = True
        except services.VisitError as e:
            _add_error(form, e)
        else:
            if booking.is_held:
                messages.success(request, _("The places are held for your school. The booking is confirmed when "
                                            "your principal approves it; the principal has been told."))
            else:
                messages.success(request, _("The visit is booked. A confirmation with a calendar file is on its "
                                            "way by email."))
            return redirect("visits:booking", booking.pk)
    free = services.free_places(occasion, now=now)
    return render(request, "visits/book.html", {
        "form": form, "occasion": occasion, "certification": occasion.certification, "free": free,
        "full": full or free == 0, "own_school": own_school,
        "bookable": services.occasion_is_open_for_booking(occasion=occasion, now=now),
        # Booking after the site's cancellation deadline binds the school at once: say so before it is made.
        "deadline": services.cancellation_deadline(occasion),
        "deadline_passed": services.cancellation_deadline_passed(occasion, now=now),
        # Tomorrow the deadline will have passed: a booking today can be undone only until tonight.
        "deadline_is_today": services.cancellation_deadline(occasion) == timezone.localdate(now),
    })


@login_required
@require_http_methods(["GET", "POST"])
def waiting_list_join(request, pk):
    occasion = _occasion(pk)
    schools = _visiting_schools_or_403(request.user, occasion)
    own_school = not schools.exists()
    form = WaitingListForm(request.POST or None, schools=schools, user=request.user)
    if not own_school and form.is_valid():
        school = form.cleaned_data["school"]
        require(can_book_for_school(request.user, school))
        try:
            entry = services.waiting_list_join(occasion=occasion, school=school, user=request.user,
                                               visitors=form.visitors())
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("Your school is on the waiting list. If places free up, you get an offer "
                                        "by email."))
            return redirect("visits:waiting_entry", entry.pk)
    return render(request, "visits/waiting_list_join.html", {
        "form": form, "occasion": occasion, "certification": occasion.certification, "own_school": own_school,
    })


@login_required
@require_GET
def my_bookings(request):
    bookings = selectors.bookings_for_person(request.user)
    today = timezone.localdate()
    past = _showing_past(request)
    return render(request, "visits/my_bookings.html", {
        "page_obj": paginate(request, selectors.past_or_upcoming(bookings, upcoming=not past, today=today)).page,
        "past": past,
        "waiting": selectors.waiting_entries_for_person(request.user),
        "hosted_sites": selectors.hosted_sites_for_person(request.user, today=today),
        "settings_schools": [school for school in selectors.bookable_schools(request.user)
                             if can_edit_school_visit_settings(request.user, school)],
    })


def _booking(request, pk) -> Booking:
    try:
        booking = selectors.booking_detail(pk)
    except Booking.DoesNotExist as exc:
        raise Http404 from exc
    require(can_view_booking(request.user, booking))
    return booking


@login_required
@require_GET
def booking_detail(request, pk):
    booking = _booking(request, pk)
    occasion = booking.occasion
    now = timezone.now()
    user = request.user
    visitor = is_visitor_of(user, booking)
    feedback = getattr(booking, "feedback", None)
    return render(request, "visits/booking_detail.html", {
        "booking": booking, "occasion": occasion, "certification": occasion.certification,
        "is_host": is_host_of(user, occasion.certification),
        "can_cancel": services.booking_may_cancel(booking=booking, actor=user, now=now),
        "can_approve": services.booking_may_approve(booking=booking, actor=user, now=now),
        "show_deadline": booking.is_active,
        "deadline": services.cancellation_deadline(occasion),
        "can_record": services.booking_may_record_outcome(booking=booking, actor=user, now=now),
        "can_undo": services.booking_may_undo_outcome(booking=booking, actor=user),
        "outcome_changes": [] if booking.is_held else selectors.outcome_changes(booking),
        "show_feedback": booking.is_completed or feedback is not None,
        "feedback": feedback,
        # The visitors (logged in) reach the feedback form from here too, with the emailed link.
        "feedback_url": (reverse("visits:feedback", args=[services.feedback_token(booking)])
                         if visitor and services.feedback_is_open(booking, now=now) else None),
        "feedback_open_until": services.feedback_open_until(booking),
    })


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk):
    booking = _booking(request, pk)
    require(is_host_of(request.user, booking.occasion.certification) or is_visitor_of(request.user, booking))
    now = timezone.now()
    needs_reason = services.booking_cancel_needs_reason(booking=booking, actor=request.user, now=now)
    form = BookingCancelForm(request.POST or None, reason_required=needs_reason)
    if form.is_valid():
        try:
            services.booking_cancel(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("The booking is cancelled and the places are free."))
            return redirect("visits:booking", booking.pk)
    return render(request, "visits/booking_cancel.html", {
        "form": form, "booking": booking, "occasion": booking.occasion, "is_host": needs_reason,
        "deadline": services.cancellation_deadline(booking.occasion),
        "occasion_started": booking.occasion.starts_at <= now,
        "may_cancel": services.booking_may_cancel(booking=booking, actor=request.user, now=now),
    })


@login_required
@require_http_methods(["GET", "POST"])
def booking_approve(request, pk):
    """The visiting school's principal approves or declines a held booking."""
    booking = _booking(request, pk)
    require(can_approve_booking(request.user, booking))
    form = BookingCancelForm(request.POST or None, reason_required=False)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            form.add_error(None, _("Choose whether you approve the booking."))
        else:
            try:
                if decision == "approve":
                    services.booking_approve(booking=booking, actor=request.user)
                else:
                    services.booking_cancel(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
            except services.VisitError as e:
                _add_error(form, e)
            else:
                messages.success(request, _("The booking is approved and confirmed.") if decision == "approve"
                                 else _("The booking is declined and the places are released."))
                return redirect("visits:booking", booking.pk)
    return render(request, "visits/booking_approve.html", {
        "form": form, "booking": booking, "occasion": booking.occasion,
        "is_open": services.booking_may_approve(booking=booking, actor=request.user),
    })


# --- Waiting list -------------------------------------------------------------------------------------------

def _entry(request, pk) -> WaitingListEntry:
    entry = get_object_or_404(
        WaitingListEntry.objects.select_related("occasion__certification__school", "school", "booking"), pk=pk)
    require(can_view_waiting_entry(request.user, entry))
    return entry


@login_required
@require_GET
def waiting_entry(request, pk):
    entry = _entry(request, pk)
    now = timezone.now()
    return render(request, "visits/waiting_entry.html", {
        "entry": entry, "occasion": entry.occasion,
        "offer_open": services.waiting_offer_may_accept(entry=entry, actor=request.user, now=now),
        "is_open": services.waiting_list_may_withdraw(entry=entry, actor=request.user),
        "position": services.PLACES.position(entry),
    })


@login_required
@require_POST
def waiting_offer_accept(request, pk):
    entry = _entry(request, pk)
    try:
        booking = services.waiting_offer_accept(entry=entry, actor=request.user)
    except services.VisitError as e:
        messages.error(request, str(e))
        return redirect("visits:waiting_entry", entry.pk)
    messages.success(request, _("You accepted the offer and the visit is booked."))
    return redirect("visits:booking", booking.pk)


@login_required
@require_POST
def waiting_list_withdraw(request, pk):
    entry = _entry(request, pk)
    try:
        services.waiting_list_withdraw(entry=entry, actor=request.user)
    except services.VisitError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Your school has left the waiting list."))
    return redirect("visits:mine")


# --- The visiting school's settings -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def school_settings(request, school_id):
    school = get_object_or_404(School, pk=school_id)
    require(can_edit_school_visit_settings(request.user, school))
    form = SchoolVisitSettingsForm(request.POST or None, instance=services.school_settings(school))
    if form.is_valid():
        services.school_settings_update(school=school, actor=request.user,
                                        requires_principal_approval=form.cleaned_data["requires_principal_approval"])
        messages.success(request, _("The school's visit settings are saved."))
        return redirect("visits:mine")
    return render(request, "visits/school_settings.html", {
        "form": form, "school": school, "hold_hours": settings.VISIT_HOLD_HOURS,
    })


# --- The site's dashboard: its visits and its commitment ---------------------------------------------------------

# ?visa= on the site's dashboard (Swedish, like the page addresses) -> selectors.site_visits view.
SITE_VISIT_TABS = {"kommande": "coming", "att-registrera": "to_record", "tidigare": "past"}


@login_required
@require_GET
def site_visits(request, certification_id):
    certification = _certification(certification_id)
    require(can_view_site_occasions(request.user, certification))
    today = timezone.localdate()
    tab = request.GET.get("visa") if request.GET.get("visa") in SITE_VISIT_TABS else "kommande"
    view = SITE_VISIT_TABS[tab]
    page = paginate(request, selectors.site_visits(certification, view=view, today=today)).page
    now = timezone.now()
    may_manage = can_manage_occasions(request.user, certification)
    for booking in page:
        booking.occasion.certification = certification  # one site: spares a query per row
    return render(request, "visits/site_visits.html", {
        "can_record": may_manage,
        "certification": certification,
        "commitment": selectors.site_commitment(certification, today=today),
        "to_record_count": selectors.site_visits(certification, view="to_record", today=today).count(),
        "showing_to_record": view == "to_record", "showing_past": view == "past",
        "page_obj": page,
        # Each visit says whether its day is over and waits for the site's record, and whether this
        # person may record it; the template only shows that.
        "rows": [(booking, services.outcome_may_be_recorded(booking, now=now),
                  services.booking_may_record_outcome(booking=booking, actor=request.user, now=now))
                 for booking in page],
        "record_column": may_manage and view != "coming",
        "latest_feedback": list(selectors.site_feedback(certification)[:3]),
        "back_to_overview": can_view_all_bookings(request.user),
    })


@login_required
@require_GET
def site_feedback(request, certification_id):
    certification = _certification(certification_id)
    require(can_view_site_feedback(request.user, certification))
    feedback = selectors.site_feedback(certification)
    return render(request, "visits/site_feedback.html", {
        "certification": certification,
        "page_obj": paginate(request, feedback).page,
        "summary": selectors.feedback_summary(feedback),
    })


# --- Completion ----------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def booking_outcome(request, pk):
    """The host records whether a visit took place."""
    booking = _booking(request, pk)
    require(can_record_outcome(request.user, booking))
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        completed = form.cleaned_data["outcome"] == OutcomeForm.COMPLETED
        try:
            if completed:
                services.booking_complete(booking=booking, actor=request.user)
            else:
                services.booking_mark_not_carried_out(booking=booking, actor=request.user)
        except services.VisitError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The visit is recorded as completed. The visitors are asked for their "
                                        "feedback.") if completed
                             else _("The visit is recorded as not carried out."))
            url = reverse("visits:site_visits", args=[booking.occasion.certification_id])
            return redirect(f"{url}?visa=att-registrera")
    return render(request, "visits/booking_outcome.html", {
        "form": form, "booking": booking, "occasion": booking.occasion,
        "certification": booking.occasion.certification,
        "may_record": services.booking_may_record_outcome(booking=booking, actor=request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def booking_outcome_undo(request, pk):
    """An administrator undoes what the host recorded, with a reason."""
    booking = _booking(request, pk)
    require(can_undo_outcome(request.user))
    form = OutcomeUndoForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.booking_outcome_undo(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("The record is undone. The site can record the visit again."))
            return redirect("visits:booking", booking.pk)
    return render(request, "visits/booking_outcome_undo.html", {
        "form": form, "booking": booking, "occasion": booking.occasion,
        "certification": booking.occasion.certification,
        "can_undo": services.booking_may_undo_outcome(booking=booking, actor=request.user),
    })


# --- Feedback: "Dela med er – och få tillbaka!" ------------------------------------------------------------

FEEDBACK_LINK_STATUS = {
    services.FeedbackLinkInvalid.DAMAGED: 404,
    services.FeedbackLinkInvalid.NOT_COMPLETED: 410,
    services.FeedbackLinkInvalid.CLOSED: 410,
}


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, token):
    """The visitors' feedback form, opened from the emailed link: the signed link is the right, no
    login needed (see services: the feedback section)."""
    try:
        booking = services.booking_from_feedback_token(token)
    except services.FeedbackLinkInvalid as e:
        return render(request, "visits/feedback_closed.html", {
            "is_closed": e.reason == services.FeedbackLinkInvalid.CLOSED,
            "not_completed": e.reason == services.FeedbackLinkInvalid.NOT_COMPLETED,
            "booking": e.booking, "open_days": services.FEEDBACK_OPEN_DAYS,
        }, status=FEEDBACK_LINK_STATUS[e.reason])
    existing = getattr(booking, "feedback", None)  # None when not given yet
    form = FeedbackForm(request.POST if request.method == "POST" else None, instance=existing)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_save(booking=booking, rating=data["rating"], takeaways=data["takeaways"],
                                   questions=data.get("questions", ""),
                                   by=request.user if request.user.is_authenticated else None)
        except services.VisitError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("Thank you! Your feedback is saved and the site can read it."))
            return redirect("visits:feedback", token=token)
    return render(request, "visits/feedback.html", {
        "form": form, "booking": booking, "occasion": booking.occasion,
        "certification": booking.occasion.certification, "existing": existing,
        "open_until": services.feedback_open_until(booking),
    })


# --- The central administration: all bookings, all feedback, every site's progress ------------------------------

@login_required
@require_GET
def all_bookings(request):
    require(can_view_all_bookings(request.user))
    filter_form = BookingFilterForm(request.GET)
    bookings = selectors.bookings_search(**filter_form.filters())
    page, query = paginate(request, bookings)
    return render(request, "visits/all_bookings.html", {
        "filter_form": filter_form, "page_obj": page, "export_query": query,
        "is_filtered": any(value not in (None, "") for value in filter_form.filters().values()),
    })


@login_required
@require_GET
def bookings_csv(request):
    require(can_view_all_bookings(request.user))
    bookings = selectors.bookings_search(**BookingFilterForm(request.GET).filters())
    return spreadsheets.csv_response(f"studiebesok-{timezone.localdate():%Y-%m-%d}.csv",
                                     exports.bookings_header(), exports.bookings_rows(bookings))


@login_required
@require_GET
def feedback_list(request):
    require(can_view_all_bookings(request.user))
    filter_form = FeedbackFilterForm(request.GET)
    feedback = selectors.feedback_search(**filter_form.filters())
    return render(request, "visits/feedback_list.html", {
        "filter_form": filter_form, "page_obj": paginate(request, feedback).page,
        "summary": selectors.feedback_summary(feedback),
        "is_filtered": any(value is not None for value in filter_form.filters().values()),
    })


@login_required
@require_GET
def sites_overview(request):
    """Every current site's visits this school year against its commitment of five."""
    require(can_view_all_bookings(request.user))
    today = timezone.localdate()
    filter_form = SitesOverviewFilterForm(request.GET)
    page = paginate(request, selectors.sites_with_commitment(today=today, **filter_form.filters())).page
    rows = [(site, selectors.commitment_of(site, today=today)) for site in page]
    return render(request, "visits/sites_overview.html", {
        "filter_form": filter_form, "page_obj": page, "rows": rows,
        "school_year": selectors.school_year_of(today), "required": selectors.COMMITMENT_VISITS,
    })
