"""An invoice as a document: the e-invoice data (``inspira.einvoice``), its UBL XML and its PDF.

Everything here reads only what the invoice row and its lines hold (the parties and amounts as they
were when it was issued), so the XML and the PDF made today or next year say the same, and they agree
with each other: both take the totals and the VAT breakdown from one ``einvoice.model.Document``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings

from inspira.billing.models import Invoice, InvoiceLine
from inspira.einvoice.model import (
    Document,
    DocumentKind,
    InvoiceReference,
    Party,
    Payment,
    PaymentAccountKind,
    Vat,
)
from inspira.einvoice.model import InvoiceLine as EInvoiceLine
from inspira.einvoice.ubl import build_ubl

NOT_SUBJECT_TEXT = "Ej föremål för mervärdesskatt"


def party(details: dict) -> Party:
    """A ``Party`` from an invoice's stored issuer or recipient details."""
    return Party(
        name=details["name"],
        legal_name=details.get("legal_name", ""),
        organisation_number=details["organisation_number"],
        street=details["street"],
        postal_code=details["postal_code"],
        city=details["city"],
        contact_email=details.get("email", ""),
        vat_number=details.get("vat_number", ""),
    )


def line_vat(*, rate_percent: int, exemption_text: str, seller_vat_registered: bool) -> Vat:
    """The VAT treatment of a fee, from the fee rule copied onto the line. No VAT is "exempt" (with the
    rule's exemption text) when the seller is registered for VAT, else "not subject to VAT"."""
    if rate_percent:
        return Vat.standard(Decimal(rate_percent))
    if seller_vat_registered:
        return Vat.exempt(exemption_text or NOT_SUBJECT_TEXT)
    return Vat.not_subject(exemption_text or NOT_SUBJECT_TEXT)


def build_document(invoice: Invoice, lines: Sequence[InvoiceLine]) -> Document:
    """The e-invoice data of ``invoice`` (saved or about to be) and its ``lines``."""
    seller = party(invoice.issuer_details)
    registered = bool(seller.vat_number)
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    reference = None
    if credit:
        original = invoice.credits
        reference = InvoiceReference(original.number, original.issue_date)
    return Document(
        kind=DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        seller=seller,
        buyer=party(invoice.recipient_details),
        buyer_reference=invoice.buyer_reference,
        lines=tuple(
            EInvoiceLine(
                id=str(line.position),
                description=line.description,
                quantity=line.quantity,
                unit_price_ore=line.unit_price_ore,
                vat=line_vat(rate_percent=line.vat_rate_percent, exemption_text=line.vat_exemption_text,
                             seller_vat_registered=registered),
                period_start=line.visit_date,
                period_end=line.visit_date,
            )
            for line in lines
        ),
        payment=(Payment(kind=PaymentAccountKind.BANKGIRO, account=invoice.bankgiro, payment_id=invoice.number)
                 if invoice.bankgiro and not credit else None),
        note=invoice.note,
        payment_terms=invoice.payment_terms,
        billing_reference=reference,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
    )


def _lines(invoice: Invoice) -> list[InvoiceLine]:
    cache = getattr(invoice, "_prefetched_objects_cache", {})
    if "lines" in cache:
        return list(cache["lines"])
    return list(invoice.lines.order_by("position"))


def invoice_document(invoice: Invoice) -> Document:
    return build_document(invoice, _lines(invoice))


def invoice_xml(invoice: Invoice) -> bytes:
    """The Peppol BIS Billing 3.0 UBL of an issued invoice or credit note."""
    return build_ubl(invoice_document(invoice))


def pdf_context(invoice: Invoice) -> dict:
    lines = _lines(invoice)
    document = build_document(invoice, lines)
    return {
        "invoice": invoice,
        "lines": lines,
        "document": document,
        "issuer": invoice.issuer_details,
        "recipient": invoice.recipient_details,
        "vat_breakdown": document.vat_breakdown,
        "charges_vat": any(subtotal.vat.charges_vat for subtotal in document.vat_breakdown),
        "original": invoice.credits,
        "contact_email": settings.PROGRAMME_CONTACT_EMAIL,
    }


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF/UA document, in Swedish. What the job (and the benchmark) call."""
    from inspira.core.pdf import render_pdf  # WeasyPrint is a heavy import: only where a PDF is made

    return render_pdf("pdf/invoice.html", pdf_context(invoice), language="sv")
