"""Fee entries, invoices and credit notes, and the billing settings.

Invoices and credit notes are accounting records (the Accounting Act, bokföringslagen, keeps them
seven years): numbers, dates, parties, lines and amounts never change. Only a contact person's name
or address on a party (its reference, email or invoice address) is replaced, through the narrow
path in ``scrub.rewrite_protected``.
"""

from django.utils.translation import gettext_lazy as _

from inspira.billing.models import BillingSettings, FeeEntry, Invoice
from inspira.core.money import format_sek
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import candidates, rewrite_protected, scrub_rows

# The keys of an invoice's party details that may name a contact person.
CONTACT_KEYS = ("reference", "email", "invoice_address")
INVOICE_CONTACT_FIELDS = ["issuer_details", "recipient_details", "buyer_reference", "sent_to"]
SETTINGS_TEXT = ["central_invoice_email", "central_invoice_reference", "central_invoice_address"]
ACTIONS = [
    Action(BillingSettings, "updated_by", "updated_at"),
    Action(FeeEntry, "recorded_by", "recorded_at"),
    Action(Invoice, "created_by", "created_at"),
    Action(Invoice, "paid_marked_by", "paid_marked_at"),
]


def _scrubbed_party(details: dict, scrubber) -> dict:
    return {key: scrubber.value(value) if key in CONTACT_KEYS else value for key, value in details.items()}


def _naming_invoices(scrubber):
    for invoice in candidates(Invoice.objects.all(), INVOICE_CONTACT_FIELDS, scrubber).order_by("issue_date", "pk"):
        if (_scrubbed_party(invoice.issuer_details, scrubber) != invoice.issuer_details
                or _scrubbed_party(invoice.recipient_details, scrubber) != invoice.recipient_details
                or scrubber.mentions([invoice.buyer_reference, invoice.sent_to])):
            yield invoice


def export(user, scrubber) -> list[Category]:
    invoices = [
        row(number=i.number, kind=i.get_kind_display(), issue_date=i.issue_date, recipient=i.recipient_name,
            reference=i.buyer_reference, sent_to=i.sent_to, total=format_sek(i.total_ore))
        for i in _naming_invoices(scrubber)
    ]
    return [
        Category("invoices", _("Invoices that name you as a contact person"),
                 _("Kept for seven years (the Accounting Act); only your name and address as the contact are "
                   "replaced. Numbers, dates, schools and amounts never change."), invoices),
        Category("billing_actions", _("Billing work you did"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    scrubber = ctx.scrubber
    changed = 0
    for invoice in _naming_invoices(scrubber):
        content = {
            "issuer_details": _scrubbed_party(invoice.issuer_details, scrubber),
            "recipient_details": _scrubbed_party(invoice.recipient_details, scrubber),
            "buyer_reference": scrubber.text(invoice.buyer_reference),
        }
        content = {name: value for name, value in content.items() if value != getattr(invoice, name)}
        if content:
            rewrite_protected(Invoice, invoice.pk, **content)
        if scrubber.mentions(invoice.sent_to):
            # Where it was sent is the invoice's state, which its own manager lets change.
            Invoice.objects.filter(pk=invoice.pk).update(sent_to=scrubber.text(invoice.sent_to))
        changed += 1
    ctx.counts["invoices_contact_replaced"] += changed
    ctx.counts["billing_settings_scrubbed"] += scrub_rows(BillingSettings.objects.all(), SETTINGS_TEXT, scrubber)


AREA = Area(
    name="billing",
    export=export,
    erase=erase,
    fields=merge(
        {"billing.Invoice": INVOICE_CONTACT_FIELDS, "billing.BillingSettings": SETTINGS_TEXT},
        action_fields(ACTIONS),
    ),
    kept={
        "billing.Invoice.note": "Text Inspira writes on the invoice (what the fee is for); part of the accounting "
                                "record that the Accounting Act keeps as issued.",
    },
    not_personal={
        "billing.Invoice.recipient_name": "The recipient organisation (a school or the central administration).",
        "billing.BillingSettings.central_name": "The central administration's name.",
        "billing.BillingSettings.central_legal_name": "The municipality's registered name.",
    },
)
