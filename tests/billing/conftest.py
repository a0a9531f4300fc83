"""Sites, visits and their completion for the billing tests.

The visits app's completion service sends ``booking_completed`` inside its transaction; these tests
do the same by hand (``complete`` / ``undo``), so billing is tested on its own contract.
"""

import io
import itertools
import re
import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation

from inspira.accounts.models import Membership, User
from inspira.billing.models import Invoice
from inspira.certification.models import Application, Certification, Decision
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from inspira.visits.models import Booking, BookingOutcomeChange, Occasion
from inspira.visits.signals import booking_completed, booking_completion_undone
from tests.factories import FeeRuleFactory, MembershipFactory, SchoolFactory, SchoolYearFactory, UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_numbers = itertools.count(1)


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=STOCKHOLM)


def make_certification(*, school, starts_on=date(2010, 8, 1), ends_on=date(2012, 7, 31), team_name=""):
    """A certified site, built directly (the casework is tested elsewhere)."""
    n = next(_numbers)
    director, _created = User.objects.get_or_create(
        email="direktor.billing@example.se", defaults={"name": "Dan Direktör", "role": User.Role.DIRECTOR})
    application = Application.objects.create(
        school=school, applicant=UserFactory(), team_name=team_name, status=Application.Status.APPROVED,
        area_title="Outdoor mathematics", commits_to_five_visits=True,
    )
    decision = Decision.objects.create(
        application=application, reference=f"INSP-B-{n:04d}", outcome=Decision.Outcome.APPROVE,
        start_date=starts_on, decided_by=director, decided_by_name=director.name,
    )
    return Certification.objects.create(school=school, team_name=team_name, application=application,
                                        decision=decision, starts_on=starts_on, ends_on=ends_on)


def make_booking(*, certification, school=None, day=date(2011, 3, 14), participants=4,
                 status=Booking.Status.CONFIRMED) -> Booking:
    occasion = Occasion.objects.create(
        certification=certification, date=day, slot=Occasion.Slot.MORNING, start_time=time(8, 30),
        end_time=time(12, 0), place="Aulan", capacity=30,
    )
    return Booking.objects.create(
        occasion=occasion, school=school or SchoolFactory(), booked_by=UserFactory(), participants=participants,
        contact_name="Kim Kontakt", contact_email="kim@example.se", status=status, idempotency_key=uuid.uuid4(),
        confirmed_at=at(2011, 2, 1),
    )


def complete(booking: Booking, *, by, now=None) -> Booking:
    """What the visits app's completion service does: the status, the trail row and the signal, in one
    transaction."""
    now = now or at(2011, 3, 15)
    with transaction.atomic():
        booking.status = Booking.Status.COMPLETED
        booking.outcome_marked_at = now
        booking.outcome_marked_by = by
        booking.save(update_fields=["status", "outcome_marked_at", "outcome_marked_by"])
        BookingOutcomeChange.objects.create(booking=booking, action=BookingOutcomeChange.Action.COMPLETED, at=now,
                                            by=by)
        booking_completed.send(sender=Booking, booking=booking, by=by, at=now)
    return booking


def undo(booking: Booking, *, by, now=None, reason="Marked by mistake") -> Booking:
    now = now or at(2011, 3, 20)
    with transaction.atomic():
        booking.status = Booking.Status.CONFIRMED
        booking.outcome_marked_at = None
        booking.outcome_marked_by = None
        booking.save(update_fields=["status", "outcome_marked_at", "outcome_marked_by"])
        BookingOutcomeChange.objects.create(booking=booking, action=BookingOutcomeChange.Action.UNDONE, at=now,
                                            by=by, reason=reason)
        booking_completion_undone.send(sender=Booking, booking=booking, by=by, at=now)
    return booking


def pdf_item(invoice: Invoice) -> OutboxItem:
    return OutboxItem.objects.get(key=f"invoice-pdf:{invoice.pk}")


def run_pdf_job(invoice: Invoice) -> bool:
    return outbox_process(pdf_item(invoice).pk)


def pdf_text(content: bytes) -> str:
    """The PDF's text, with non-breaking spaces as plain spaces."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\u00a0\u202f]", " ", text)


@pytest.fixture
def en(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def rule_2010(db):
    """School year 2010/11: 2 000 kr, of which the central administration 1 000 and the visitor 1 000."""
    return FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))


@pytest.fixture
def site(school):
    return make_certification(school=school)


@pytest.fixture
def site_contact(school):
    return MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT,
                             user=UserFactory(email="platsansvarig@example.se", name="Sara Site")).user


@pytest.fixture
def host_user(site_contact):
    return site_contact


@pytest.fixture
def booking(site, other_school, rule_2010):
    return make_booking(certification=site, school=other_school)


@pytest.fixture
def other_principal(other_school):
    return MembershipFactory(school=other_school, role=Membership.Role.PRINCIPAL,
                             user=UserFactory(email="rektor.annan@example.se", name="Rolf Rektor")).user


# --- Objects the permission table (tests/permission_table.py) names ---------------------------------------


def world_invoice(world) -> Invoice:
    """An invoice issued by ``world.school`` (the host) to ``world.other_school`` (the visitor), today."""
    from django.utils import timezone

    from tests.permission_fixtures import SITE_CONTACT

    def make():
        from inspira.schoolyears.models import FeeRule

        if not FeeRule.objects.filter(school_year__start_year=2010).exists():
            FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
        site = make_certification(school=world.school)
        booking = make_booking(certification=site, school=world.other_school)
        complete(booking, by=world.users[SITE_CONTACT], now=timezone.now())
        return Invoice.objects.get(booking=booking)

    return world.once("billing_invoice", make)


def world_support_payment(world):
    """An establishment support payment, not paid yet."""
    from inspira.certification.models import EstablishmentSupportPayment

    def make():
        site = make_certification(school=world.school, team_name="Arbetslag Björk")
        return EstablishmentSupportPayment.objects.create(
            certification=site, school_year=SchoolYearFactory(start_year=2010), amount_ore=1_000_000,
            due_on=date(2010, 9, 1))

    return world.once("billing_support_payment", make)


def complete_under_vat_then_deregister(*, certification, by, days, now, rate=25):
    """A host whose central shares mix VAT categories: the first of ``days`` completed while the fee rule
    charged ``rate`` % VAT, the others after it went back to none; then finance records that the issuing
    schools are not registered for VAT. Under that setting the lines without VAT are "not subject to VAT"
    (category O), which Peppol BIS 3 forbids beside any other category, and VAT cannot be charged at all
    without the seller's VAT number."""
    from inspira.billing.models import BillingSettings
    from inspira.schoolyears.models import FeeRule, school_year_start

    rule = FeeRule.objects.get(school_year__start_year=school_year_start(days[0]))
    for position, day in enumerate(days):
        FeeRule.objects.filter(pk=rule.pk).update(vat_rate_percent=rate if position == 0 else 0)
        complete(make_booking(certification=certification, day=day), by=by, now=now)
    FeeRule.objects.filter(pk=rule.pk).update(vat_rate_percent=rule.vat_rate_percent)
    BillingSettings.load()
    BillingSettings.objects.filter(pk=1).update(issuers_vat_registered=False)
