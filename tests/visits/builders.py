"""Objects for visit tests (and the permission table): a certified site, occasions, bookings."""

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.certification.models import Application, Certification, Decision
from inspira.visits.models import Booking, Occasion, WaitingListEntry
from tests.factories import MembershipFactory, UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_references = itertools.count(1)


def at(year, month, day, hour=10, minute=0):
    """A moment in Stockholm, for services that take ``now``."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def working_day(day: date, step: int = 1) -> date:
    """``day`` if an occasion may be on it (a weekday that is no public holiday), else the next such day
    (the one before with ``step=-1``): tests that count from today stay off weekends."""
    from inspira.visits.workdays import is_working_day

    while not is_working_day(day):
        day += timedelta(days=step)
    return day


def make_certification(*, school, starts_on: date | None = None, ends_on: date | None = None,
                       team_name: str = "") -> Certification:
    """A certification of ``school`` (default: started 30 days ago, two years long)."""
    starts_on = starts_on or timezone.localdate() - timedelta(days=30)
    ends_on = ends_on or starts_on.replace(year=starts_on.year + 2) - timedelta(days=1)
    director = UserFactory()
    application = Application.objects.create(
        school=school, applicant=director, team_name=team_name, status=Application.Status.APPROVED,
        area_title="Utematematik", area_description="Vi mäter skolgården.",
    )
    decision = Decision.objects.create(
        application=application, reference=f"TEST-{next(_references):05d}-{uuid.uuid4().hex[:6]}",
        outcome=Decision.Outcome.APPROVE, start_date=starts_on, decided_by=director, decided_by_name=director.name,
    )
    return Certification.objects.create(school=school, team_name=team_name, application=application,
                                        decision=decision, starts_on=starts_on, ends_on=ends_on)


def make_occasion(*, certification, day: date | None = None, capacity: int = 10, start=time(9, 0),
                  end=time(12, 0), slot=Occasion.Slot.MORNING, **fields) -> Occasion:
    day = day or timezone.localdate() + timedelta(days=30)
    return Occasion.objects.create(certification=certification, date=day, slot=slot, start_time=start,
                                   end_time=end, place="Vasaskolan, Skolvägen 1, aulan", capacity=capacity, **fields)


def make_booking(*, occasion, school, booked_by, participants: int = 2,
                 status=Booking.Status.CONFIRMED, **fields) -> Booking:
    """A booking row written directly (no emails): for tests of what comes after booking."""
    if status == Booking.Status.HELD:
        fields.setdefault("hold_expires_at", timezone.now() + timedelta(days=3))
    return Booking.objects.create(
        occasion=occasion, school=school, booked_by=booked_by, participants=participants, status=status,
        contact_name=booked_by.name, contact_email=booked_by.email, idempotency_key=uuid.uuid4(), **fields,
    )


def make_waiting_entry(*, occasion, school, user, participants: int = 2, **fields) -> WaitingListEntry:
    fields.setdefault("created_at", timezone.now())
    return WaitingListEntry.objects.create(occasion=occasion, school=school, user=user, participants=participants,
                                           contact_name=user.name, contact_email=user.email, **fields)


def member(school, role=Membership.Role.STAFF, **user_fields):
    return MembershipFactory(school=school, role=role, user=UserFactory(**user_fields)).user


# --- Objects the permission table (tests/permission_table.py) names --------------------------------------
# The host site is the world's school (its site contact and principal host); the visiting school is
# the world's other school, whose staff member booked.

def world_certification(world):
    return world.once("visits_certification", lambda: make_certification(school=world.school))


def world_occasion(world):
    return world.once("visits_occasion", lambda: make_occasion(certification=world_certification(world)))


def world_booking(world):
    from tests.permission_fixtures import OTHER_STAFF

    return world.once("visits_booking", lambda: make_booking(
        occasion=world_occasion(world), school=world.other_school, booked_by=world.users[OTHER_STAFF]))


def world_waiting_entry(world):
    from tests.permission_fixtures import OTHER_STAFF

    def make():
        occasion = make_occasion(certification=world_certification(world), capacity=1)
        return make_waiting_entry(occasion=occasion, school=world.other_school, user=world.users[OTHER_STAFF])

    return world.once("visits_waiting_entry", make)


def world_completed_booking(world):
    """A visit of ``world.other_school`` to the world's site, yesterday, recorded as completed by the site
    contact (the row only: no signal, so no fees)."""
    from inspira.visits.models import BookingOutcomeChange
    from tests.permission_fixtures import OTHER_STAFF, SITE_CONTACT

    def make():
        occasion = make_occasion(certification=world_certification(world),
                                 day=timezone.localdate() - timedelta(days=1))
        now = timezone.now()
        booking = make_booking(occasion=occasion, school=world.other_school, booked_by=world.users[OTHER_STAFF],
                               status=Booking.Status.COMPLETED, outcome_marked_at=now,
                               outcome_marked_by=world.users[SITE_CONTACT])
        BookingOutcomeChange.objects.create(booking=booking, action=BookingOutcomeChange.Action.COMPLETED, at=now,
                                            by=world.users[SITE_CONTACT])
        return booking

    return world.once("visits_completed_booking", make)


def world_feedback_token(world) -> str:
    from inspira.visits.services import feedback_token

    return feedback_token(world_completed_booking(world))
