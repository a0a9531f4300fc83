"""Every change to the money: fee entries at completion and undo, invoices and credit notes, the
monthly run of the central administration's invoices, payments.

Locking. Everything that touches one host school's money (recording or reversing a visit's fees,
issuing any of its invoices, the monthly run) first locks the host's ``InvoiceNumberSeries`` row,
so those changes run one at a time per host: invoice numbers are allocated from the locked row in
the same transaction as the invoice (unique, gapless), and a completion undone while the monthly run
invoices its visit cannot slip between "not invoiced yet" and "invoiced". On SQLite, where
``select_for_update`` does nothing, the IMMEDIATE transactions (settings) serialise the writers.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from stdnum.se import orgnr

from inspira.billing.documents import build_document
from inspira.billing.models import (
    BillingSettings,
    FeeEntry,
    Invoice,
    InvoiceLine,
    InvoiceNumberSeries,
    Payer,
    invoice_number,
)
from inspira.certification.models import EstablishmentSupportPayment
from inspira.core.audit import audit_record
from inspira.core.money import format_sek
from inspira.core.outbox import outbox_enqueue
from inspira.einvoice.model import EInvoiceError
from inspira.schools.models import School
from inspira.schoolyears.services import FeeRuleMissing, fee_rule_for
from inspira.visits.models import Booking

logger = logging.getLogger(__name__)

# Outbox kinds (handlers in tasks.py).
INVOICE_PDF = "invoice_pdf"
EINVOICE_DELIVERY = "einvoice_delivery"


class BillingNotPossible(FeeRuleMissing):
    """A completed visit cannot be billed (e.g. a party's details cannot make a valid invoice).

    A subclass of ``FeeRuleMissing`` on purpose: the visits app's completion service fails the
    completion, saving nothing, and shows the message of a ``FeeRuleMissing``; any other reason the
    money of a visit cannot be recorded must fail it the same way. The message is translated."""


class BillingActionError(Exception):
    """A person's billing action is refused (e.g. marking an invoice paid twice). Translated."""


def due_days() -> int:
    return int(getattr(settings, "INVOICE_DUE_DAYS", 30))


def _lock_series(school) -> InvoiceNumberSeries:
    """Lock (creating if needed) the host's number series: see the module's note on locking."""
    InvoiceNumberSeries.objects.bulk_create([InvoiceNumberSeries(school=school)], ignore_conflicts=True)
    return InvoiceNumberSeries.objects.select_for_update().get(school=school)


def _vat_number(organisation_number: str) -> str:
    # A Swedish VAT number is SE, the organisation number's ten digits and 01.
    return f"SE{orgnr.compact(organisation_number)}01"


def _school_details(school, *, issuer: bool, billing: BillingSettings) -> dict:
    """A school as a party to an invoice, as it is now (copied onto the invoice)."""
    details = {
        "name": school.name,
        "organisation_number": school.organisation_number,
        "unit_code": school.unit_code,
        "street": school.street_address,
        "postal_code": school.postal_code,
        "city": school.city,
        "invoice_address": school.invoice_address,
        "reference": school.invoice_reference,
        "email": school.billing_email,
    }
    if issuer and billing.issuers_vat_registered:
        details["vat_number"] = _vat_number(school.organisation_number)
    return details


def _central_details(billing: BillingSettings) -> dict:
    return {
        "name": billing.central_name,
        "legal_name": billing.central_legal_name,
        "organisation_number": billing.central_organisation_number,
        "street": billing.central_street_address,
        "postal_code": billing.central_postal_code,
        "city": billing.central_city,
        "invoice_address": billing.central_invoice_address,
        "reference": billing.central_invoice_reference,
        "email": billing.central_email,
    }


def _date(day: datetime.date) -> str:
    return day.isoformat()


@dataclass
class _Line:
    entry: FeeEntry
    description: str
    unit_price_ore: int


def _check_vat_registration(issuer, issuer_details: dict, lines: list[_Line]) -> None:
    """Refuse, naming the cause, lines that carry VAT on an invoice from a seller without a VAT number.

    The fee entries keep the VAT rate of the rule they were completed under, while the issuer's VAT
    registration is read from the billing settings when the invoice is made. If finance set the
    issuers as not registered after visits were completed under a rule with VAT, Peppol BIS 3 allows
    no invoice of those lines at all (BR-S-02: VAT charged needs the seller's VAT number), nor one that
    puts them beside fees without VAT, which are then "not subject to VAT" (BR-O-11: category O stands
    alone). Splitting the invoice by category would not help, so the run says what to correct.
    """
    if issuer_details.get("vat_number"):
        return
    taxed = [line for line in lines if line.entry.vat_rate_percent]
    if not taxed:
        return
    rates = ", ".join(f"{rate} %" for rate in sorted({line.entry.vat_rate_percent for line in taxed}))
    dates = ", ".join(_date(day) for day in sorted({line.entry.visit_date for line in taxed}))
    raise BillingNotPossible(
        _("The invoice from %(school)s cannot be made: the visits of %(dates)s were completed under a "
          "fee rule with VAT (%(rates)s), but the billing settings say that the issuing schools are not registered "
          "for VAT. Without a VAT number an invoice cannot charge VAT, and fees outside the scope of VAT cannot be "
          "invoiced together with fees that carry VAT. If the organisation is registered for VAT, tick that in the "
          "billing settings and try again. If it is not, the VAT rate of the school year's fee rule is wrong: "
          "correct it, and have the administration undo and mark again the completion of those visits.")
        % {"school": issuer.name, "dates": dates, "rates": rates}
    )


def _issue(*, kind: str, recipient_kind: str, issuer, recipient_school, issuer_details: dict,
           recipient_details: dict, lines: list[_Line], period_start: datetime.date, period_end: datetime.date,
           actor, at: datetime.datetime, booking: Booking | None = None, credits: Invoice | None = None,
           note: str = "") -> Invoice:
    """Issue an invoice or a credit note with the issuer's next number. The caller holds the issuer's
    series lock inside its transaction."""
    series = _lock_series(issuer)
    billing = BillingSettings.load()
    sequence = series.last_number + 1
    number = invoice_number(issuer, sequence)
    issue_date = timezone.localdate(at)
    credit = kind == Invoice.Kind.CREDIT_NOTE
    due_date = None if credit else issue_date + datetime.timedelta(days=due_days())
    with translation.override("sv"):
        if credit:
            terms = _("Credits invoice %(number)s of %(date)s. Nothing to pay.") % {
                "number": credits.number, "date": _date(credits.issue_date)}
        else:
            terms = _("Pay by %(date)s to bankgiro %(bankgiro)s, quoting the invoice number %(number)s.") % {
                "date": _date(due_date), "bankgiro": billing.bankgiro, "number": number}
    invoice = Invoice(
        kind=kind, recipient_kind=recipient_kind, issuer=issuer, recipient_school=recipient_school,
        booking=booking, credits=credits, sequence=sequence, number=number, issue_date=issue_date,
        due_date=due_date, period_start=period_start, period_end=period_end, issuer_details=issuer_details,
        recipient_details=recipient_details, recipient_name=recipient_details["name"],
        buyer_reference=recipient_details["reference"], bankgiro="" if credit else billing.bankgiro,
        payment_terms=terms, note=note, created_at=at, created_by=actor,
    )
    _check_vat_registration(issuer, issuer_details, lines)
    rows = [
        InvoiceLine(
            invoice=invoice, position=position, fee_entry=line.entry, description=line.description[:300],
            visit_date=line.entry.visit_date, quantity=1, unit_price_ore=line.unit_price_ore,
            vat_rate_percent=line.entry.vat_rate_percent, vat_exemption_text=line.entry.vat_exemption_text,
        )
        for position, line in enumerate(lines, start=1)
    ]
    try:
        document = build_document(invoice, rows)
    except EInvoiceError as exc:
        raise BillingNotPossible(
            _("The invoice from %(school)s cannot be made: %(reason)s Correct the school's details and try again.")
            % {"school": issuer.name, "reason": exc}
        ) from exc
    invoice.net_ore = document.line_total_ore
    invoice.vat_ore = document.vat_total_ore
    invoice.total_ore = document.total_ore
    invoice.save()
    for row in rows:
        row.invoice = invoice
    InvoiceLine.objects.bulk_create(rows)
    series.last_number = sequence
    series.save(update_fields=["last_number"])
    # The PDF, its email and the e-invoice follow by jobs once this commits; never twice (the keys).
    outbox_enqueue(kind=INVOICE_PDF, key=f"invoice-pdf:{invoice.pk}", payload={"invoice_id": invoice.pk})
    outbox_enqueue(kind=EINVOICE_DELIVERY, key=f"einvoice:{invoice.pk}", payload={"invoice_id": invoice.pk})
    audit_record(
        actor=actor, action="credit_note.issue" if credit else "invoice.issue", obj=invoice,
        summary=(_("%(school)s issued credit note %(number)s to %(recipient)s: %(total)s") if credit
                 else _("%(school)s issued invoice %(number)s to %(recipient)s: %(total)s")) % {
            "school": issuer.name, "number": number, "recipient": invoice.recipient_name,
            "total": format_sek(invoice.total_ore)},
        data={"number": number, "total_ore": invoice.total_ore, "credits": credits.number if credits else None},
    )
    return invoice


# --- Completion and undo (called by the receivers of the visits app's signals) ------------------------


def _booking_for_billing(booking: Booking) -> Booking:
    return Booking.objects.select_related("occasion__certification__school", "school").get(pk=booking.pk)


@transaction.atomic
def fee_entries_record(*, booking: Booking, actor=None, at: datetime.datetime | None = None) -> list[FeeEntry]:
    """Record the fees of a visit just marked completed, and invoice the visiting school its share.

    The fee rule of the school year in which the visit took place applies; its amounts are copied onto
    the entries. Raises ``FeeRuleMissing`` when that year has no rule (the completion then fails and
    nothing is saved). Recording a visit whose fees are already recorded does nothing.
    """
    at = at or timezone.now()
    booking = _booking_for_billing(booking)
    certification = booking.occasion.certification
    host = certification.school
    _lock_series(host)
    if FeeEntry.objects.filter(booking=booking).open().exists():
        return []
    visit_date = booking.occasion.date
    rule = fee_rule_for(visit_date)
    common = {
        "booking": booking, "certification": certification, "host": host, "school_year": rule.school_year,
        "visit_date": visit_date, "rule_visit_fee_ore": rule.visit_fee_ore,
        "rule_central_share_ore": rule.central_share_ore, "rule_visiting_share_ore": rule.visiting_share_ore,
        "vat_rate_percent": rule.vat_rate_percent, "vat_exemption_text": rule.vat_exemption_text,
        "recorded_at": at, "recorded_by": actor,
    }
    entries = []
    # A share of nothing (a year where one party pays the whole fee) is no debt: no entry.
    if rule.visiting_share_ore:
        entries.append(FeeEntry.objects.create(
            payer=Payer.VISITING_SCHOOL, payer_school=booking.school, amount_ore=rule.visiting_share_ore, **common))
    if rule.central_share_ore:
        entries.append(FeeEntry.objects.create(payer=Payer.CENTRAL, amount_ore=rule.central_share_ore, **common))
    visiting = next((e for e in entries if e.payer == Payer.VISITING_SCHOOL), None)
    if visiting is not None:
        billing = BillingSettings.load()
        with translation.override("sv"):
            description = _("Study visit on %(date)s at %(site)s: the visiting school's share of the visit fee") % {
                "date": _date(visit_date), "site": certification.display_name}
            note = _("Fee for a completed study visit at an inspiration site.")
        _issue(
            kind=Invoice.Kind.INVOICE, recipient_kind=Invoice.Recipient.VISITING_SCHOOL, issuer=host,
            recipient_school=booking.school, booking=booking,
            issuer_details=_school_details(host, issuer=True, billing=billing),
            recipient_details=_school_details(booking.school, issuer=False, billing=billing),
            lines=[_Line(visiting, description, visiting.amount_ore)],
            period_start=visit_date, period_end=visit_date, actor=actor, at=at, note=note,
        )
    return entries


@transaction.atomic
def fee_entries_reverse(*, booking: Booking, actor=None, at: datetime.datetime | None = None) -> list[FeeEntry]:
    """Reverse the fees of a visit whose completion was undone: a reversing entry for each entry that
    counts, and for what was already invoiced a credit note naming the original invoice. Nothing is
    deleted. A visit without fees recorded has nothing to reverse."""
    at = at or timezone.now()
    booking = _booking_for_billing(booking)
    host = booking.occasion.certification.school
    _lock_series(host)
    reversals, to_credit = [], {}
    for entry in FeeEntry.objects.filter(booking=booking).open().order_by("pk"):
        reversal = FeeEntry.objects.create(
            booking=entry.booking, certification_id=entry.certification_id, host_id=entry.host_id,
            payer=entry.payer, payer_school_id=entry.payer_school_id, school_year_id=entry.school_year_id,
            visit_date=entry.visit_date, amount_ore=-entry.amount_ore, rule_visit_fee_ore=entry.rule_visit_fee_ore,
            rule_central_share_ore=entry.rule_central_share_ore,
            rule_visiting_share_ore=entry.rule_visiting_share_ore, vat_rate_percent=entry.vat_rate_percent,
            vat_exemption_text=entry.vat_exemption_text, reverses=entry, recorded_at=at, recorded_by=actor,
        )
        reversals.append(reversal)
        line = InvoiceLine.objects.select_related("invoice").filter(fee_entry=entry).first()
        if line is not None:
            to_credit.setdefault(line.invoice_id, (line.invoice, []))[1].append((reversal, line))
    for original, pairs in to_credit.values():
        credit_note_issue(original=original, pairs=pairs, actor=actor, at=at)
    return reversals


def credit_note_issue(*, original: Invoice, pairs: list[tuple[FeeEntry, InvoiceLine]], actor, at) -> Invoice:
    """A credit note for the lines of ``original`` whose entries were reversed (``pairs`` of reversal
    and original line). The caller holds the issuer's lock."""
    with translation.override("sv"):
        lines = [_Line(reversal, _("Credit: %(description)s") % {"description": line.description},
                       line.unit_price_ore) for reversal, line in pairs]
        note = _("Credit note for invoice %(number)s: the study visit was not completed after all.") % {
            "number": original.number}
    dates = [line.visit_date for _reversal, line in pairs]
    return _issue(
        kind=Invoice.Kind.CREDIT_NOTE, recipient_kind=original.recipient_kind, issuer=original.issuer,
        recipient_school=original.recipient_school, booking=original.booking, credits=original,
        issuer_details=original.issuer_details, recipient_details=original.recipient_details, lines=lines,
        period_start=min(dates), period_end=max(dates), actor=actor, at=at, note=note,
    )


# --- The central administration's monthly invoices -----------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def previous_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def _central_entries(host_id: int, until: datetime.date):
    return (FeeEntry.objects.open().uninvoiced()
            .filter(payer=Payer.CENTRAL, host_id=host_id, visit_date__lte=until)
            .select_related("booking__school").order_by("visit_date", "pk"))


@dataclass
class CentralRunRefusal:
    """A host whose monthly invoice could not be made, and why (translated)."""

    host: School
    reason: str


@dataclass
class CentralRun:
    """What a run of the central administration's invoices for a month did."""

    year: int
    month: int
    issued: list[Invoice] = field(default_factory=list)
    refused: list[CentralRunRefusal] = field(default_factory=list)


def central_invoices_issue(*, year: int, month: int, actor=None, now=None) -> CentralRun:
    """Each host's invoice to the central administration for the month: every central share of a
    visit up to the month's end not invoiced yet (a visit marked completed late joins the next month's
    invoice). One invoice per host and month, however often this runs: a second run finds the first
    invoice and makes none. Each host in its own transaction, so one host's problem stops no other:
    a host whose invoice cannot be made is listed in ``refused`` with the reason, and its shares
    wait for a later run."""
    now = now or timezone.now()
    period_start, period_end = month_bounds(year, month)
    if period_end >= timezone.localdate(now):
        raise BillingActionError(_("Only a month that has ended can be invoiced."))
    host_ids = sorted(set(
        FeeEntry.objects.open().uninvoiced().filter(payer=Payer.CENTRAL, visit_date__lte=period_end)
        .values_list("host_id", flat=True)
    ))
    run = CentralRun(year=year, month=month)
    for host_id in host_ids:
        try:
            invoice = _central_invoice_issue(host_id, period_start=period_start, period_end=period_end,
                                             actor=actor, now=now)
        except BillingNotPossible as exc:
            run.refused.append(CentralRunRefusal(host=School.objects.get(pk=host_id), reason=str(exc)))
        except Exception:
            # A fault in one host's data or in the code must not keep the others unpaid: that host's
            # transaction is rolled back, the fault logged in full for the developers, and finance told.
            logger.exception("The central invoice of host %s for %s-%02d failed", host_id, year, month)
            run.refused.append(CentralRunRefusal(host=School.objects.get(pk=host_id), reason=_(
                "An unexpected error stopped this invoice; nothing of it was saved. The error is logged "
                "for the administrators; run the month again when it is corrected.")))
        else:
            if invoice is not None:
                run.issued.append(invoice)
    if actor is not None:
        audit_record(
            actor=actor, action="invoice.central_run", obj=None,
            summary=_("Ran the central administration's invoices for %(month)s: %(count)s issued") % {
                "month": f"{year}-{month:02d}", "count": len(run.issued)},
            data={"year": year, "month": month, "invoices": [invoice.number for invoice in run.issued],
                  "refused": [refusal.host.pk for refusal in run.refused]},
        )
    return run


@transaction.atomic
def _central_invoice_issue(host_id: int, *, period_start, period_end, actor, now) -> Invoice | None:
    series = _lock_series_by_id(host_id)
    host = series.school
    already = Invoice.objects.filter(issuer=host, kind=Invoice.Kind.INVOICE,
                                     recipient_kind=Invoice.Recipient.CENTRAL, period_start=period_start)
    if already.exists():
        return None
    entries = list(_central_entries(host_id, period_end))
    if not entries:
        return None
    billing = BillingSettings.load()
    with translation.override("sv"):
        lines = [
            _Line(entry, _("Study visit on %(date)s by %(school)s: the central administration's share of "
                           "the visit fee") % {"date": _date(entry.visit_date),
                                               "school": entry.booking.school.name},
                  entry.amount_ore)
            for entry in entries
        ]
        note = _("The central administration's share of the visit fees for the study visits completed up "
                 "to %(date)s.") % {"date": _date(period_end)}
    return _issue(
        kind=Invoice.Kind.INVOICE, recipient_kind=Invoice.Recipient.CENTRAL, issuer=host,
        recipient_school=None, issuer_details=_school_details(host, issuer=True, billing=billing),
        recipient_details=_central_details(billing), lines=lines, period_start=period_start,
        period_end=period_end, actor=actor, at=now, note=note,
    )


def _lock_series_by_id(school_id: int) -> InvoiceNumberSeries:
    InvoiceNumberSeries.objects.bulk_create([InvoiceNumberSeries(school_id=school_id)], ignore_conflicts=True)
    return InvoiceNumberSeries.objects.select_for_update(of=("self",)).select_related("school").get(
        school_id=school_id)


# --- Payments ----------------------------------------------------------------------------------------


def _check_paid_on(paid_on: datetime.date, *, not_before: datetime.date | None, now) -> None:
    today = timezone.localdate(now)
    if paid_on > today:
        raise BillingActionError(_("The payment date cannot be in the future."))
    if not_before and paid_on < not_before:
        raise BillingActionError(_("The payment date cannot be before %(date)s.") % {"date": _date(not_before)})


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, actor, paid_on: datetime.date, now=None) -> Invoice:
    """Finance records that an invoice has been paid (audited)."""
    if not actor.is_finance:
        raise PermissionDenied
    now = now or timezone.now()
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_credit_note:
        raise BillingActionError(_("A credit note is not paid; it reduces what the invoice it credits asks for."))
    if invoice.paid_on is not None:
        raise BillingActionError(_("The invoice is already marked as paid (%(date)s).") % {
            "date": _date(invoice.paid_on)})
    _check_paid_on(paid_on, not_before=invoice.issue_date, now=now)
    invoice.paid_on = paid_on
    invoice.paid_marked_at = now
    invoice.paid_marked_by = actor
    invoice.save(update_fields=["paid_on", "paid_marked_at", "paid_marked_by"])
    audit_record(
        actor=actor, action="invoice.mark_paid", obj=invoice,
        summary=_("Marked invoice %(number)s as paid on %(date)s") % {"number": invoice.number,
                                                                     "date": _date(paid_on)},
        data={"number": invoice.number, "paid_on": paid_on.isoformat(), "total_ore": invoice.total_ore},
    )
    return invoice


@transaction.atomic
def support_payment_mark_paid(*, payment: EstablishmentSupportPayment, actor, paid_on: datetime.date,
                              now=None) -> EstablishmentSupportPayment:
    """Finance records that a site's establishment support has been paid out (audited)."""
    if not actor.is_finance:
        raise PermissionDenied
    now = now or timezone.now()
    payment = EstablishmentSupportPayment.objects.select_for_update().select_related(
        "certification__school").get(pk=payment.pk)
    if payment.paid_on is not None:
        raise BillingActionError(_("The support is already marked as paid (%(date)s).") % {
            "date": _date(payment.paid_on)})
    _check_paid_on(paid_on, not_before=None, now=now)
    payment.paid_on = paid_on
    payment.paid_marked_by = actor
    payment.save(update_fields=["paid_on", "paid_marked_by"])
    audit_record(
        actor=actor, action="support.mark_paid", obj=payment,
        summary=_("Marked the establishment support of %(site)s (%(amount)s) as paid on %(date)s") % {
            "site": payment.certification.display_name, "amount": format_sek(payment.amount_ore),
            "date": _date(paid_on)},
        data={"certification": payment.certification_id, "paid_on": paid_on.isoformat(),
              "amount_ore": payment.amount_ore},
    )
    return payment


# --- Settings ----------------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "central_name", "central_legal_name", "central_organisation_number", "central_street_address",
    "central_postal_code", "central_city", "central_invoice_address", "central_invoice_reference",
    "central_invoice_email", "bankgiro", "issuers_vat_registered",
)


@transaction.atomic
def billing_settings_update(*, actor, now=None, **fields) -> BillingSettings:
    """Change the billing settings (audited). Invoices already issued keep what they say."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"billing_settings_update() cannot change {', '.join(sorted(unknown))}")
    BillingSettings.load()
    row = BillingSettings.objects.select_for_update().get(pk=1)
    changes = {name: [getattr(row, name), value] for name, value in fields.items() if getattr(row, name) != value}
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.updated_at = now or timezone.now()
    row.updated_by = actor
    row.save()
    audit_record(actor=actor, action="billing_settings.update", obj=row,
                 summary=_("Changed the billing settings"), data={"changes": changes})
    return row
