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
    from inspira.schools.models import ClosedPeriod, RegisterChange, RegisterUnit
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
        # The register's units and their history (a second load writes only one more import to the log).
        "register units": RegisterUnit.objects.count(),
        "register changes": RegisterChange.objects.count(),
    }


@pytest.fixture
def fee_rules_only(monkeypatch):
    """The command's own part (the fixture, the fee rules, the logins) without the programmes' demos,
    for the tests of the fee rules: those demos take most of a load, and test_demo_contents.py loads
    them whole (twice, to see nothing changes)."""
    monkeypatch.setattr(load_demo.Command, "_load_app_demos", lambda self: None)


@pytest.mark.parametrize(
    ("today", "start_year"),
    [(datetime.date(2027, 6, 30), 2026), (datetime.date(2027, 7, 1), 2027)],
)
def test_current_school_year_follows_the_date(db, monkeypatch, fee_rules_only, today, start_year):
    monkeypatch.setattr(load_demo.timezone, "localdate", lambda *args, **kwargs: today)
    output = run_load_demo()
    assert FeeRule.objects.get(school_year__start_year=start_year).visit_fee_ore == 200_000
    assert f"{start_year}/" in output
    # The second run finds the rule it made.
    assert "Created the fee rule" not in run_load_demo()
    assert FeeRule.objects.filter(school_year__start_year=start_year).count() == 1


def test_current_fee_rule_is_not_overwritten(db, fee_rules_only):
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

