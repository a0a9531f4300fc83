from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django_q.models import Schedule

from inspira.billing import services, tasks
from inspira.billing.models import FeeEntry, Invoice, InvoiceLine, Payer
from inspira.core.models import AuditEvent
from tests.billing.conftest import (
    at,
    complete,
    complete_under_vat_then_deregister,
    make_booking,
    make_certification,
    undo,
)
from tests.factories import SchoolFactory


def test_completion_issues_an_invoice_from_the_host_to_the_visiting_school(booking, site_contact, school,
                                                                           other_school):
    complete(booking, by=site_contact, now=at(2011, 3, 15))

    invoice = Invoice.objects.get()
    assert invoice.kind == Invoice.Kind.INVOICE and invoice.recipient_kind == Invoice.Recipient.VISITING_SCHOOL
    assert invoice.issuer == school and invoice.recipient_school == other_school and invoice.booking == booking
    assert invoice.number == f"{school.unit_code}-0001"
    assert invoice.issue_date == date(2011, 3, 15)
    assert invoice.due_date == date(2011, 4, 14)  # 30 days
    assert (invoice.net_ore, invoice.vat_ore, invoice.total_ore) == (100_000, 0, 100_000)
    assert invoice.buyer_reference == other_school.invoice_reference
    assert invoice.issuer_details["organisation_number"] == school.organisation_number
    assert invoice.recipient_details["organisation_number"] == other_school.organisation_number
    assert invoice.recipient_details["email"] == other_school.billing_email
    assert invoice.bankgiro == "5050-1055"
    line = invoice.lines.get()
    assert line.unit_price_ore == 100_000 and line.visit_date == date(2011, 3, 14)
    assert line.fee_entry.payer == Payer.VISITING_SCHOOL
    assert AuditEvent.objects.filter(action="invoice.issue", object_id=str(invoice.pk)).exists()


def test_the_due_date_follows_the_setting(booking, site_contact, settings):
    settings.INVOICE_DUE_DAYS = 10
    complete(booking, by=site_contact, now=at(2011, 3, 15))
    assert Invoice.objects.get().due_date == date(2011, 3, 25)


def test_the_invoice_and_its_jobs_are_recorded_in_the_completion_transaction(booking, site_contact):
    from inspira.core.models import OutboxItem

    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    assert set(OutboxItem.objects.values_list("key", flat=True)) == {f"invoice-pdf:{invoice.pk}",
                                                                     f"einvoice:{invoice.pk}"}


def test_numbers_run_per_issuing_school_without_gaps(site, school, rule_2010, site_contact):
    other_host = SchoolFactory()
    other_site = make_certification(school=other_host)
    for i in range(3):
        complete(make_booking(certification=site, day=date(2011, 3, 14 + i)), by=site_contact)
    complete(make_booking(certification=other_site), by=site_contact)

    assert list(Invoice.objects.filter(issuer=school).order_by("sequence").values_list("sequence", flat=True)) == [
        1, 2, 3]
    assert Invoice.objects.get(issuer=other_host).number == f"{other_host.unit_code}-0001"


def test_a_failed_completion_gives_its_number_back(site, school, site_contact, rule_2010, monkeypatch):
    complete(make_booking(certification=site), by=site_contact)

    def broken(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        complete(make_booking(certification=site, day=date(2011, 3, 15)), by=site_contact)
    monkeypatch.undo()
    complete(make_booking(certification=site, day=date(2011, 3, 16)), by=site_contact)

    assert list(Invoice.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]


def test_an_issued_invoice_never_changes(booking, site_contact, finance):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()

    invoice.total_ore = 1
    with pytest.raises(TypeError):
        invoice.save()
    with pytest.raises(TypeError):
        invoice.save(update_fields=["total_ore"])
    with pytest.raises(TypeError):
        Invoice.objects.filter(pk=invoice.pk).update(recipient_name="Someone else")
    with pytest.raises(TypeError):
        Invoice.objects.all().delete()
    with pytest.raises(TypeError):
        invoice.lines.first().save()
    with pytest.raises(TypeError):
        InvoiceLine.objects.update(unit_price_ore=1)
    # Its state is another matter.
    invoice.refresh_from_db()
    services.invoice_mark_paid(invoice=invoice, actor=finance, paid_on=date(2011, 3, 30), now=at(2011, 4, 1))
    invoice.refresh_from_db()
    assert invoice.paid_on == date(2011, 3, 30) and invoice.total_ore == 100_000


def test_undo_after_invoicing_issues_a_credit_note_that_refers_to_the_invoice(booking, site_contact, administrator):
    complete(booking, by=site_contact, now=at(2011, 3, 15))
    original = Invoice.objects.get()

    undo(booking, by=administrator, now=at(2011, 3, 20))

    credit = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit.credits == original
    assert credit.issuer == original.issuer and credit.recipient_school == original.recipient_school
    assert credit.sequence == 2 and credit.number.endswith("-0002")
    assert credit.total_ore == 100_000 and credit.due_date is None
    assert credit.issue_date == date(2011, 3, 20)
    line = credit.lines.get()
    assert line.fee_entry.is_reversal and line.fee_entry.reverses == original.lines.get().fee_entry
    original.refresh_from_db()
    assert original.total_ore == 100_000  # the original is unchanged
    assert list(original.credit_notes.all()) == [credit]


def test_central_shares_are_invoiced_once_a_month_per_host_listing_each_visit(site, school, site_contact, rule_2010):
    visitors = [SchoolFactory(name=f"Besöksskola {i}") for i in range(3)]
    for i, visitor in enumerate(visitors):
        complete(make_booking(certification=site, school=visitor, day=date(2011, 3, 7 + i)), by=site_contact,
                 now=at(2011, 3, 18))
    april = make_booking(certification=site, day=date(2011, 4, 4))
    complete(april, by=site_contact, now=at(2011, 4, 5))
    other_host = SchoolFactory()
    complete(make_booking(certification=make_certification(school=other_host), day=date(2011, 3, 21)),
             by=site_contact, now=at(2011, 3, 22))

    issued = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1, 2)).issued

    assert len(issued) == 2
    invoice = Invoice.objects.get(issuer=school, recipient_kind=Invoice.Recipient.CENTRAL)
    assert invoice.recipient_school is None
    assert (invoice.period_start, invoice.period_end) == (date(2011, 3, 1), date(2011, 3, 31))
    assert invoice.issue_date == date(2011, 4, 1)
    assert invoice.total_ore == 300_000
    lines = list(invoice.lines.order_by("position"))
    assert [line.visit_date for line in lines] == [date(2011, 3, 7), date(2011, 3, 8), date(2011, 3, 9)]
    assert all(visitor.name in line.description for visitor, line in zip(visitors, lines, strict=True))
    assert invoice.recipient_details["organisation_number"] == "212000-0142"
    assert invoice.buyer_reference == "Inspirationsplatser"
    # The April visit waits for April's run.
    assert not FeeEntry.objects.filter(booking=april, payer=Payer.CENTRAL, invoice_line__isnull=False).exists()


def test_running_a_month_twice_makes_no_second_invoice(booking, site_contact, school):
    complete(booking, by=site_contact)
    first = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued
    # A visit of March marked completed after the run waits for the next month: no second March invoice.
    complete(make_booking(certification=booking.occasion.certification, day=date(2011, 3, 30)), by=site_contact,
             now=at(2011, 4, 2))
    second = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 3)).issued

    assert len(first) == 1 and second == []
    assert Invoice.objects.filter(recipient_kind=Invoice.Recipient.CENTRAL).count() == 1
    april = services.central_invoices_issue(year=2011, month=4, now=at(2011, 5, 1)).issued
    assert [line.visit_date for line in april[0].lines.all()] == [date(2011, 3, 30)]


def test_the_database_refuses_a_second_central_invoice_for_a_month(booking, site_contact):
    complete(booking, by=site_contact)
    invoice = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued[0]
    values = {f.attname: getattr(invoice, f.attname) for f in Invoice._meta.concrete_fields if not f.primary_key}
    values.update(sequence=99, number="x-99")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(**values)


def test_a_month_that_has_not_ended_cannot_be_invoiced(db):
    with pytest.raises(services.BillingActionError):
        services.central_invoices_issue(year=2011, month=3, now=at(2011, 3, 31, 12))


def test_a_completion_undone_before_the_monthly_run_is_left_out(site, site_contact, administrator, rule_2010):
    kept = make_booking(certification=site, day=date(2011, 3, 7))
    dropped = make_booking(certification=site, day=date(2011, 3, 8))
    complete(kept, by=site_contact)
    complete(dropped, by=site_contact)
    undo(dropped, by=administrator, now=at(2011, 3, 25))

    invoice = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued[0]

    assert [line.fee_entry.booking_id for line in invoice.lines.all()] == [kept.pk]
    # The visiting school's invoice of the undone visit was credited; the central share needed no credit.
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE, recipient_kind="central").count() == 0
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE, booking=dropped).count() == 1


def test_undo_after_the_monthly_invoice_credits_the_central_share(site, site_contact, administrator, rule_2010):
    bookings = [make_booking(certification=site, day=date(2011, 3, 7 + i)) for i in range(2)]
    for b in bookings:
        complete(b, by=site_contact)
    monthly = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued[0]

    undo(bookings[0], by=administrator, now=at(2011, 4, 10))

    credits = Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE)
    central = credits.get(recipient_kind=Invoice.Recipient.CENTRAL)
    assert central.credits == monthly and central.total_ore == 100_000
    assert central.lines.get().visit_date == date(2011, 3, 7)
    assert credits.get(recipient_kind=Invoice.Recipient.VISITING_SCHOOL).credits.booking == bookings[0]


def test_the_monthly_job_invoices_the_previous_month(booking, site_contact, monkeypatch):
    from django.utils import timezone

    complete(booking, by=site_contact)
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2011, 4, 1))
    monkeypatch.setattr(services.timezone, "now", lambda: at(2011, 4, 1, 2))

    assert tasks.central_invoices_previous_month() == 1
    assert tasks.central_invoices_previous_month() == 0
    assert Invoice.objects.get(recipient_kind="central").period_start == date(2011, 3, 1)


def test_the_monthly_job_is_scheduled(db):
    schedule = Schedule.objects.get(name="billing-central-invoices-monthly")
    assert schedule.func == "inspira.billing.tasks.central_invoices_previous_month"
    assert schedule.schedule_type == Schedule.MONTHLY
    assert schedule.next_run.day == 1


def test_marking_paid_is_for_finance_and_is_audited(booking, site_contact, finance, administrator):
    from django.core.exceptions import PermissionDenied

    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    with pytest.raises(PermissionDenied):
        services.invoice_mark_paid(invoice=invoice, actor=administrator, paid_on=date(2011, 3, 30))
    services.invoice_mark_paid(invoice=invoice, actor=finance, paid_on=date(2011, 3, 30), now=at(2011, 4, 1))
    with pytest.raises(services.BillingActionError):
        services.invoice_mark_paid(invoice=invoice, actor=finance, paid_on=date(2011, 3, 30), now=at(2011, 4, 1))

    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.PAID and invoice.paid_marked_by == finance
    assert AuditEvent.objects.get(action="invoice.mark_paid").actor == finance


@pytest.mark.parametrize("paid_on", [date(2011, 3, 1), date(2011, 4, 2)])
def test_a_payment_date_before_the_invoice_or_in_the_future_is_refused(booking, site_contact, finance, paid_on):
    complete(booking, by=site_contact, now=at(2011, 3, 15))
    with pytest.raises(services.BillingActionError):
        services.invoice_mark_paid(invoice=Invoice.objects.get(), actor=finance, paid_on=paid_on, now=at(2011, 4, 1))


def test_a_credit_note_cannot_be_marked_paid(booking, site_contact, administrator, finance):
    complete(booking, by=site_contact)
    undo(booking, by=administrator)
    with pytest.raises(services.BillingActionError):
        services.invoice_mark_paid(invoice=Invoice.objects.get(kind="credit_note"), actor=finance,
                                   paid_on=date(2011, 3, 21), now=at(2011, 3, 22))


def test_invoice_state_goes_from_preparing_to_sent_to_paid(booking, site_contact, finance):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    assert invoice.state == Invoice.State.PREPARING
    Invoice.objects.filter(pk=invoice.pk).update(sent_at=at(2011, 3, 15, 11))
    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.SENT
    assert invoice.is_overdue(today=invoice.due_date + timedelta(days=1))
    services.invoice_mark_paid(invoice=invoice, actor=finance, paid_on=date(2011, 3, 30), now=at(2011, 4, 1))
    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.PAID
    assert not invoice.is_overdue(today=invoice.due_date + timedelta(days=1))


def test_a_school_whose_details_cannot_make_an_invoice_fails_the_completion(site, site_contact, rule_2010):
    from inspira.schoolyears.services import FeeRuleMissing

    visitor = SchoolFactory(street_address=" ")
    booking = make_booking(certification=site, school=visitor)
    with pytest.raises(FeeRuleMissing):  # BillingNotPossible: the completion shows its message
        complete(booking, by=site_contact)
    assert not FeeEntry.objects.exists() and not Invoice.objects.exists()


@pytest.mark.parametrize(("moment", "issued"), [
    # Just after midnight in Stockholm, still the day before in UTC, on the DST weekends.
    (at(2011, 3, 27, 0).replace(minute=30), date(2011, 3, 27)),
    (at(2011, 10, 30, 0).replace(minute=30), date(2011, 10, 30)),
    (at(2011, 10, 30, 2).replace(minute=30, fold=1), date(2011, 10, 30)),
])
def test_the_invoice_date_is_the_day_in_stockholm_across_dst(site, site_contact, rule_2010, moment, issued):
    from tests.factories import FeeRuleFactory, SchoolYearFactory

    if moment.month == 10:
        FeeRuleFactory(school_year=SchoolYearFactory(start_year=2011))
    complete(make_booking(certification=site, day=issued), by=site_contact, now=moment)

    invoice = Invoice.objects.get()
    assert invoice.issue_date == issued
    assert invoice.due_date == issued + timedelta(days=30)


def test_the_monthly_run_just_after_midnight_on_the_first_is_allowed(booking, site_contact):
    complete(booking, by=site_contact)
    just_after_midnight = at(2011, 4, 1, 0).replace(minute=5)  # 31 March in UTC

    [invoice] = services.central_invoices_issue(year=2011, month=3, now=just_after_midnight).issued

    assert invoice.issue_date == date(2011, 4, 1)


def test_a_host_whose_lines_mix_vat_categories_is_refused_with_the_cause_and_others_are_invoiced(
        site, school, site_contact, rule_2010, finance):
    complete_under_vat_then_deregister(certification=site, by=site_contact,
                                       days=[date(2011, 3, 7), date(2011, 3, 8)], now=at(2011, 3, 18))
    other_host = SchoolFactory()
    complete(make_booking(certification=make_certification(school=other_host), day=date(2011, 3, 9)),
             by=site_contact, now=at(2011, 3, 18))

    run = services.central_invoices_issue(year=2011, month=3, actor=finance, now=at(2011, 4, 1, 2))

    assert [invoice.issuer for invoice in run.issued] == [other_host]
    [refusal] = run.refused
    assert refusal.host == school
    assert "2011-03-07" in refusal.reason and "25 %" in refusal.reason
    assert "inte är momsregistrerade" in refusal.reason  # the cause, in the default language
    assert "2011-03-08" not in refusal.reason  # the visit without VAT is not the problem
    # Nothing of the refused host was written, and its shares wait for a run after the correction.
    assert not Invoice.objects.filter(issuer=school, recipient_kind="central").exists()
    assert FeeEntry.objects.filter(host=school, payer=Payer.CENTRAL).uninvoiced().count() == 2
    assert AuditEvent.objects.get(action="invoice.central_run").data["refused"] == [school.pk]

    from inspira.billing.models import BillingSettings

    BillingSettings.objects.filter(pk=1).update(issuers_vat_registered=True)
    again = services.central_invoices_issue(year=2011, month=3, actor=finance, now=at(2011, 4, 2))
    assert [invoice.issuer for invoice in again.issued] == [school] and again.refused == []
    assert again.issued[0].vat_ore == 25_000  # 25 % of the one central share of 1 000 kr completed with VAT


def test_the_monthly_job_invoices_the_other_hosts_and_emails_finance_the_refusal(
        site, school, site_contact, rule_2010, finance, monkeypatch):
    from django.utils import timezone

    from inspira.core.models import OutboxItem
    from tests.factories import UserFactory

    UserFactory(email="ekonomi.tva@example.se", role="finance")
    UserFactory(email="ekonomi.slutat@example.se", role="finance", is_active=False)
    complete_under_vat_then_deregister(certification=site, by=site_contact,
                                       days=[date(2011, 3, 7), date(2011, 3, 8)], now=at(2011, 3, 18))
    other_host = SchoolFactory()
    complete(make_booking(certification=make_certification(school=other_host), day=date(2011, 3, 9)),
             by=site_contact, now=at(2011, 3, 18))
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2011, 4, 1))
    monkeypatch.setattr(services.timezone, "now", lambda: at(2011, 4, 1, 2))

    assert tasks.central_invoices_previous_month() == 1
    assert tasks.central_invoices_previous_month() == 0

    assert Invoice.objects.get(recipient_kind="central").issuer == other_host
    [email] = OutboxItem.objects.filter(kind="email", key="central-run-refused:2011-03")
    assert email.payload["to"] == ["ekonomi.tva@example.se", "ekonomi@example.se"]
    assert school.name in email.payload["text"] and "moms" in email.payload["text"]
    assert "/fakturor/centrala/" in email.payload["text"]


def test_a_completion_under_a_rule_with_vat_by_an_unregistered_issuer_fails_with_the_cause(
        site, site_contact, rule_2010):
    from inspira.billing.models import BillingSettings
    from inspira.schoolyears.services import FeeRuleMissing

    type(rule_2010).objects.filter(pk=rule_2010.pk).update(vat_rate_percent=25)
    BillingSettings.load()
    BillingSettings.objects.filter(pk=1).update(issuers_vat_registered=False)

    with pytest.raises(FeeRuleMissing, match="inte är momsregistrerade"):  # shown by the completion
        complete(make_booking(certification=site, day=date(2011, 3, 14)), by=site_contact)
    assert not FeeEntry.objects.exists() and not Invoice.objects.exists()


def test_an_unexpected_fault_in_one_hosts_invoice_stops_no_other_host(
        site, school, site_contact, rule_2010, finance, monkeypatch, caplog):
    complete(make_booking(certification=site, day=date(2011, 3, 7)), by=site_contact, now=at(2011, 3, 18))
    other_host = SchoolFactory()
    complete(make_booking(certification=make_certification(school=other_host), day=date(2011, 3, 9)),
             by=site_contact, now=at(2011, 3, 18))
    real = services._central_invoice_issue

    def broken_for_the_site(host_id, **kwargs):
        if host_id == school.pk:
            raise ZeroDivisionError("a bug")
        return real(host_id, **kwargs)

    monkeypatch.setattr(services, "_central_invoice_issue", broken_for_the_site)
    run = services.central_invoices_issue(year=2011, month=3, actor=finance, now=at(2011, 4, 1, 2))

    assert [invoice.issuer for invoice in run.issued] == [other_host]
    assert [refusal.host for refusal in run.refused] == [school]
    assert "ZeroDivisionError" in caplog.text  # logged in full for the developers
    assert FeeEntry.objects.filter(host=school, payer=Payer.CENTRAL).uninvoiced().count() == 1
