"""Fee entries, invoices and invoice lines are append-only in the database too (PostgreSQL).

The models refuse changes through the ORM (``AppendOnlyModel``); these triggers refuse UPDATE and
DELETE from any SQL, so a bug, a shell session or a raw query cannot rewrite money. What may change:

- an invoice's state, filled in later by the jobs and by finance: its PDF, sending, payment and
  e-invoice delivery (``Invoice.STATE_FIELDS``);
- inside ``erasure_rewrites()``, the contact person in an invoice's party details and its reference
  (the erasure of a person, ``inspira.privacy.scrub.rewrite_protected``); numbers, dates, schools and
  amounts never;
- who recorded an entry or issued an invoice, set to NULL when that account is deleted
  (``on_delete=SET_NULL``).

The column lists are written out here rather than read from the models, so this migration does
what it did when it was written.
"""

from django.db import migrations

from inspira.core.appendonly import append_only_trigger

INVOICE_STATE = ("pdf", "rendered_at", "sent_at", "sent_to", "paid_on", "paid_marked_at", "paid_marked_by_id",
                 "einvoice_handled_at", "einvoice_result")
INVOICE_ERASABLE = ("issuer_details", "recipient_details", "buyer_reference")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_central_invoices_schedule"),
        ("core", "0004_append_only_function"),
    ]

    operations = [
        append_only_trigger("billing_feeentry", nullable=("recorded_by_id",)),
        append_only_trigger("billing_invoice", state=INVOICE_STATE, erasable=INVOICE_ERASABLE,
                            nullable=("created_by_id",)),
        append_only_trigger("billing_invoiceline"),
    ]
