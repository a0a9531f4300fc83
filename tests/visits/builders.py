"""Objects for visit tests (and the permission table): a certified site, occasions, bookings."""

from datetime import date, time, timedelta

from django.utils import timezone

from inspira.certification.models import Certification
from inspira.visits.models import Booking, Occasion, WaitingListEntry
from tests.factories import (
    BookingFactory,
    CertificationFactory,
    OccasionFactory,
    WaitingListEntryFactory,
    member,  # noqa: F401 (the visits tests import it here)
)
from tests.support import STOCKHOLM, at  # noqa: F401 (the visits tests import them here)


def working_day(day: date, step: int = 1) -> date:
    """``day`` if an occasion may be on it (a weekday that is no public holiday), else the next such day
    (the one before with ``step=-1``): tests that count from today stay off weekends."""
    from inspira.core.workdays import is_working_day

    while not is_working_day(day):
        day += timedelta(days=step)
    return day


def make_certification(*, school, starts_on: date | None = None, ends_on: date | None = None,
                       team_name: str = "") -> Certification:
    """A certification of ``school`` (default: started 30 days ago, two years long)."""
    dates = {key: value for key, value in (("starts_on", starts_on), ("ends_on", ends_on)) if value}
    return CertificationFactory(school=school, team_name=team_name, application__area_title="Utematematik",
                                application__area_description="Vi mäter skolgården.", **dates)


def make_occasion(*, certification, day: date | None = None, capacity: int = 10, start=time(9, 0),
                  end=time(12, 0), slot=Occasion.Slot.MORNING, **fields) -> Occasion:
    if day is not None:
        fields["date"] = day
    return OccasionFactory(certification=certification, slot=slot, start_time=start, end_time=end, capacity=capacity,
                           **fields)


def make_booking(*, occasion, school, booked_by, participants: int = 2,
                 status=Booking.Status.CONFIRMED, **fields) -> Booking:
    """A booking row written directly (no emails): for tests of what comes after booking."""
    return BookingFactory(occasion=occasion, school=school, booked_by=booked_by, participants=participants,
                          status=status, **fields)


def make_waiting_entry(*, occasion, school, user, participants: int = 2, **fields) -> WaitingListEntry:
    return WaitingListEntryFactory(occasion=occasion, school=school, user=user, participants=participants, **fields)


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
