"""Every change to occasions, bookings and the waiting list.

Capacity is never exceeded. The counting, the lock and the waiting list's queue of timed offers are
the shared mechanism of ``inspira.core.capacity`` (``PLACES`` below says how an occasion counts:
its held and confirmed bookings, and the waiting-list offers still open). Every change that takes
or frees places runs in one transaction that first locks the occasion (``_lock_occasion``) and then
counts. The race test (tests/visits/test_race.py) proves it, and proves with the lock switched off
that the test would catch an overbooking.

Places that free up (a cancellation, an expired hold, a raised capacity, an expired offer) are
offered to the waiting list first, in the same transaction: the first in line whose group fits
gets an offer that keeps the places for it until the offer expires. What stays here are the
domain's rules: who may book, the deadlines, the messages and the emails.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inspira.accounts.permissions import can_act_for_school, is_principal_of
from inspira.certification.models import Certification
from inspira.core import pagecache
from inspira.core.audit import audit_record
from inspira.core.capacity import NotEnoughPlaces
from inspira.core.clock import local_clock_after, local_midnight
from inspira.core.workdays import holiday_name, working_days_before
from inspira.schools.selectors import closed_days
from inspira.schoolyears.services import FeeRuleMissing
from inspira.visits import notifications
from inspira.visits.models import (
    Booking,
    BookingOutcomeChange,
    Feedback,
    Occasion,
    SchoolVisitSettings,
    SiteVisitSettings,
    WaitingListEntry,
)
from inspira.visits.permissions import can_manage_occasions, can_undo_outcome, is_host_of
from inspira.visits.places import PLACES
from inspira.visits.signals import booking_completed, booking_completion_undone

MAX_SERIES_WEEKS = 52
# An offer from the waiting list is not made when the visit starts sooner than this: no one
# could reasonably accept and travel in time.
MIN_OFFER_NOTICE = timedelta(hours=2)


class VisitError(Exception):
    """Message is translated; views show it as is. ``field`` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class OccasionFull(VisitError):
    """Not enough free places. ``free`` is how many there are; the view offers the waiting list."""

    def __init__(self, message: str, *, free: int):
        super().__init__(message, field="participants")
        self.free = free


# --- Settings ---------------------------------------------------------------------------------------------

def school_settings(school) -> SchoolVisitSettings:
    return SchoolVisitSettings.objects.filter(school=school).first() or SchoolVisitSettings(school=school)


def site_settings(certification) -> SiteVisitSettings:
    return (SiteVisitSettings.objects.filter(certification=certification).first()
            or SiteVisitSettings(certification=certification))


@transaction.atomic
def school_settings_update(*, school, actor, requires_principal_approval: bool) -> SchoolVisitSettings:
    obj, _created = SchoolVisitSettings.objects.update_or_create(
        school=school, defaults={"requires_principal_approval": requires_principal_approval, "updated_by": actor},
    )
    if actor.is_administrator:
        audit_record(actor=actor, action="visits.school_settings", obj=school, summary=str(school),
                     data={"requires_principal_approval": requires_principal_approval})
    return obj


@transaction.atomic
def site_settings_update(*, certification, actor, cancellation_deadline_working_days: int) -> SiteVisitSettings:
    if not can_manage_occasions(actor, certification):
        raise VisitError(_("Only the site's contacts and principal can change its visit settings."))
    obj, _created = SiteVisitSettings.objects.update_or_create(
        certification=certification,
        defaults={"cancellation_deadline_working_days": cancellation_deadline_working_days, "updated_by": actor},
    )
    return obj


# --- Places -------------------------------------------------------------------------------------------------

def places_taken(occasion_id: int) -> int:
    """Participants of the occasion's held and confirmed bookings, counted from the rows."""
    return PLACES.taken(occasion_id)


def places_offered(occasion_id: int, *, now: datetime, excluding: WaitingListEntry | None = None) -> int:
    """Places kept for waiting-list offers that are still open."""
    return PLACES.offered_places(occasion_id, now=now, excluding=excluding)


def free_places(occasion: Occasion, *, now: datetime, excluding_offer: WaitingListEntry | None = None) -> int:
    return PLACES.free(occasion, now=now, excluding_offer=excluding_offer)


def _lock_occasion(occasion_id: int) -> Occasion:
    """Lock the occasion until the transaction ends (see the module's docstring). Call it first
    in the transaction, before counting anything."""
    return PLACES.lock(occasion_id)


def _race_window() -> None:
    """Between counting the places and writing the booking. Does nothing; the race test puts a
    short sleep here to widen the window an unlocked booking would lose in."""


# --- Occasions ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OccasionDetails:
    slot: str
    start_time: time
    end_time: time
    place: str
    capacity: int
    note: str = ""


# What an occasion may be: one set of rules for single occasions, series and changes. The forms
# show every problem at its field (``occasion_input_problems``; a series' pattern and its dates are
# asked separately, ``occasion_problems`` and ``occasion_date_problems``); the services refuse with
# the first one. A half-day is "about half a working day" (the programme asks for a
# visit of that length; the application's plan says 2.5 to 5 hours):
# - on a working day: Monday to Friday, not a Swedish public holiday nor Midsummer, Christmas or
#   New Year's Eve (workdays.py), within the site's certification and not in the past;
# - on a day the host school is open: not in the municipality's breaks nor the school's own study
#   days and closures (schools.ClosedPeriod);
# - within the school day, 07:00 to 18:00; a morning ends by 13:00, an afternoon starts at 12:00
#   or later (the hour between is lunch, which either may use);
# - between 2 and 5 hours long, ending after it starts.
SCHOOL_DAY_STARTS = time(7)
SCHOOL_DAY_ENDS = time(18)
MORNING_ENDS_BY = time(13)
AFTERNOON_STARTS_FROM = time(12)
HALF_DAY_MIN_HOURS = 2
HALF_DAY_MAX_HOURS = 5


class DateNotOffered(VisitError):
    """An occasion cannot be on this date. ``short`` says why in a few words, for a list of dates."""

    def __init__(self, message: str, *, short: str):
        super().__init__(message, field="date")
        self.short = short


def closed_days_for(certification: Certification, days) -> dict[date, str]:
    """The host school's closed days (the municipality's breaks and its own) among ``days``, in one
    query: pass it to ``occasion_date_problems`` when checking many dates."""
    days = list(days)
    if not days:
        return {}
    return closed_days(certification.school_id, min(days), max(days))


def occasion_date_problems(*, certification: Certification, day: date, today: date,
                           closed: Mapping[date, str] | None = None) -> list[DateNotOffered]:
    """Why ``certification`` cannot offer an occasion on ``day`` (empty when it can). ``closed``: the
    host school's closed days (``closed_days_for``) when the caller checks many dates."""
    when = date_format(day, "j F Y")
    if certification.revoked_by_id is not None:
        return [DateNotOffered(_("The site's certification has ended early; it cannot offer occasions."),
                               short=_("certification ended early"))]
    problems = []
    if not certification.starts_on <= day <= certification.ends_on:
        problems.append(DateNotOffered(
            _("%(date)s is outside the site's certification period (%(start)s to %(end)s). Occasions must fall "
              "within it.") % {
                "date": when, "start": date_format(certification.starts_on, "j F Y"),
                "end": date_format(certification.ends_on, "j F Y"),
            },
            short=_("outside the certification period")))
    if day < today:
        problems.append(DateNotOffered(_("%(date)s has already passed.") % {"date": when}, short=_("already passed")))
    if day.weekday() >= 5:
        problems.append(DateNotOffered(
            _("%(date)s is a %(weekday)s. Occasions are offered on weekdays, Monday to Friday.")
            % {"date": when, "weekday": date_format(day, "l")},
            short=_("weekend day")))
    elif (holiday := holiday_name(day)) is not None:
        problems.append(DateNotOffered(
            _("%(date)s is a public holiday (%(holiday)s), when schools are closed. Choose another day.")
            % {"date": when, "holiday": holiday},
            short=_("public holiday: %(holiday)s") % {"holiday": holiday}))
    elif (closure := (closed if closed is not None else closed_days_for(certification, [day])).get(day)):
        problems.append(DateNotOffered(
            _("The school is closed on %(date)s: %(closure)s. Choose another day.")
            % {"date": when, "closure": closure},
            short=_("school closed: %(closure)s") % {"closure": closure}))
    return problems


def _hh_mm(value: time) -> str:
    return value.strftime("%H:%M")


def occasion_problems(*, slot: str | None, start_time: time | None, end_time: time | None) -> list[VisitError]:
    """What is wrong with a half-day's slot and times (empty when nothing). A value the form could
    not read is ``None`` and checked no further."""
    problems = []
    if slot is not None and slot not in Occasion.Slot.values:
        problems.append(VisitError(_("Choose morning or afternoon."), field="slot"))
    if start_time is None or end_time is None:
        return problems
    if end_time <= start_time:
        return [*problems, VisitError(_("The occasion must end after it starts."), field="end_time")]
    if start_time < SCHOOL_DAY_STARTS:
        problems.append(VisitError(_("A half-day starts at %(time)s at the earliest.")
                                   % {"time": _hh_mm(SCHOOL_DAY_STARTS)}, field="start_time"))
    if end_time > SCHOOL_DAY_ENDS:
        problems.append(VisitError(_("A half-day ends by %(time)s at the latest.")
                                   % {"time": _hh_mm(SCHOOL_DAY_ENDS)}, field="end_time"))
    if slot == Occasion.Slot.MORNING and end_time > MORNING_ENDS_BY:
        problems.append(VisitError(_("A morning ends by %(time)s. Choose afternoon for a later occasion.")
                                   % {"time": _hh_mm(MORNING_ENDS_BY)}, field="end_time"))
    if slot == Occasion.Slot.AFTERNOON and start_time < AFTERNOON_STARTS_FROM:
        problems.append(VisitError(_("An afternoon starts at %(time)s or later. Choose morning for an earlier "
                                     "occasion.") % {"time": _hh_mm(AFTERNOON_STARTS_FROM)}, field="start_time"))
    length = datetime.combine(date.min, end_time) - datetime.combine(date.min, start_time)
    if not timedelta(hours=HALF_DAY_MIN_HOURS) <= length <= timedelta(hours=HALF_DAY_MAX_HOURS):
        problems.append(VisitError(
            _("A half-day lasts between %(min)s and %(max)s hours (about half a working day).")
            % {"min": HALF_DAY_MIN_HOURS, "max": HALF_DAY_MAX_HOURS}, field="end_time"))
    return problems


def occasion_input_problems(*, certification: Certification, day: date | None, slot: str | None,
                            start_time: time | None, end_time: time | None, today: date,
                            occasion: Occasion | None = None,
                            closed: Mapping[date, str] | None = None) -> list[VisitError]:
    """Every problem with an occasion as entered, for a new one or a change of ``occasion``. The
    date is checked only when it is new: an occasion kept on its day may be changed on that day."""
    problems = occasion_problems(slot=slot, start_time=start_time, end_time=end_time)
    if day is not None and (occasion is None or day != occasion.date):
        problems += occasion_date_problems(certification=certification, day=day, today=today, closed=closed)
    return problems


def _check_occasion(certification: Certification, day: date, details: OccasionDetails, *, today: date,
                    occasion: Occasion | None = None, closed: Mapping[date, str] | None = None) -> None:
    problems = occasion_input_problems(certification=certification, day=day, slot=details.slot,
                                       start_time=details.start_time, end_time=details.end_time, today=today,
                                       occasion=occasion, closed=closed)
    if problems:
        raise problems[0]
    if details.capacity < 1:
        raise VisitError(_("The occasion needs at least one place."), field="capacity")


def _require_host(actor, certification) -> None:
    if not can_manage_occasions(actor, certification):
        raise VisitError(_("Only the site's contacts and principal can manage its occasions."))


@transaction.atomic
def occasion_create(*, certification: Certification, actor, date: date, details: OccasionDetails,
                    now=None) -> Occasion:
    now = now or timezone.now()
    _require_host(actor, certification)
    _check_occasion(certification, date, details, today=timezone.localdate(now))
    return Occasion.objects.create(certification=certification, date=date, created_by=actor,
                                   **details.__dict__)


def series_dates(*, first_date: date, weekday: int, weeks: int) -> list[date]:
    """Every ``weekday`` (0 = Monday) for ``weeks`` weeks, from the first such day on or after
    ``first_date``."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise VisitError(_("Choose between 1 and %(max)s weeks.") % {"max": MAX_SERIES_WEEKS}, field="weeks")
    try:
        start = first_date + timedelta(days=(weekday - first_date.weekday()) % 7)
        return [start + timedelta(weeks=i) for i in range(weeks)]
    except OverflowError:  # a mistyped year such as 9999: the series would run past the end of the calendar
        raise VisitError(_("Choose a first date within the certification period."), field="first_date") from None


@transaction.atomic
def occasion_create_series(*, certification: Certification, actor, dates: list[date], details: OccasionDetails,
                           now=None) -> list[Occasion]:
    """Create one occasion per date, all or none: one date that cannot be had refuses them all."""
    now = now or timezone.now()
    _require_host(actor, certification)
    if not dates:
        raise VisitError(_("Tick at least one date."), field="dates")
    today = timezone.localdate(now)
    closed = closed_days_for(certification, dates)
    for day in dates:
        try:
            _check_occasion(certification, day, details, today=today, closed=closed)
        except DateNotOffered as e:
            raise VisitError(str(e), field="dates") from None
    pagecache.invalidate_on_commit("catalogue")  # bulk_create() sends no save signal
    return Occasion.objects.bulk_create([
        Occasion(certification=certification, date=day, created_by=actor, **details.__dict__)
        for day in sorted(set(dates))
    ])


def occasion_may_change(*, occasion: Occasion, actor) -> bool:
    """The host may change or cancel the occasion until it is cancelled."""
    return can_manage_occasions(actor, occasion.certification) and not occasion.is_cancelled


@transaction.atomic
def occasion_update(*, occasion: Occasion, actor, date: date, details: OccasionDetails, now=None) -> Occasion:
    """Change an occasion. Booked visitors get an updated calendar file when the time or place
    changes; a raised capacity is offered to the waiting list."""
    now = now or timezone.now()
    occasion = _lock_occasion(occasion.pk)
    certification = occasion.certification
    _require_host(actor, certification)
    if occasion.is_cancelled:
        raise VisitError(_("The occasion is cancelled and cannot be changed."))
    _check_occasion(certification, date, details, today=timezone.localdate(now), occasion=occasion)
    taken = places_taken(occasion.pk) + places_offered(occasion.pk, now=now)
    if details.capacity < taken:
        raise VisitError(
            _("%(taken)s places are already booked or offered; the capacity cannot be lower than that.")
            % {"taken": taken}, field="capacity")
    visible_change = (date, details.start_time, details.end_time, details.place, details.note) != (
        occasion.date, occasion.start_time, occasion.end_time, occasion.place, occasion.note)
    occasion.date = date
    for name, value in details.__dict__.items():
        setattr(occasion, name, value)
    if visible_change:
        occasion.sequence += 1
    occasion.save()
    if visible_change:
        for booking in _active_bookings(occasion):
            booking.sequence += 1
            booking.save(update_fields=["sequence", "updated_at"])
            notifications.booking_updated(booking)
    _offer_free_places(occasion, now=now)
    return occasion


def _active_bookings(occasion: Occasion) -> list[Booking]:
    bookings = list(
        Booking.objects.select_for_update(of=("self",)).filter(occasion=occasion, status__in=Booking.ACTIVE_STATUSES)
        .select_related("school", "booked_by").order_by("pk")
    )
    for booking in bookings:
        booking.occasion = occasion  # the locked, changed row; saves a query per booking
    return bookings


@transaction.atomic
def occasion_cancel(*, occasion: Occasion, actor, reason: str, now=None) -> Occasion:
    """Cancel an occasion: every booking on it is cancelled by the host with the reason, and the
    visitors get a calendar cancellation. The waiting list is closed."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise VisitError(_("Give a reason; the visitors will see it."), field="reason")
    occasion = _lock_occasion(occasion.pk)
    _require_host(actor, occasion.certification)
    if occasion.is_cancelled:
        raise VisitError(_("The occasion is already cancelled."))
    occasion.cancelled_at = now
    occasion.cancelled_by = actor
    occasion.cancellation_reason = reason
    occasion.sequence += 1
    occasion.save()
    for booking in _active_bookings(occasion):
        _cancel(booking, actor=actor, reason=reason, by_host=True, now=now)
    PLACES.close_line(occasion, status=WaitingListEntry.Status.WITHDRAWN, now=now)
    return occasion


# --- Booking ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Visitors:
    participants: int
    contact_name: str
    contact_email: str
    participant_names: str = ""
    contact_phone: str = ""
    message: str = ""


def school_may_visit(*, occasion: Occasion, school_id: int) -> bool:
    """A school cannot visit itself: its own occasions are for other schools. (No query.)"""
    return occasion.certification.school_id != school_id


def _closed_for_booking(occasion: Occasion, *, now: datetime) -> str | None:
    """Why nobody can book or wait for the occasion now, or None when it is open."""
    certification = occasion.certification
    if occasion.is_cancelled:
        return _("The occasion is cancelled.")
    if occasion.starts_at <= now:
        return _("The occasion has already started or passed.")
    if not certification.is_current(occasion.date) or not certification.is_current(timezone.localdate(now)):
        return _("The site is not certified for this date any more.")
    return None


def occasion_is_open_for_booking(*, occasion: Occasion, now=None) -> bool:
    """Not cancelled, not started, and the site certified on the day and today."""
    return _closed_for_booking(occasion, now=now or timezone.now()) is None


def _check_bookable(occasion: Occasion, school, *, now: datetime) -> None:
    if not school_may_visit(occasion=occasion, school_id=school.pk):
        raise VisitError(_("A school cannot visit itself: this occasion is offered by your own school."))
    closed = _closed_for_booking(occasion, now=now)
    if closed is not None:
        raise VisitError(closed)
    if Booking.objects.filter(occasion=occasion, school=school).exclude(status=Booking.Status.CANCELLED).exists():
        raise VisitError(_("Your school has already booked this occasion. Change the number of participants by "
                           "cancelling and booking again, or contact the site."))


def _full_message(free: int) -> str:
    if free == 0:
        return _("Sorry, the occasion is fully booked: someone else booked the last places. You can join the "
                 "waiting list and be offered places if they free up.")
    return _("Sorry, only %(free)s places are left on the occasion. Book for fewer participants, or join the "
             "waiting list.") % {"free": free}


def _hold_expiry(occasion: Occasion, now: datetime) -> datetime:
    """The hold ends at the same local clock time VISIT_HOLD_HOURS later (72 hours: three days on),
    as the principal's email says, also across a change to or from summer time; never after
    the visit starts."""
    return min(local_clock_after(now, timedelta(hours=settings.VISIT_HOLD_HOURS)), occasion.starts_at)


def _book(*, occasion: Occasion, school, booked_by, visitors: Visitors, idempotency_key: uuid.UUID,
          now: datetime, excluding_offer: WaitingListEntry | None = None) -> Booking:
    """Write the booking. The caller holds the occasion's lock."""
    _check_bookable(occasion, school, now=now)
    try:
        PLACES.check(occasion, size=visitors.participants, now=now, excluding_offer=excluding_offer)
    except NotEnoughPlaces as e:
        raise OccasionFull(_full_message(e.free), free=e.free) from None
    _race_window()
    # A principal who books approves the booking by making it.
    by_principal = is_principal_of(booked_by, school)
    needs_approval = school_settings(school).requires_principal_approval and not by_principal
    booking = Booking(occasion=occasion, school=school, booked_by=booked_by, idempotency_key=idempotency_key,
                      **visitors.__dict__)
    if needs_approval:
        booking.status = Booking.Status.HELD
        booking.hold_expires_at = _hold_expiry(occasion, now)
    else:
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        if by_principal:
            booking.approved_at, booking.approved_by = now, booked_by
    booking.save()
    booking.occasion = occasion
    notifications.booking_to_principal(booking)
    if booking.status == Booking.Status.CONFIRMED:
        notifications.booking_confirmed(booking)
    return booking


def booking_create(*, occasion: Occasion, school, booked_by, visitors: Visitors, idempotency_key: uuid.UUID,
                   now=None) -> Booking:
    """Book ``visitors`` of ``school`` on ``occasion``.

    ``idempotency_key`` comes from the booking form as it was shown: sending the same form twice
    (a double click, a reload) returns the first booking instead of making a second.
    """
    now = now or timezone.now()
    if not can_act_for_school(booked_by, school):
        raise VisitError(_("You can only book for a school where you are confirmed staff."))
    existing = _by_key(idempotency_key, booked_by)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            locked = _lock_occasion(occasion.pk)
            # Checked again under the lock: the first of two identical requests may just have committed.
            existing = _by_key(idempotency_key, booked_by)
            if existing is not None:
                return existing
            return _book(occasion=locked, school=school, booked_by=booked_by, visitors=visitors,
                         idempotency_key=idempotency_key, now=now)
    except IntegrityError:
        # The unique key or the one-booking-per-school rule caught what the checks above could not.
        existing = _by_key(idempotency_key, booked_by)
        if existing is not None:
            return existing
        raise VisitError(_("Your school has already booked this occasion.")) from None


def _by_key(key: uuid.UUID, user) -> Booking | None:
    booking = Booking.objects.filter(idempotency_key=key).select_related("occasion").first()
    if booking is not None and booking.booked_by_id != user.pk:
        # Another person's form key: never show them someone else's booking.
        raise VisitError(_("This form has already been used. Reload the page and try again."))
    return booking


def _approve_refusal(booking: Booking, *, actor, now: datetime) -> str | None:
    if not is_principal_of(actor, booking.school_id):
        return _("Only the visiting school's principal can approve the booking.")
    if booking.status != Booking.Status.HELD:
        return (_("The booking is not waiting for approval (it is “%(status)s”).")
                % {"status": booking.status_label})
    if booking.hold_expires_at <= now:
        return _("The time to approve has run out and the places are released. Book again if there are still "
                 "places.")
    return None


def booking_may_approve(*, booking: Booking, actor, now=None) -> bool:
    """The visiting school's principal, while the booking is held and the hold lasts."""
    return _approve_refusal(booking, actor=actor, now=now or timezone.now()) is None


@transaction.atomic
def booking_approve(*, booking: Booking, actor, now=None) -> Booking:
    """The visiting school's principal approves a held booking: it is confirmed."""
    now = now or timezone.now()
    occasion = _lock_occasion(booking.occasion_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("school", "booked_by").get(pk=booking.pk)
    booking.occasion = occasion
    refusal = _approve_refusal(booking, actor=actor, now=now)
    if refusal is not None:
        raise VisitError(refusal)
    booking.status = Booking.Status.CONFIRMED
    booking.approved_at = now
    booking.approved_by = actor
    booking.confirmed_at = now
    booking.save()
    notifications.booking_confirmed(booking)
    return booking


def cancellation_deadline(occasion: Occasion) -> date:
    """The last day the visitors may cancel (inclusive), by the site's deadline in working days."""
    days = site_settings(occasion.certification).cancellation_deadline_working_days
    return working_days_before(occasion.date, days)


def cancellation_deadline_passed(occasion: Occasion, *, now=None) -> bool:
    """The visitors can no longer cancel a booking of the occasion (the last day was before today)."""
    return timezone.localdate(now or timezone.now()) > cancellation_deadline(occasion)


def visitor_may_cancel(booking: Booking, *, now=None) -> bool:
    """Within the site's deadline, any of the visiting school's staff may cancel."""
    now = now or timezone.now()
    return (booking.is_active and booking.occasion.starts_at > now
            and not cancellation_deadline_passed(booking.occasion, now=now))


CANCEL_AS_VISITOR, CANCEL_AS_HOST = "visitor", "host"


def _cancel_as(booking: Booking, *, actor, now: datetime) -> str:
    """As whom ``actor`` may cancel the booking now, or the ``VisitError`` saying why not. The
    visiting school's staff may until the site's deadline, and its principal may decline a held
    booking at any time before the visit; the host may at any time before the visit (with a reason)."""
    if not booking.is_active:
        raise VisitError(_("The booking is already “%(status)s”.") % {"status": booking.status_label})
    if booking.occasion.starts_at <= now:
        raise VisitError(_("The visit has started or passed; it can no longer be cancelled. The site records "
                           "whether it was carried out."))
    is_visitor = can_act_for_school(actor, booking.school_id)
    declining = booking.status == Booking.Status.HELD and is_principal_of(actor, booking.school_id)
    if is_visitor and (declining or visitor_may_cancel(booking, now=now)):
        return CANCEL_AS_VISITOR
    if is_host_of(actor, booking.occasion.certification):
        return CANCEL_AS_HOST
    if is_visitor:
        raise VisitError(
            _("The last day to cancel was %(date)s. Contact the site if you cannot come.")
            % {"date": date_format(cancellation_deadline(booking.occasion), "j F Y")})
    raise VisitError(_("You cannot cancel this booking."))


def booking_may_cancel(*, booking: Booking, actor, now=None) -> bool:
    """Whether ``actor`` may cancel the booking now (see ``_cancel_as``)."""
    try:
        _cancel_as(booking, actor=actor, now=now or timezone.now())
    except VisitError:
        return False
    return True


def booking_cancel_needs_reason(*, booking: Booking, actor, now=None) -> bool:
    """The host cancels with a reason the visitors see; the visitors need give none."""
    try:
        return _cancel_as(booking, actor=actor, now=now or timezone.now()) == CANCEL_AS_HOST
    except VisitError:
        return False


def _cancel(booking: Booking, *, actor, reason: str, by_host: bool, now: datetime) -> None:
    had_calendar = booking.status == Booking.Status.CONFIRMED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = actor
    booking.cancelled_by_host = by_host
    booking.cancellation_reason = reason
    booking.hold_expires_at = None
    booking.sequence += 1
    booking.save()
    notifications.booking_cancelled(booking, had_calendar=had_calendar, by_host=by_host, tell_host=not by_host)


@transaction.atomic
def booking_cancel(*, booking: Booking, actor, reason: str = "", now=None) -> Booking:
    """Cancel a booking. The host may at any time before the visit, with a reason; the visiting
    school's staff until the site's deadline; the visiting school's principal may also decline a
    held booking. The places are free at once and offered to the waiting list."""
    now = now or timezone.now()
    reason = reason.strip()
    occasion = _lock_occasion(booking.occasion_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("school", "booked_by").get(pk=booking.pk)
    booking.occasion = occasion
    by_host = _cancel_as(booking, actor=actor, now=now) == CANCEL_AS_HOST
    if by_host and not reason:
        raise VisitError(_("Give a reason; the visitors will see it."), field="reason")
    _cancel(booking, actor=actor, reason=reason, by_host=by_host, now=now)
    _offer_free_places(occasion, now=now)
    return booking


def release_expired_holds(*, now=None) -> int:
    """Cancel the held bookings whose principal did not approve in time. Returns how many."""
    now = now or timezone.now()
    released = 0
    expired = Booking.objects.filter(status=Booking.Status.HELD, hold_expires_at__lte=now)
    for booking_id, occasion_id in expired.values_list("pk", "occasion_id"):
        with transaction.atomic():
            occasion = _lock_occasion(occasion_id)
            booking = (Booking.objects.select_for_update(of=("self",)).select_related("school", "booked_by")
                       .get(pk=booking_id))
            if booking.status != Booking.Status.HELD or booking.hold_expires_at > now:
                continue  # approved or released meanwhile
            booking.occasion = occasion
            _cancel(booking, actor=None, reason=_("The principal did not approve the booking in time."),
                    by_host=False, now=now)
            _offer_free_places(occasion, now=now)
            released += 1
    return released


# --- Waiting list -------------------------------------------------------------------------------------------

def _offer_free_places(occasion: Occasion, *, now: datetime) -> list[WaitingListEntry]:
    """Offer the free places to the waiting list: the first in line whose group fits, then the
    next, while places remain. The caller holds the occasion's lock."""
    if occasion.is_cancelled or occasion.starts_at - MIN_OFFER_NOTICE <= now:
        return []
    # "48 hours" is read on the local clock, like a hold: Friday 10:00 gives Sunday 10:00, also over
    # the weekend the clocks change.
    expires_at = min(local_clock_after(now, timedelta(hours=settings.WAITING_LIST_OFFER_HOURS)),
                     occasion.starts_at - MIN_OFFER_NOTICE)
    return PLACES.offer_free_places(occasion, now=now, expires_at=expires_at,
                                    notify=notifications.waiting_list_offer)


@transaction.atomic
def waiting_list_join(*, occasion: Occasion, school, user, visitors: Visitors, now=None) -> WaitingListEntry:
    """Put the school in line for the occasion. Joining again returns the place already held."""
    now = now or timezone.now()
    if not can_act_for_school(user, school):
        raise VisitError(_("You can only sign up a school where you are confirmed staff."))
    occasion = _lock_occasion(occasion.pk)
    _check_bookable(occasion, school, now=now)
    existing = WaitingListEntry.objects.filter(occasion=occasion, school=school,
                                               status__in=WaitingListEntry.OPEN_STATUSES).first()
    if existing is not None:
        return existing
    if visitors.participants > occasion.capacity:
        raise VisitError(_("The occasion has %(capacity)s places in all; your group is larger.")
                         % {"capacity": occasion.capacity}, field="participants")
    free = free_places(occasion, now=now)
    if visitors.participants <= free:
        raise VisitError(_("There are free places for your group: book the occasion instead."))
    return WaitingListEntry.objects.create(occasion=occasion, school=school, user=user, created_at=now,
                                           **visitors.__dict__)


def waiting_list_may_withdraw(*, entry: WaitingListEntry, actor) -> bool:
    """The school's staff, while the entry waits or has an offer."""
    return entry.status in WaitingListEntry.OPEN_STATUSES and can_act_for_school(actor, entry.school_id)


def waiting_offer_may_accept(*, entry: WaitingListEntry, actor, now=None) -> bool:
    """The school's staff, while the offer is open."""
    return PLACES.offer_is_open(entry, now=now or timezone.now()) and can_act_for_school(actor, entry.school_id)


@transaction.atomic
def waiting_list_withdraw(*, entry: WaitingListEntry, actor, now=None) -> WaitingListEntry:
    now = now or timezone.now()
    occasion = _lock_occasion(entry.occasion_id)
    entry = WaitingListEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if not can_act_for_school(actor, entry.school_id):
        raise VisitError(_("You cannot change this school's place in line."))
    if not waiting_list_may_withdraw(entry=entry, actor=actor):
        raise VisitError(_("The place in line is already closed."))
    was_offered = entry.status == WaitingListEntry.Status.OFFERED
    entry.status = WaitingListEntry.Status.WITHDRAWN
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at"])
    if was_offered:
        _offer_free_places(occasion, now=now)
    return entry


@transaction.atomic
def waiting_offer_accept(*, entry: WaitingListEntry, actor, now=None) -> Booking:
    """Accept an offer of places: the booking is made with the details given when joining."""
    now = now or timezone.now()
    occasion = _lock_occasion(entry.occasion_id)
    entry = WaitingListEntry.objects.select_for_update(of=("self",)).select_related("school").get(pk=entry.pk)
    if not can_act_for_school(actor, entry.school_id):
        raise VisitError(_("Only the school's staff can accept the offer."))
    if entry.status == WaitingListEntry.Status.ACCEPTED and entry.booking_id:
        return entry.booking  # a second click on the same offer
    if not PLACES.offer_is_open(entry, now=now):
        raise VisitError(_("The offer is no longer open: it has expired or been withdrawn."))
    visitors = Visitors(participants=entry.participants, participant_names=entry.participant_names,
                        contact_name=entry.contact_name, contact_email=entry.contact_email,
                        contact_phone=entry.contact_phone, message=entry.message)
    booking = _book(occasion=occasion, school=entry.school, booked_by=actor, visitors=visitors,
                    idempotency_key=uuid.uuid4(), now=now, excluding_offer=entry)
    entry.status = WaitingListEntry.Status.ACCEPTED
    entry.booking = booking
    entry.closed_at = now
    entry.save(update_fields=["status", "booking", "closed_at"])
    return booking


def expire_offers(*, now=None) -> int:
    """Close the offers not accepted in time and pass the places on to the next in line."""
    now = now or timezone.now()
    return PLACES.expire_offers(now=now, then=lambda occasion: _offer_free_places(occasion, now=now))


# --- Reminders ----------------------------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = 2


def send_reminders(*, now=None) -> int:
    """Remind the visitors of confirmed visits two days before (from midnight, Stockholm time, two
    calendar days before the visit day). Safe to run as often as wanted: one email per visit date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    bookings = (Booking.objects.filter(status=Booking.Status.CONFIRMED, occasion__cancelled_at__isnull=True,
                                       occasion__date__gt=today,
                                       occasion__date__lte=today + timedelta(days=REMINDER_DAYS_BEFORE))
                .select_related("occasion__certification__school", "school", "booked_by"))
    count = 0
    for booking in bookings:
        if booking.occasion.starts_at <= now:
            continue
        with transaction.atomic():
            notifications.booking_reminder(booking)
        count += 1
    return count


# --- Completion -----------------------------------------------------------------------------------------------
# After the visit day the host records what happened: completed or not carried out. Completion is
# what the fees count: ``signals.booking_completed`` is sent inside the same transaction, so the
# billing app's receivers record the fee entries (and invoice the visiting school) atomically with the
# marking. A receiver that raises undoes everything; a missing fee rule (``FeeRuleMissing``, which
# billing's own refusals subclass) reaches the host as a ``CompletionFailed`` with its message.

class CompletionFailed(VisitError):
    """The completion could not be recorded because what it sets off failed (e.g. no fee rule)."""


def outcome_may_be_recorded(booking: Booking, *, now=None) -> bool:
    """The visit day is over (Stockholm time) and the visit is confirmed and not yet recorded."""
    now = now or timezone.now()
    return booking.status == Booking.Status.CONFIRMED and booking.occasion.date < timezone.localdate(now)


def booking_may_record_outcome(*, booking: Booking, actor, now=None) -> bool:
    """The host, once the visit day is over, for a confirmed visit not yet recorded."""
    return is_host_of(actor, booking.occasion.certification) and outcome_may_be_recorded(booking, now=now)


def booking_may_undo_outcome(*, booking: Booking, actor) -> bool:
    """An administrator, when the host has recorded the visit."""
    return can_undo_outcome(actor) and booking.is_recorded


def _lock_booking(booking: Booking) -> Booking:
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("occasion__certification__school", "school", "booked_by").get(pk=booking.pk))


def _check_outcome(booking: Booking, *, actor, now: datetime) -> None:
    if not is_host_of(actor, booking.occasion.certification):
        raise VisitError(_("Only the site's contacts and principal can record whether a visit took place."))
    if booking.status in Booking.OUTCOME_STATUSES:
        raise VisitError(_("The visit is already recorded as “%(status)s”. Only an administrator can undo that.")
                         % {"status": booking.status_label})
    if booking.status != Booking.Status.CONFIRMED:
        raise VisitError(_("Only a confirmed visit can be recorded (this one is “%(status)s”).")
                         % {"status": booking.status_label})
    if booking.occasion.date >= timezone.localdate(now):
        raise VisitError(_("The visit is on %(date)s. You can record whether it took place from the day after.")
                         % {"date": date_format(booking.occasion.date, "j F Y")})


def _mark(booking: Booking, *, action: str, status: str, actor, now: datetime) -> None:
    booking.status = status
    booking.outcome_marked_at = now
    booking.outcome_marked_by = actor
    booking.save(update_fields=["status", "outcome_marked_at", "outcome_marked_by", "updated_at"])
    BookingOutcomeChange.objects.create(booking=booking, action=action, at=now, by=actor)


def booking_complete(*, booking: Booking, actor, now=None) -> Booking:
    """The host records that the visit took place. Sends ``booking_completed`` in the transaction
    (the fees follow from it) and asks the visitors for their feedback."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            booking = _lock_booking(booking)
            _check_outcome(booking, actor=actor, now=now)
            _mark(booking, action=BookingOutcomeChange.Action.COMPLETED, status=Booking.Status.COMPLETED,
                  actor=actor, now=now)
            booking_completed.send(sender=Booking, booking=booking, by=actor, at=now)
            notifications.feedback_request(booking, token=feedback_token(booking),
                                           open_until=feedback_open_until(booking))
    except FeeRuleMissing as e:
        raise CompletionFailed(
            _("The visit is not recorded as completed: %(reason)s Nothing has been saved; try again when it is "
              "put right.") % {"reason": e}) from e
    return booking


@transaction.atomic
def booking_mark_not_carried_out(*, booking: Booking, actor, now=None) -> Booking:
    """The host records that the visit did not take place: no fee, no feedback."""
    now = now or timezone.now()
    booking = _lock_booking(booking)
    _check_outcome(booking, actor=actor, now=now)
    _mark(booking, action=BookingOutcomeChange.Action.NOT_CARRIED_OUT, status=Booking.Status.NOT_CARRIED_OUT,
          actor=actor, now=now)
    return booking


def booking_outcome_undo(*, booking: Booking, actor, reason: str, now=None) -> Booking:
    """An administrator undoes the host's record, with a reason: the visit is confirmed again and the
    host can record it anew. Undoing a completion sends ``booking_completion_undone`` in the
    transaction (billing reverses the fees)."""
    now = now or timezone.now()
    reason = reason.strip()
    if not can_undo_outcome(actor):
        raise VisitError(_("Only an administrator can undo what the site recorded."))
    if not reason:
        raise VisitError(_("Give a reason; it is kept with the visit's history."), field="reason")
    try:
        with transaction.atomic():
            booking = _lock_booking(booking)
            if booking.status not in Booking.OUTCOME_STATUSES:
                raise VisitError(_("Nothing to undo: the site has not recorded the visit."))
            was_completed = booking.status == Booking.Status.COMPLETED
            previous = booking.status_label
            booking.status = Booking.Status.CONFIRMED
            booking.outcome_marked_at = None
            booking.outcome_marked_by = None
            booking.save(update_fields=["status", "outcome_marked_at", "outcome_marked_by", "updated_at"])
            BookingOutcomeChange.objects.create(booking=booking, action=BookingOutcomeChange.Action.UNDONE, at=now,
                                                by=actor, reason=reason)
            if was_completed:
                booking_completion_undone.send(sender=Booking, booking=booking, by=actor, at=now, reason=reason)
            audit_record(actor=actor, action="visits.outcome_undo", obj=booking,
                         summary=_("Undid “%(status)s” for the visit of %(school)s to %(site)s on %(date)s")
                         % {"status": previous, "school": booking.school.name,
                            "site": booking.occasion.certification.display_name,
                            "date": booking.occasion.date.isoformat()},
                         data={"previous": "completed" if was_completed else "not_carried_out", "reason": reason})
    except FeeRuleMissing as e:
        raise CompletionFailed(_("The record is not undone: %(reason)s") % {"reason": e}) from e
    return booking


# --- Feedback: "Dela med er – och få tillbaka!" ------------------------------------------------------------------
# The visitors (the booker and the booking's contact) get a link by email when the visit is recorded as
# completed. The link is signed and needs no login: the contact is often not a user of Inspira, and a
# teacher answering from a phone after the visit should not be stopped by a password. It names one
# visit only, goes only to the visitors' own addresses, and opens a form about that visit, nothing else.
# Logged-in staff of the visiting school also find the link on the visit's page. One feedback per visit:
# whoever of the visitors answers first writes it; until the form closes (FEEDBACK_OPEN_DAYS after the
# completion was recorded) either of them can change it.

FEEDBACK_SALT = "inspira.visits.feedback"
FEEDBACK_OPEN_DAYS = 30


class FeedbackLinkInvalid(VisitError):
    """The feedback link cannot be used. ``reason`` says why; ``booking`` is set when known."""

    DAMAGED = "damaged"
    NOT_COMPLETED = "not_completed"
    CLOSED = "closed"

    def __init__(self, reason: str, booking: Booking | None = None):
        super().__init__(reason)
        self.reason = reason
        self.booking = booking


def feedback_token(booking: Booking) -> str:
    return signing.dumps({"b": booking.pk, "u": booking.uid.hex}, salt=FEEDBACK_SALT, compress=False)


def feedback_open_until(booking: Booking) -> date | None:
    """The last day (inclusive, local) on which feedback can be given: FEEDBACK_OPEN_DAYS days after
    the day the completion was recorded. Emails and pages show this day ("till och med")."""
    if booking.outcome_marked_at is None:
        return None
    marked_on = timezone.localdate(booking.outcome_marked_at, timezone.get_default_timezone())
    return marked_on + timedelta(days=FEEDBACK_OPEN_DAYS)


def feedback_closes_at(booking: Booking) -> datetime | None:
    """The form closes at local midnight after its last day, whatever the time of day the visit was
    recorded and whether the clocks changed in between."""
    last_day = feedback_open_until(booking)
    return None if last_day is None else local_midnight(last_day + timedelta(days=1))


def feedback_is_open(booking: Booking, *, now=None) -> bool:
    now = now or timezone.now()
    closes_at = feedback_closes_at(booking)
    return booking.status == Booking.Status.COMPLETED and closes_at is not None and now < closes_at


def booking_from_feedback_token(token: str, *, now=None) -> Booking:
    """The visit a feedback link names, if feedback can be given (or changed) now."""
    try:
        value = signing.loads(token, salt=FEEDBACK_SALT)
        booking = (Booking.objects.select_related("occasion__certification__school", "school", "feedback")
                   .get(pk=int(value["b"]), uid=uuid.UUID(hex=value["u"])))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Booking.DoesNotExist) as exc:
        raise FeedbackLinkInvalid(FeedbackLinkInvalid.DAMAGED) from exc
    if booking.status != Booking.Status.COMPLETED:
        raise FeedbackLinkInvalid(FeedbackLinkInvalid.NOT_COMPLETED, booking)
    if not feedback_is_open(booking, now=now):
        raise FeedbackLinkInvalid(FeedbackLinkInvalid.CLOSED, booking)
    return booking


@transaction.atomic
def feedback_save(*, booking: Booking, rating: int, takeaways: str, questions: str = "", by=None,
                  now=None) -> Feedback:
    """Save the visit's feedback, or change it while the form is open. ``by`` is the person if logged
    in as staff of the visiting school (empty when the emailed link was used without logging in)."""
    now = now or timezone.now()
    booking = _lock_booking(booking)
    if not feedback_is_open(booking, now=now):
        raise VisitError(_("Feedback on this visit can no longer be given or changed."))
    if not 1 <= rating <= 5:
        raise VisitError(_("Choose a rating from 1 to 5."), field="rating")
    takeaways = takeaways.strip()
    if not takeaways:
        raise VisitError(_("Tell the site what you take home from the visit."), field="takeaways")
    if by is not None and not (getattr(by, "is_authenticated", False) and can_act_for_school(by, booking.school_id)):
        by = None
    feedback = Feedback.objects.filter(booking=booking).first()
    if feedback is None:
        return Feedback.objects.create(booking=booking, rating=rating, takeaways=takeaways,
                                       questions=questions.strip(), submitted_by=by, submitted_at=now)
    feedback.rating = rating
    feedback.takeaways = takeaways
    feedback.questions = questions.strip()
    feedback.updated_at = now
    feedback.save(update_fields=["rating", "takeaways", "questions", "updated_at"])
    return feedback
