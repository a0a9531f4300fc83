"""Reference numbers stay unique and without gaps when several decisions are made at once.

Each thread has its own database connection (``transaction=True``: the rows are committed, as in
production). On PostgreSQL the year's counter row is locked with SELECT ... FOR UPDATE; on SQLite
(which has no row locks) the IMMEDIATE transactions of the settings serialise the writers. The
same test runs on both.
"""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from inspira.certification import casework_services
from inspira.certification.models import Decision, DecisionNumberSeries
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from .casework import DECIDED, START, fee_rule, sent_to_director
from .conftest import make_application

THREADS = 6
school_forms_migration = importlib.import_module("inspira.schools.migrations.0002_school_forms")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_get_unique_gapless_numbers(monkeypatch):
    # The rows are committed here, so the outbox would render and send the letters at once; that is
    # tested elsewhere and only slows this down.
    monkeypatch.setattr("inspira.core.outbox._dispatch", lambda item_id: None)
    # An earlier transactional test (of any app) empties the database, taking the school forms
    # its migration made; an application needs one.
    school_forms_migration.create_school_forms(apps, None)
    fee_rule()
    school = SchoolFactory()
    staff = MembershipFactory(school=school).user
    administrator = UserFactory(role="administrator")
    director = UserFactory(role="director")
    applications = []
    for _ in range(THREADS):
        application = make_application(school=school, applicant=staff)
        applications.append(sent_to_director(application, administrator))

    barrier = threading.Barrier(THREADS)
    references, errors = [], []

    def decide(application, index):
        try:
            barrier.wait(timeout=10)
            outcome = "approve" if index % 2 else "reject"
            decision = casework_services.decision_make(
                application=application, actor=director, outcome=outcome, start_date=START, reasons="Reasons",
                now=DECIDED,
            )
            references.append(decision.reference)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a, i)) for i, a in enumerate(applications)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    expected = [f"INSP-2026-{n:04d}" for n in range(1, THREADS + 1)]
    assert sorted(references) == expected
    assert sorted(Decision.objects.values_list("reference", flat=True)) == expected
    assert DecisionNumberSeries.objects.get(year=2026).last_number == THREADS
    print(f"{connection.vendor}: {THREADS} simultaneous decisions numbered {sorted(references)}")
