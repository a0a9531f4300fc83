"""The demo loaded on a pinned winter day, when both school years have visits behind them (in July or
August the current one has none yet). The tests only read it, so they share one load per module, as
those of test_demo_contents.py do: each load is a few seconds, once per test it was five."""

import datetime
import uuid
from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings
from django_q.conf import Conf

from inspira.accounts.models import User
from inspira.events.models import Event
from tests.portal.test_demo_data import run_load_demo

WINTER_DAY = datetime.date(2026, 12, 8)


@pytest.fixture(scope="module")
def _winter_demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded inside a pinned clock and a transaction that stay open for the module's tests (each
    in a savepoint of its own: pytest-django's db fixture) and is rolled back after them. It is loaded as
    tests/conftest.py's fixtures would have it loaded inside a test: files in a folder of its own (the
    tests read them from there), mail kept in memory, jobs run at once, a cache of its own."""
    from inspira.portal.demo import pinned_clock

    media = tmp_path_factory.mktemp("winter-demo") / "media"
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=media, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher",
                          "django.contrib.auth.hashers.Argon2PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                            "LOCATION": f"test-{uuid.uuid4()}"}},
    ), mock.patch.object(Conf, "SYNC", True), pinned_clock(WINTER_DAY):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            run_load_demo()
            yield media
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def winter_demo(_winter_demo_once, db, settings):
    """The demo, looked at on ``WINTER_DAY`` (the clock stays pinned through the module's tests)."""
    # tests/conftest.py seeds each test's cache with the defaults the database holds at the start of a
    # test; here it holds the demo's (every programme on, coordinators named): read those instead.
    from inspira.events.permissions import forget_coordinators
    from inspira.programmes.state import forget

    forget()
    forget_coordinators()
    settings.MEDIA_ROOT = _winter_demo_once  # the invoices' PDFs (private files beside it) are there


def test_demo_occasions_keep_clear_of_the_municipalitys_breaks(winter_demo):
    from inspira.schools.models import ClosedPeriod
    from inspira.schools.selectors import closed_days
    from inspira.visits.models import Occasion

    # Two weeks after WINTER_DAY lies in jullov: the demo moves that occasion to the next open day.
    assert ClosedPeriod.objects.filter(school=None, name="Jullov", starts_on__lte=WINTER_DAY + datetime.timedelta(
        weeks=2), ends_on__gte=WINTER_DAY + datetime.timedelta(weeks=2)).exists()
    occasions = Occasion.objects.filter(certification__school__name="Katarina Södra skola")
    assert occasions.count() == 3
    for occasion in occasions:
        assert not closed_days(occasion.certification.school, occasion.date, occasion.date)


def test_demo_history_holds_money_in_both_school_years(winter_demo):
    from inspira.billing.models import FeeEntry, Invoice
    from inspira.schoolyears.models import school_year_start
    from inspira.visits.models import Booking

    current = school_year_start(WINTER_DAY)
    completed = Booking.objects.filter(status=Booking.Status.COMPLETED)
    years = {school_year_start(booking.occasion.date) for booking in completed}
    assert years == {current - 1, current}
    assert all(booking.occasion.date < WINTER_DAY for booking in completed)
    assert completed.filter(feedback__isnull=False).count() >= 2
    assert FeeEntry.objects.filter(school_year__start_year=current - 1).count() >= 6
    assert FeeEntry.objects.filter(school_year__start_year=current).exists()
    invoices = Invoice.objects.filter(kind=Invoice.Kind.INVOICE)
    assert invoices.filter(recipient_kind=Invoice.Recipient.VISITING_SCHOOL).count() >= 5
    assert {school_year_start(i.period_start) for i in invoices.filter(recipient_kind=Invoice.Recipient.CENTRAL)} == {
        current - 1, current}
    credit = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit.booking.status == Booking.Status.NOT_CARRIED_OUT
    assert credit.booking.outcome_changes.filter(action="undone").exists()
    assert credit.credits.booking_id == credit.booking_id
    # Numbered in the order they were issued, dated when they were issued, every one with its PDF.
    issued = list(Invoice.objects.order_by("sequence"))
    assert [i.issue_date for i in issued] == sorted(i.issue_date for i in issued)
    assert all(i.pdf and i.created_at.date() == i.issue_date for i in issued)
    assert Invoice.objects.filter(paid_on__isnull=False).exists()


def test_demo_shows_money_a_pdf_and_feedback(winter_demo, client):
    from django.urls import reverse

    from inspira.billing import selectors
    from inspira.billing.models import Invoice
    from inspira.core.money import format_sek
    from inspira.schoolyears.services import fee_rule_for
    from inspira.visits.models import Booking

    client.force_login(User.objects.get(email="ekonomi@inspira.example"))
    page = client.get(reverse("billing:overview")).content.decode()
    # The overview opens on this school year, and its visits have earned money.
    total = selectors.overview(fee_rule_for().school_year).total_ore
    assert total > 0
    assert format_sek(total) in page
    assert "Fridhemsskolan" in page
    invoice = Invoice.objects.filter(recipient_kind=Invoice.Recipient.CENTRAL).latest("sequence")
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    booking = Booking.objects.filter(status=Booking.Status.COMPLETED, feedback__isnull=False).first()
    client.force_login(User.objects.get(email="kontakt.fridhem@inspira.example"))
    page = client.get(reverse("visits:booking", args=[booking.pk])).content.decode()
    assert booking.feedback.takeaways[:40] in page


def test_demo_events_are_dated_from_today_in_stockholm(winter_demo):
    from zoneinfo import ZoneInfo

    stockholm = ZoneInfo("Europe/Stockholm")
    starts = {event.title: event.starts_at.astimezone(stockholm) for event in Event.objects.all()}
    site_day = starts["Inspirationsdag: så tar ni emot studiebesök"]
    assert site_day.date() == WINTER_DAY - datetime.timedelta(days=21)
    assert (site_day.hour, site_day.minute) == (13, 0)


def test_demo_events_keep_clear_of_weekends_and_the_municipalitys_breaks(winter_demo):
    from zoneinfo import ZoneInfo

    from inspira.schools.selectors import closed_days

    stockholm = ZoneInfo("Europe/Stockholm")
    # Three weeks after WINTER_DAY lies in jullov: the meetings planned then move to the first school day after.
    assert closed_days(None, WINTER_DAY + datetime.timedelta(days=21), WINTER_DAY + datetime.timedelta(days=21))
    for event in Event.objects.all():
        day = event.starts_at.astimezone(stockholm).date()
        assert day.weekday() < 5, event
        assert not closed_days(None, day, day), event
