from datetime import date

import pytest
from django.db import transaction

from inspira.billing import services
from inspira.billing.models import FeeEntry, Invoice, InvoiceNumberSeries, Payer
from inspira.schoolyears.services import FeeRuleMissing, fee_rule_update
from inspira.visits.models import Booking, BookingOutcomeChange
from tests.billing.conftest import at, complete, make_booking, undo
from tests.factories import FeeRuleFactory, SchoolYearFactory


def _by_payer(booking):
    return {e.payer: e for e in FeeEntry.objects.filter(booking=booking, reverses__isnull=True)}


def test_split_of_2010_11_is_1000_and_1000_of_a_2000_fee(booking, site_contact, school, other_school):
    complete(booking, by=site_contact)

    entries = _by_payer(booking)
    assert set(entries) == {Payer.VISITING_SCHOOL, Payer.CENTRAL}
    visiting, central = entries[Payer.VISITING_SCHOOL], entries[Payer.CENTRAL]
    assert visiting.amount_ore == 100_000 and central.amount_ore == 100_000
    assert visiting.amount_ore + central.amount_ore == 200_000 == visiting.rule_visit_fee_ore
    # The host earns both; the visiting school owes one, the central administration the other.
    assert visiting.host == central.host == school
    assert visiting.payer_school == other_school and central.payer_school is None
    assert visiting.school_year.start_year == 2010 and visiting.visit_date == date(2011, 3, 14)
    assert visiting.recorded_by == site_contact


def test_a_year_with_another_split_uses_its_own_rule(site, other_school, site_contact, rule_2010):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2011), visit_fee_ore=250_000, central_share_ore=150_000,
                   visiting_share_ore=100_000)
    later = make_booking(certification=site, school=other_school, day=date(2011, 9, 5))

    complete(later, by=site_contact, now=at(2011, 9, 6))

    entries = _by_payer(later)
    assert entries[Payer.CENTRAL].amount_ore == 150_000
    assert entries[Payer.VISITING_SCHOOL].amount_ore == 100_000
    assert entries[Payer.CENTRAL].school_year.start_year == 2011
    assert entries[Payer.CENTRAL].rule_visit_fee_ore == 250_000


def test_the_rule_of_the_visit_year_applies_not_of_the_completion_day(site, other_school, site_contact, rule_2010):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2011), visit_fee_ore=300_000, central_share_ore=200_000,
                   visiting_share_ore=100_000)
    booking = make_booking(certification=site, school=other_school, day=date(2011, 6, 20))

    complete(booking, by=site_contact, now=at(2011, 8, 20))  # marked after the school year ended

    assert sum(e.amount_ore for e in FeeEntry.objects.filter(booking=booking)) == 200_000


def test_past_entries_keep_their_amounts_when_the_rule_changes(booking, site_contact, administrator, rule_2010):
    complete(booking, by=site_contact)

    fee_rule_update(rule=rule_2010, actor=administrator, visit_fee_ore=300_000, central_share_ore=200_000,
                    visiting_share_ore=100_000)

    entries = _by_payer(booking)
    assert entries[Payer.CENTRAL].amount_ore == 100_000
    assert entries[Payer.CENTRAL].rule_visit_fee_ore == 200_000
    invoice = Invoice.objects.get(booking=booking)
    assert invoice.total_ore == 100_000


def test_missing_rule_fails_the_completion_and_saves_nothing(site, other_school, site_contact, db):
    booking = make_booking(certification=site, school=other_school, day=date(2011, 3, 14))

    with pytest.raises(FeeRuleMissing):
        complete(booking, by=site_contact)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not BookingOutcomeChange.objects.filter(booking=booking).exists()
    assert not FeeEntry.objects.exists()
    assert not Invoice.objects.exists()
    assert not InvoiceNumberSeries.objects.filter(last_number__gt=0).exists()


def test_undo_reverses_the_entries_and_keeps_them(booking, site_contact, administrator):
    complete(booking, by=site_contact)
    originals = set(FeeEntry.objects.values_list("pk", "amount_ore"))

    undo(booking, by=administrator)

    assert set(FeeEntry.objects.filter(reverses__isnull=True).values_list("pk", "amount_ore")) == originals
    reversals = FeeEntry.objects.filter(reverses__isnull=False)
    assert sorted(r.amount_ore for r in reversals) == [-100_000, -100_000]
    assert all(r.reverses.booking_id == booking.pk for r in reversals)
    assert sum(FeeEntry.objects.filter(booking=booking).values_list("amount_ore", flat=True)) == 0
    assert not FeeEntry.objects.filter(booking=booking).open().exists()


def test_completing_again_after_an_undo_records_the_fees_again(booking, site_contact, administrator):
    complete(booking, by=site_contact)
    undo(booking, by=administrator)
    complete(booking, by=site_contact, now=at(2011, 3, 22))

    assert sum(FeeEntry.objects.filter(booking=booking).values_list("amount_ore", flat=True)) == 200_000
    assert FeeEntry.objects.filter(booking=booking).open().count() == 2


def test_a_repeated_signal_records_nothing_twice(booking, site_contact):
    complete(booking, by=site_contact)
    services.fee_entries_record(booking=booking, actor=site_contact, at=at(2011, 3, 16))

    assert FeeEntry.objects.filter(booking=booking).count() == 2
    assert Invoice.objects.filter(booking=booking).count() == 1


def test_undo_of_a_visit_without_fees_does_nothing(booking, administrator):
    undo(booking, by=administrator)
    assert not FeeEntry.objects.exists()


def test_a_zero_share_makes_no_entry_and_no_invoice(site, other_school, site_contact, db):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2012), visit_fee_ore=200_000, central_share_ore=200_000,
                   visiting_share_ore=0)
    booking = make_booking(certification=site, school=other_school, day=date(2012, 9, 3))

    complete(booking, by=site_contact, now=at(2012, 9, 4))

    assert list(FeeEntry.objects.values_list("payer", "amount_ore")) == [(Payer.CENTRAL, 200_000)]
    assert not Invoice.objects.exists()


def test_entries_are_append_only(booking, site_contact):
    complete(booking, by=site_contact)
    entry = FeeEntry.objects.first()

    entry.amount_ore = 1
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        FeeEntry.objects.filter(pk=entry.pk).update(amount_ore=1)
    with pytest.raises(TypeError):
        FeeEntry.objects.all().delete()
    with pytest.raises(TypeError):
        entry.delete()


def test_the_database_refuses_a_reversal_with_the_wrong_sign(booking, site_contact):
    from django.db import IntegrityError

    complete(booking, by=site_contact)
    entry = FeeEntry.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeEntry.objects.create(
            booking=entry.booking, certification=entry.certification, host=entry.host, payer=entry.payer,
            payer_school=entry.payer_school, school_year=entry.school_year, visit_date=entry.visit_date,
            amount_ore=entry.amount_ore, rule_visit_fee_ore=entry.rule_visit_fee_ore,
            rule_central_share_ore=entry.rule_central_share_ore,
            rule_visiting_share_ore=entry.rule_visiting_share_ore, vat_rate_percent=0, reverses=entry,
        )
