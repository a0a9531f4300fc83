"""The last places of one event, registered for by many people at the same moment.

Modelled exactly on tests/visits/test_race.py. Each thread is a request: its own database connection,
``registration_create`` as the view calls it, then ``connection.close()``. A barrier releases them
together, and ``registrations._race_window`` sleeps between counting the places and writing the
registration, so every thread is inside the window at once. The places are then counted from the
registration rows themselves.

The control run switches the lock off (``_lock_event`` becomes a plain read and, on SQLite, the
transaction is DEFERRED instead of IMMEDIATE) and must fail the same checks: proof that the test
can see an overbooking.

Figures (measured here, 2 cores): 24 threads, one attempt each, one place each, capacity 10 with a
group of 6 already registered: 4 places left. With the lock, on SQLite and on PostgreSQL, exactly 4
registrations are made (10 places taken) and 20 threads are told the event is full. Without the
lock on PostgreSQL 23, 24 and 14 registrations were made in three runs (29, 30 and 20 places on
10). Without the lock on SQLite 1 was made and the other 23 failed with "database is locked" (a 500 in a view),
no overbooking: SQLite cannot upgrade a read transaction to a write while another connection writes.
"""

import importlib
import time

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Sum

from inspira.events import registrations as services
from inspira.events.models import Event, Registration
from tests.factories import EventFactory, RegistrationFactory, SchoolFactory, UserFactory, member
from tests.race import Outcome, race

programmes_migration = importlib.import_module("inspira.programmes.migrations.0002_the_five_programmes")

THREADS = 24
CAPACITY = 10
ALREADY_REGISTERED = 6
WINDOW_SECONDS = 0.05
FULL_MESSAGE = "Sorry, the event is fully booked"


def _setup():
    event = EventFactory(capacity=CAPACITY)
    school = SchoolFactory()
    RegistrationFactory(event=event, user=member(school, "principal"), school=school, is_group=True,
                        participants=ALREADY_REGISTERED)
    return event, UserFactory.create_batch(THREADS)


def _race(event, people, *, deferred_sqlite: bool = False) -> Outcome:
    return race([lambda user=user: services.registration_create(event=event, user=user, waiting_list=False)
                 for user in people], full=services.EventFull, deferred_sqlite=deferred_sqlite)


def _places_taken(event) -> int:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
        n=Sum("participants"))["n"]


def _sleep_in_window():
    time.sleep(WINDOW_SECONDS)


@pytest.fixture(autouse=True)
def _programmes(transactional_db):
    # A transactional test empties the tables afterwards, the programmes that a data migration made
    # among them; put them back (as the browser tests do). serialized_rollback would reload a
    # snapshot whose content-type ids another flush may since have changed.
    programmes_migration.create(apps, None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(monkeypatch):
    event, people = _setup()
    monkeypatch.setattr(services, "_race_window", _sleep_in_window)

    outcome = _race(event, people)

    assert outcome.errors == []
    assert _places_taken(event) <= CAPACITY
    assert outcome.made == CAPACITY - ALREADY_REGISTERED == 4
    assert _places_taken(event) == CAPACITY
    assert len(outcome.full) == THREADS - outcome.made
    assert all(message.startswith(FULL_MESSAGE) for message in outcome.full), outcome.full[:3]
    print(f"\n[race, {connection.vendor}, lock on] threads={THREADS} attempts={THREADS} "
          f"registrations made={outcome.made} places={_places_taken(event)} capacity={CAPACITY}")


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_same_checks_fail(monkeypatch):
    event, people = _setup()
    monkeypatch.setattr(services, "_race_window", _sleep_in_window)
    monkeypatch.setattr(services, "_lock_event", lambda event_id: Event.objects.select_related(
        "programme").get(pk=event_id))

    outcome = _race(event, people, deferred_sqlite=True)

    taken = _places_taken(event)
    print(f"\n[race, {connection.vendor}, lock off] threads={THREADS} attempts={THREADS} "
          f"registrations made={outcome.made} places={taken} capacity={CAPACITY} errors={len(outcome.errors)}")
    overbooked = taken > CAPACITY
    if connection.vendor == "postgresql":
        assert overbooked, "without the row lock PostgreSQL must overbook, or the race test proves nothing"
    else:
        # SQLite cannot overbook inside a transaction: without IMMEDIATE the losers crash with
        # "database is locked" instead of being told the event is full.
        assert overbooked or any("database is locked" in e for e in outcome.errors), outcome
