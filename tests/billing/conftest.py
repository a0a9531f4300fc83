"""Sites, visits and their completion for the billing tests.

The visits app's completion service sends ``booking_completed`` inside its transaction; these tests
do the same by hand (``complete`` / ``undo``), so billing is tested on its own contract.
"""

import io
import re
from datetime import date, time

import pytest
from django.db import transaction

from inspira.accounts.models import Membership
from inspira.billing.models import Invoice
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from inspira.visits.models import Booking, BookingOutcomeChange
from inspira.visits.signals import booking_completed, booking_completion_undone
from tests.factories import (
    BookingFactory,
    CertificationFactory,
    FeeRuleFactory,
    SchoolFactory,
    SchoolYearFactory,
    member,
)
from tests.support import at


def make_certification(*, school, starts_on=date(2010, 8, 1), ends_on=date(2012, 7, 31), team_name=""):
    """A certified site, built directly (the casework is tested elsewhere)."""
    return CertificationFactory(school=school, starts_on=starts_on, ends_on=ends_on, team_name=team_name)


def make_booking(*, certification, school=None, day=date(2011, 3, 14), participants=4,
                 status=Booking.Status.CONFIRMED) -> Booking:
    return BookingFactory(
        occasion__certification=certification, occasion__date=day, occasion__start_time=time(8, 30),
        occasion__place="Aulan", occasion__capacity=30, school=school or SchoolFactory(), participants=participants,
        contact_name="Kim Kontakt", contact_email="kim@example.se", status=status, confirmed_at=at(2011, 2, 1),
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
def rule_2010(db):
    """School year 2010/11: 2 000 kr, of which the central administration 1 000 and the visitor 1 000."""
    return FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))


@pytest.fixture
def site(school):
    return make_certification(school=school)


@pytest.fixture
def host_user(site_contact):
    return site_contact


@pytest.fixture
def booking(site, other_school, rule_2010):
    return make_booking(certification=site, school=other_school)


@pytest.fixture
def other_principal(other_school):
    return member(other_school, Membership.Role.PRINCIPAL, email="rektor.annan@example.se", name="Rolf Rektor")


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
