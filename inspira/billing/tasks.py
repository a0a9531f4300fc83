"""Background work of billing: the invoice PDF and its email, the e-invoice delivery, and the monthly
run of the central administration's invoices (django-q2 schedule, migration 0002).

An invoice row, its number and its lines are made in the transaction of the completion or of the
monthly run, never here. These jobs only render, store and send, and may run more than once (a
retried job, a second worker, the outbox sweeper after a crash):

- the PDF is stored only if the invoice has none (a conditional UPDATE: a second run that rendered at
  the same moment throws its file away and uses the stored one);
- the email's outbox key names the invoice (``invoice-email:<id>``), so it is recorded, and sent, once;
- ``sent_at`` is set only if still empty.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from inspira.accounts.models import User
from inspira.billing import services
from inspira.billing.documents import invoice_xml, render_invoice_pdf
from inspira.billing.models import Invoice
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_handler
from inspira.core.storage import private_storage

log = logging.getLogger(__name__)


def _invoice(invoice_id: int) -> Invoice:
    return (Invoice.objects.select_related("issuer", "recipient_school", "credits")
            .prefetch_related("lines").get(pk=invoice_id))


def invoice_pdf_ensure(invoice: Invoice, *, now=None) -> bytes:
    """The invoice's PDF, rendered and stored now unless it has one. Safe to call twice, even at once."""
    if invoice.pdf:
        with invoice.pdf.open("rb") as f:
            return f.read()
    content = render_invoice_pdf(invoice)
    storage = private_storage()
    name = storage.save(f"billing/invoices/{uuid.uuid4().hex}.pdf", ContentFile(content))
    stored = Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=name, rendered_at=now or timezone.now())
    if not stored:
        # Another run stored its PDF meanwhile: keep theirs, drop ours.
        storage.delete(name)
        invoice.refresh_from_db(fields=["pdf", "rendered_at"])
        with invoice.pdf.open("rb") as f:
            return f.read()
    invoice.refresh_from_db(fields=["pdf", "rendered_at"])
    return content


def email_context(invoice: Invoice) -> dict:
    return {
        "number": invoice.number,
        "is_credit_note": invoice.is_credit_note,
        "issuer_name": invoice.issuer_details["name"],
        "recipient_name": invoice.recipient_name,
        "total": invoice.total_ore,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "credits_number": invoice.credits.number if invoice.credits_id else "",
        "buyer_reference": invoice.buyer_reference,
        "invoice_url": absolute_url("billing:invoice_detail", invoice.pk),
    }


@outbox_handler(services.INVOICE_PDF)
def invoice_pdf_send(item: OutboxItem) -> None:
    invoice = _invoice(item.payload["invoice_id"])
    pdf = invoice_pdf_ensure(invoice)
    xml = invoice_xml(invoice)
    to = invoice.recipient_details["email"]
    with transaction.atomic():
        email_enqueue(
            key=f"invoice-email:{invoice.pk}",
            to=[to],
            template="invoice",
            context=email_context(invoice),
            attachments=[(f"{invoice.filename_stem}.pdf", pdf, "application/pdf"),
                         (f"{invoice.filename_stem}.xml", xml, "application/xml")],
            language="sv",
        )
        Invoice.objects.filter(pk=invoice.pk, sent_at__isnull=True).update(sent_at=timezone.now(), sent_to=to)


@outbox_handler(services.EINVOICE_DELIVERY)
def einvoice_deliver(item: OutboxItem) -> None:
    invoice = _invoice(item.payload["invoice_id"])
    if invoice.einvoice_handled_at:
        return
    sender = import_string(getattr(settings, "EINVOICE_SENDER", "inspira.billing.peppol.record_only"))
    result = sender(invoice=invoice, xml=invoice_xml(invoice))
    Invoice.objects.filter(pk=invoice.pk, einvoice_handled_at__isnull=True).update(
        einvoice_handled_at=timezone.now(), einvoice_result=str(result or "")[:300])


def central_invoices_previous_month() -> int:
    """Scheduled on the first of each month: the central administration's invoices of the month before.

    Nobody watches a scheduled job: when a host's invoice cannot be made, finance is emailed what to
    correct (once per month) and can then run the month again from the finance pages."""
    year, month = services.previous_month(timezone.localdate())
    run = services.central_invoices_issue(year=year, month=month)
    log.info("Issued %s central invoices for %s-%02d", len(run.issued), year, month)
    if run.refused:
        log.error("Central invoices for %s-%02d not made for %s host(s)", year, month, len(run.refused))
        central_run_refusals_notify(run)
    return len(run.issued)


def central_run_refusals_notify(run: services.CentralRun) -> None:
    recipients = list(User.objects.filter(role=User.Role.FINANCE, is_active=True).order_by("email")
                      .values_list("email", flat=True))
    if not recipients:
        log.error("Nobody in finance to tell that central invoices were not made")
        return
    with transaction.atomic():
        email_enqueue(
            key=f"central-run-refused:{run.year}-{run.month:02d}",
            to=recipients,
            template="central_run_refused",
            context={
                "month": datetime.date(run.year, run.month, 1),
                "issued": len(run.issued),
                "refusals": [{"school": refusal.host.name, "reason": refusal.reason} for refusal in run.refused],
                "run_url": absolute_url("billing:central_run"),
            },
        )
