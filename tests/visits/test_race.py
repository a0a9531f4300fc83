"""The last places of one occasion, booked by many people at the same moment.

Each thread is a request: its own database connection (Django's connections are per thread),
``booking_create`` as the view calls it, then ``connection.close()``. A barrier releases them
together, and ``services._race_window`` sleeps between counting the places and writing the
booking, so every thread is inside the window at once. The places are then counted from the
booking rows themselves, never from a counter.

The control run switches the lock off (``_lock_occasion`` becomes a plain read and, on SQLite,
the transaction is DEFERRED instead of IMMEDIATE) and must fail the same checks: proof that the
test can see an overbooking.

Figures (both databases): 24 threads, one attempt each, 2 participants each, capacity 10 with
6 places already booked: 4 places left, so exactly 2 bookings are made and 22 threads are told
the occasion is full. Without the lock on PostgreSQL all 24 bookings are made (54 participants
on 10 places). Without the lock on SQLite there is no overbooking, because SQLite cannot
upgrade a read transaction to a write while another connection writes: the losers fail with
"database is locked" (an error, a 500 in a view), which the checks catch just as well.
"""

import time
import uuid

import pytest
from django.db import connection
from django.db.models import Sum

from inspira.visits import services
from inspira.visits.models import Booking, Occasion
from tests.factories import SchoolFactory
from tests.race import Outcome, race
from tests.visits.builders import make_booking, make_certification, make_occasion, member

THREADS = 24
CAPACITY = 10
ALREADY_BOOKED = 6
PARTICIPANTS = 2
WINDOW_SECONDS = 0.05
FULL_MESSAGE = "Sorry, the occasion is fully booked"


def _setup():
    host = SchoolFactory(name="Värdskolan")
    certification = make_certification(school=host)
    member(host, "site_contact")
    occasion = make_occasion(certification=certification, capacity=CAPACITY)
    early = SchoolFactory(name="Tidiga skolan")
    make_booking(occasion=occasion, school=early, booked_by=member(early), participants=ALREADY_BOOKED)
    visitors = []
    for i in range(THREADS):
        school = SchoolFactory(name=f"Besöksskola {i}")
        visitors.append((school, member(school)))
    return occasion, visitors


def _book(occasion, school, user):
    return services.booking_create(
        occasion=occasion, school=school, booked_by=user, idempotency_key=uuid.uuid4(),
        visitors=services.Visitors(participants=PARTICIPANTS, contact_name=user.name, contact_email=user.email))


def _race(occasion, visitors, *, deferred_sqlite: bool = False) -> Outcome:
    return race([lambda school=school, user=user: _book(occasion, school, user) for school, user in visitors],
                full=services.OccasionFull, deferred_sqlite=deferred_sqlite)


def _participants_booked(occasion) -> int:
    return Booking.objects.filter(occasion=occasion, status__in=Booking.ACTIVE_STATUSES).aggregate(
        n=Sum("participants"))["n"]


def _sleep_in_window():
    time.sleep(WINDOW_SECONDS)


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_capacity(monkeypatch):
    occasion, visitors = _setup()
    monkeypatch.setattr(services, "_race_window", _sleep_in_window)

    outcome = _race(occasion, visitors)

    assert outcome.errors == []
    assert _participants_booked(occasion) <= CAPACITY
    assert outcome.made == (CAPACITY - ALREADY_BOOKED) // PARTICIPANTS == 2
    assert _participants_booked(occasion) == CAPACITY
    assert len(outcome.full) == THREADS - outcome.made
    assert all(message.startswith(FULL_MESSAGE) for message in outcome.full), outcome.full[:3]
    print(f"\n[race, {connection.vendor}, lock on] threads={THREADS} attempts={THREADS} "
          f"bookings made={outcome.made} participants={_participants_booked(occasion)} capacity={CAPACITY}")


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_same_checks_fail(monkeypatch):
    occasion, visitors = _setup()
    monkeypatch.setattr(services, "_race_window", _sleep_in_window)
    monkeypatch.setattr(services, "_lock_occasion", lambda occasion_id: Occasion.objects.select_related(
        "certification__school").get(pk=occasion_id))

    outcome = _race(occasion, visitors, deferred_sqlite=True)

    booked = _participants_booked(occasion)
    print(f"\n[race, {connection.vendor}, lock off] threads={THREADS} attempts={THREADS} "
          f"bookings made={outcome.made} participants={booked} capacity={CAPACITY} errors={len(outcome.errors)}")
    overbooked = booked > CAPACITY
    if connection.vendor == "postgresql":
        assert overbooked, "without the row lock PostgreSQL must overbook, or the race test proves nothing"
    else:
        # SQLite cannot overbook inside a transaction (see the module's docstring): without
        # IMMEDIATE the losers crash with "database is locked" instead of being told it is full.
        assert overbooked or any("database is locked" in e for e in outcome.errors), outcome
