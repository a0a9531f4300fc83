import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
from inspira.events.models import Event, Registration
from inspira.portal.management.commands import load_demo
from inspira.programmes.models import ProgrammeCoordinator
from inspira.schools.models import District, School
from inspira.schoolyears.models import FeeRule, SchoolYear
from inspira.schoolyears.services import fee_rule_for
from inspira.surveys.models import Invitation, Response, Survey

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
MUNICIPAL = "212000-0142"


def run_load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    from inspira.benchmarking.models import Claim, Interest, Round, Visit
    from inspira.billing.models import FeeEntry, Invoice
    from inspira.certification.models import Certification
    from inspira.core.models import OutboxItem
    from inspira.schools.models import ClosedPeriod
    from inspira.visits.models import Booking, Feedback, Occasion

    return {
        "closed periods": ClosedPeriod.objects.count(),
        "certifications": Certification.objects.count(),
        "occasions": Occasion.objects.count(),
        "bookings": Booking.objects.count(),
        "feedback": Feedback.objects.count(),
        "fee entries": FeeEntry.objects.count(),
        "invoices": Invoice.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "outbox": OutboxItem.objects.count(),
        "districts": District.objects.count(),
        "schools": School.objects.count(),
        "school forms": School.school_forms.through.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "school years": SchoolYear.objects.count(),
        "fee rules": FeeRule.objects.count(),
        "programme coordinators": ProgrammeCoordinator.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "surveys": Survey.objects.count(),
        "survey invitations": Invitation.objects.count(),
        "survey responses": Response.objects.count(),
        "benchmarking rounds": Round.objects.count(),
        "benchmarking interests": Interest.objects.count(),
        "benchmarking visits": Visit.objects.count(),
        "benchmarking claims": Claim.objects.count(),
    }


@pytest.fixture


def demo(db):
    return run_load_demo()


# A day when both school years have visits behind them: in July or August the current one has none yet.


WINTER_DAY = datetime.date(2026, 12, 8)


@pytest.fixture


def winter_demo(db):
    """The demo loaded, and looked at, on ``WINTER_DAY``."""
    from inspira.portal.demo import pinned_clock

    with pinned_clock(WINTER_DAY):
        run_load_demo()
        yield


@pytest.mark.parametrize(
    ("today", "start_year"),
    [(datetime.date(2027, 6, 30), 2026), (datetime.date(2027, 7, 1), 2027)],
)
def test_current_school_year_follows_the_date(db, monkeypatch, today, start_year):
    monkeypatch.setattr(load_demo.timezone, "localdate", lambda *args, **kwargs: today)
    output = run_load_demo()
    assert FeeRule.objects.get(school_year__start_year=start_year).visit_fee_ore == 200_000
    assert f"{start_year}/" in output
    # The second run finds the rule it made.
    assert "Created the fee rule" not in run_load_demo()
    assert FeeRule.objects.filter(school_year__start_year=start_year).count() == 1


def test_current_fee_rule_is_not_overwritten(db):
    run_load_demo()
    rule = fee_rule_for()
    rule.visit_fee_ore, rule.central_share_ore = 300_000, 200_000
    rule.save()
    run_load_demo()
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 300_000


def test_refuses_to_overwrite_other_data(db):
    ids = {obj["pk"] for obj in json.loads(FIXTURE.read_text(encoding="utf-8")) if obj["model"] == "schools.district"}
    District.objects.create(pk=min(ids), name="Någon annans stadsdel")
    with pytest.raises(CommandError, match="would overwrite"):
        run_load_demo()
    assert District.objects.get(pk=min(ids)).name == "Någon annans stadsdel"
    assert not School.objects.exists()


def test_refuses_to_clash_with_an_existing_email(db):
    User.objects.create_user("admin@inspira.example", "x", name="Someone Else")
    with pytest.raises(CommandError, match="already exists"):
        run_load_demo()
    assert User.objects.count() == 1


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


def test_load_demo_is_quick(db):
    import time

    started = time.monotonic()
    run_load_demo()
    assert time.monotonic() - started < 60


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
