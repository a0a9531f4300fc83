"""Registering for events, the waiting list and its offers: every change, atomic, with its audit row.

The places are counted by the shared mechanism (``places.PLACES``, i.e. ``inspira.core.capacity``),
exactly as the study visits count theirs: each change that takes or frees places first locks the
event (``_lock_event``) and only then counts. tests/events/test_race.py proves it, and proves with
the lock switched off that the test would catch an overbooking.

A registration row is also the waiting-list entry: WAITING in line, OFFERED when places free up
(the offer keeps them until it expires), CONFIRMED when taken. Places that free up (a cancellation,
a declined or expired offer) are offered down the line in the same transaction.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership
from inspira.accounts.permissions import can_act_for_school, school_role
from inspira.core.audit import audit_record
from inspira.core.capacity import NotEnoughPlaces
from inspira.core.clock import local_clock_after, local_midnight
from inspira.events import eligibility, notifications
from inspira.events.models import Eligibility, Event, Registration
from inspira.events.permissions import event_may_manage
from inspira.events.places import PLACES

Status = Registration.Status
# No offer is made when the event starts sooner than this, and an offer closes this long before the
# start: nobody could reasonably accept and come in time.
MIN_OFFER_NOTICE = timedelta(hours=2)
GROUP_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.SITE_CONTACT)
SCHOOL_ELIGIBILITY = (Eligibility.SCHOOLS, Eligibility.SCHOOL_FORMS, Eligibility.DISTRICTS)


class RegistrationError(Exception):
    """Message is translated; views show it as is. ``field`` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class EventFull(RegistrationError):
    """Not enough free places and the caller asked for a place only (no waiting list)."""

    def __init__(self, message: str, *, free: int):
        super().__init__(message, field="participants")
        self.free = free


def _lock_event(event_id: int) -> Event:
    """Lock the event until the transaction ends. Call it first, before counting anything."""
    return PLACES.lock(event_id)


def _race_window() -> None:
    """Between counting the places and writing the registration. Does nothing; the race test puts a
    short sleep here to widen the window an unlocked registration would lose in."""


# --- Rules ------------------------------------------------------------------------------------------------------

def registration_closes_at(event: Event) -> datetime:
    """Registration closes when the organiser says, at the latest when the event starts."""
    return event.registration_closes_at or event.starts_at


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


def closed_reason(event: Event, *, now: datetime) -> str | None:
    """Why nobody can register now (None when they can)."""
    if event.is_cancelled:
        return _("The event is cancelled.")
    if event.starts_at <= now:
        return _("The event has already taken place.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration opens %(when)s.") % {"when": _when(event.registration_opens_at)}
    if now >= registration_closes_at(event):
        return _("Registration closed %(when)s.") % {"when": _when(registration_closes_at(event))}
    return None


def _school_matches(event: Event, school_id: int) -> bool:
    if event.eligibility == Eligibility.SCHOOLS:
        return event.eligible_schools.filter(pk=school_id).exists()
    if event.eligibility == Eligibility.SCHOOL_FORMS:
        return event.eligible_school_forms.filter(schools__pk=school_id).exists()
    return event.eligible_districts.filter(schools__pk=school_id).exists()


def user_is_eligible(*, event: Event, user, school=None) -> bool:
    """Whether the event is open to the person (for ``school``, when the event counts schools)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if event.eligibility == Eligibility.ANYONE:
        return True
    if event.eligibility == Eligibility.GROUP:
        return eligibility.is_member(event.eligible_group, user, event)
    if school is not None:
        return can_act_for_school(user, school) and _school_matches(event, getattr(school, "pk", school))
    return any(_school_matches(event, school_id) for school_id in eligible_school_ids(user))


def eligible_school_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user, confirmed_at__isnull=False).values_list("school_id", flat=True))


def needs_school(event: Event) -> bool:
    """A place counts against a school when the event has a quota per school or admits by school."""
    return event.quota_per_school is not None or event.eligibility in SCHOOL_ELIGIBILITY


def may_register_group(user, school) -> bool:
    """A group is registered by the school's confirmed principal or site contact."""
    return school_role(user, school) in GROUP_ROLES


def _full_message(free: int) -> str:
    if free == 0:
        return _("Sorry, the event is fully booked. You can join the waiting list and be offered a place if one "
                 "frees up.")
    return _("Sorry, only %(free)s places are left. Register fewer participants, or join the waiting list.") % {
        "free": free}


def _check_details(*, event: Event, user, school, participants: int, is_group: bool) -> None:
    if not (user.is_authenticated and user.is_active):
        raise RegistrationError(_("Log in to register."))
    if participants is None or participants < 1:
        raise RegistrationError(_("Give the number of participants, at least one."), field="participants")
    if not is_group and participants != 1:
        raise RegistrationError(_("A person registers one place; register a group for more."), field="participants")
    if is_group:
        if school is None:
            raise RegistrationError(_("Choose the school the group comes from."), field="school")
        if not may_register_group(user, school):
            raise RegistrationError(_("Only the school's principal or site contact can register a group."),
                                    field="school")
    if school is None and needs_school(event):
        raise RegistrationError(_("Choose the school you register for."), field="school")
    if school is not None and not can_act_for_school(user, school):
        raise RegistrationError(_("You can only register for a school where you are confirmed staff."),
                                field="school")
    if not user_is_eligible(event=event, user=user, school=school):
        raise RegistrationError(_("This event is not open to you: the organiser has limited who may register."))
    if participants > event.capacity:
        raise RegistrationError(_("The event has %(capacity)s places in all; your group is larger.")
                                % {"capacity": event.capacity}, field="participants")
    if school is not None and event.quota_per_school is not None and participants > event.quota_per_school:
        raise RegistrationError(_("A school can have at most %(quota)s places at this event.")
                                % {"quota": event.quota_per_school}, field="participants")


def _check_quota(event: Event, *, school, participants: int, now: datetime, excluding_offer=None) -> None:
    """The school's places, this group included, stay within the event's quota per school."""
    if school is None or event.quota_per_school is None:
        return
    try:
        PLACES.check(event, size=participants, now=now, party={"school": school}, quota=event.quota_per_school,
                     excluding_offer=excluding_offer)
    except NotEnoughPlaces as e:
        raise RegistrationError(
            _("Your school already has its places at this event (at most %(quota)s per school); %(free)s left.")
            % {"quota": event.quota_per_school, "free": e.free}, field="participants") from None


def _next_sequence(event: Event, user) -> int:
    """A new registration of the same person continues the calendar sequence of their earlier ones
    (the event's UID is the same), so its calendar file supersedes an earlier cancellation."""
    if user is None:
        return 0
    last = Registration.objects.filter(event=event, user=user).aggregate(m=Max("sequence"))["m"]
    return 0 if last is None else last + 1


# --- Registering ------------------------------------------------------------------------------------------------

def registration_create(*, event: Event, user, school=None, participants: int = 1, participant_names: str = "",
                        is_group: bool = False, answers: dict | None = None, waiting_list: bool | None = None,
                        now=None) -> Registration:
    """Register ``user`` (or, with ``is_group``, a group of ``school``) for ``event``.

    ``waiting_list``: None registers when places are free and joins the waiting list otherwise;
    False only registers (``EventFull`` when full); True only joins the list (refused while places
    are free). ``answers`` are the answers to the event's registration questions.
    """
    now = now or timezone.now()
    if not is_group:
        participant_names = ""
    try:
        with transaction.atomic():
            event = _lock_event(event.pk)
            reason = closed_reason(event, now=now)
            if reason:
                raise RegistrationError(reason)
            _check_details(event=event, user=user, school=school, participants=participants, is_group=is_group)
            if not is_group and Registration.objects.filter(event=event, user=user, is_group=False,
                                                            status__in=Registration.OPEN_STATUSES).exists():
                raise RegistrationError(_("You are already registered or in line for this event."))
            try:
                PLACES.check(event, size=participants, now=now)
                full, free = False, None
            except NotEnoughPlaces as e:
                full, free = True, e.free
            if full and waiting_list is False:
                raise EventFull(_full_message(free), free=free)
            if not full and waiting_list is True:
                raise RegistrationError(_("There are free places: register instead."))
            if not full:
                _check_quota(event, school=school, participants=participants, now=now)
            _race_window()
            registration = Registration.objects.create(
                event=event, user=user, school=school, is_group=is_group, participants=participants,
                participant_names=participant_names.strip(), answers=answers or {}, created_at=now,
                status=Status.WAITING if full else Status.CONFIRMED, sequence=_next_sequence(event, user),
            )
            registration.event = event
            if full:
                audit_record(actor=user, action="registration.waiting", obj=registration, summary=event.title,
                             data={"event": event.pk, "participants": participants})
                notifications.waiting_joined(registration, position=PLACES.position(registration))
            else:
                audit_record(actor=user, action="registration.created", obj=registration, summary=event.title,
                             data={"event": event.pk, "participants": participants, "group": is_group})
                notifications.registration_confirmed(registration)
            return registration
    except IntegrityError:
        # The one-open-registration-per-person constraint caught a second request the check missed.
        raise RegistrationError(_("You are already registered or in line for this event.")) from None


def registration_may_cancel(*, registration: Registration, actor, now=None) -> bool:
    """The organiser at any time; the person (a group: its school's principal or site contact) until
    the event's last time to cancel, or its start if none is set."""
    if registration.status != Status.CONFIRMED:
        return False
    if event_may_manage(user=actor, event=registration.event):
        return True
    return _is_own(registration, actor) and (now or timezone.now()) < cancellation_deadline(registration.event)


def cancellation_deadline(event: Event) -> datetime:
    return event.cancellation_deadline or event.starts_at


def _is_own(registration: Registration, actor) -> bool:
    if not actor.is_authenticated:
        return False
    if registration.is_group:
        return registration.user_id == actor.pk or (
            registration.school_id is not None and may_register_group(actor, registration.school_id))
    return registration.user_id == actor.pk


def _lock_registration(registration: Registration) -> tuple[Event, Registration]:
    event = _lock_event(registration.event_id)
    registration = (Registration.objects.select_for_update(of=("self",)).select_related("user", "school")
                    .get(pk=registration.pk))
    registration.event = event
    return event, registration


@transaction.atomic
def registration_cancel(*, registration: Registration, actor, reason: str = "", now=None) -> Registration:
    """Give up a place (or, as the organiser, take it away): the place is offered down the line."""
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    by_organiser = event_may_manage(user=actor, event=event)
    if not (by_organiser or _is_own(registration, actor)):
        raise RegistrationError(_("You cannot cancel another person's registration."))
    if not by_organiser and registration.status in Registration.LINE_STATUSES:
        raise RegistrationError(_("You are on the waiting list: leave it instead."))
    if registration.status not in Registration.OPEN_STATUSES:
        raise RegistrationError(_("The registration is already closed."))
    if not by_organiser and now >= cancellation_deadline(event):
        raise RegistrationError(_("The last time to cancel was %(when)s. Contact the organiser.")
                                % {"when": _when(cancellation_deadline(event))})
    had_calendar = registration.status == Status.CONFIRMED
    registration.status = Status.CANCELLED
    registration.closed_at = now
    registration.sequence += 1
    registration.save(update_fields=["status", "closed_at", "sequence"])
    audit_record(actor=actor, action="registration.cancelled", obj=registration, summary=event.title,
                 data={"event": event.pk, "by_organiser": by_organiser, "reason": reason.strip()})
    notifications.registration_cancelled(registration, by_organiser=by_organiser, had_calendar=had_calendar,
                                         reason=reason.strip())
    _offer_free_places(event, now=now)
    return registration


def waiting_may_leave(*, registration: Registration, actor) -> bool:
    return registration.status in Registration.LINE_STATUSES and _is_own(registration, actor)


@transaction.atomic
def waiting_leave(*, registration: Registration, actor, now=None) -> Registration:
    """Leave the waiting list (an open offer goes to the next in line)."""
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    if not _is_own(registration, actor):
        raise RegistrationError(_("You cannot change another person's place in line."))
    if registration.status not in Registration.LINE_STATUSES:
        raise RegistrationError(_("The place in line is already closed."))
    was_offered = registration.status == Status.OFFERED
    registration.status = Status.WITHDRAWN
    registration.closed_at = now
    registration.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="registration.waiting_left", obj=registration, summary=event.title,
                 data={"event": event.pk, "was_offered": was_offered})
    if was_offered:
        _offer_free_places(event, now=now)
    return registration


def offer_may_answer(*, registration: Registration, actor, now=None) -> bool:
    return PLACES.offer_is_open(registration, now=now or timezone.now()) and _is_own(registration, actor)


@transaction.atomic
def offer_accept(*, registration: Registration, actor, now=None) -> Registration:
    """Take the offered place(s): the registration is confirmed."""
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    if not _is_own(registration, actor):
        raise RegistrationError(_("Only the person in line can accept the offer."))
    if registration.status == Status.CONFIRMED:
        return registration  # a second click on the same offer
    if not PLACES.offer_is_open(registration, now=now) or event.is_cancelled:
        raise RegistrationError(_("The offer is no longer open: it has expired or been withdrawn."))
    try:
        # The offer's own places are the acceptor's: counting them too would refuse the offer.
        PLACES.check(event, size=registration.participants, now=now, excluding_offer=registration)
    except NotEnoughPlaces as e:  # the organiser lowered the capacity meanwhile
        raise RegistrationError(_full_message(e.free)) from None
    _check_quota(event, school=registration.school, participants=registration.participants, now=now,
                 excluding_offer=registration)
    registration.status = Status.CONFIRMED
    registration.closed_at = None
    registration.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="registration.offer_accepted", obj=registration, summary=event.title,
                 data={"event": event.pk})
    notifications.registration_confirmed(registration)
    return registration


@transaction.atomic
def offer_decline(*, registration: Registration, actor, now=None) -> Registration:
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    if not _is_own(registration, actor):
        raise RegistrationError(_("Only the person in line can decline the offer."))
    if registration.status != Status.OFFERED:
        raise RegistrationError(_("There is no open offer to decline."))
    registration.status = Status.DECLINED
    registration.closed_at = now
    registration.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="registration.offer_declined", obj=registration, summary=event.title,
                 data={"event": event.pk})
    _offer_free_places(event, now=now)
    return registration


def _offer_free_places(event: Event, *, now: datetime) -> list[Registration]:
    """Offer the free places down the line. The caller holds the event's lock. The offer's time is
    read on the local clock (48 hours from Friday 10:00 is Sunday 10:00, also over a DST weekend)
    and ends at the latest MIN_OFFER_NOTICE before the start."""
    if event.is_cancelled or event.starts_at - MIN_OFFER_NOTICE <= now:
        return []
    expires_at = min(local_clock_after(now, timedelta(hours=settings.WAITING_LIST_OFFER_HOURS)),
                     event.starts_at - MIN_OFFER_NOTICE)
    return PLACES.offer_free_places(event, now=now, expires_at=expires_at, notify=notifications.offer_made)


def expire_offers(*, now=None) -> int:
    """Scheduled: close the offers not taken in time and pass the places on down the line."""
    now = now or timezone.now()
    return PLACES.expire_offers(now=now, then=lambda event: _offer_free_places(event, now=now))


def offer_places_after_change(event: Event, *, now=None) -> list[Registration]:
    """After the organiser raised the capacity (called by the events services under the lock)."""
    return _offer_free_places(event, now=now or timezone.now())


# --- The event changes or is cancelled (called by events.services under the event's lock) ---------------------

def tell_confirmed_of_change(event: Event) -> int:
    """Every confirmed person gets the updated calendar file (the event's sequence has risen)."""
    registrations = list(event.registrations.filter(status=Status.CONFIRMED).select_related("user", "school"))
    for registration in registrations:
        registration.event = event
        notifications.event_changed(registration)
    return len(registrations)


def close_for_cancelled_event(event: Event, *, now: datetime) -> int:
    """Everyone registered or in line is told (with the reason) and their registrations closed."""
    registrations = list(event.registrations.filter(status__in=Registration.OPEN_STATUSES)
                         .select_related("user", "school").select_for_update(of=("self",)))
    for registration in registrations:
        registration.event = event
        had_calendar = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.closed_at = now
        registration.save(update_fields=["status", "closed_at"])
        notifications.event_cancelled(registration, had_calendar=had_calendar)
    return len(registrations)


# --- Reminders --------------------------------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = 2


def send_reminders(*, now=None) -> int:
    """Remind the registered two days before (from midnight, Stockholm time, two calendar days before
    the event's day). Safe to run as often as wanted: one email per registration and event day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Events whose Stockholm day is tomorrow or the day after: bounds taken at local midnights, so a
    # DST weekend in between moves neither end by an hour.
    registrations = (Registration.objects.filter(
        status=Status.CONFIRMED, event__cancelled_at__isnull=True, event__starts_at__gt=now,
        event__starts_at__gte=local_midnight(today + timedelta(days=1)),
        event__starts_at__lt=local_midnight(today + timedelta(days=REMINDER_DAYS_BEFORE + 1)),
    ).select_related("event", "user", "school"))
    count = 0
    for registration in registrations:
        with transaction.atomic():
            notifications.reminder(registration)
        count += 1
    return count
