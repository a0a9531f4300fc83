"""Documents for the e-invoice tests: the typical Inspira invoices, valid as built."""

from datetime import date
from pathlib import Path

from inspira.einvoice import validate
from inspira.einvoice.model import (
    Document,
    DocumentKind,
    InvoiceLine,
    InvoiceReference,
    Party,
    Payment,
    PaymentAccountKind,
    Vat,
)

EXAMPLES = Path(validate.RESOURCES) / "peppol-bis-3" / "examples"
EXEMPTION_TEXT = "Momsfri verksamhet enligt 3 kap. mervärdesskattelagen"


def vasaskolan(**overrides) -> Party:
    """The host school: a Stockholm municipal school, VAT-registered through the city."""
    return Party(**{
        "name": "Vasaskolan",
        "legal_name": "Stockholms kommun",
        "organisation_number": "212000-0142",
        "street": "Vasagatan 12",
        "postal_code": "111 20",
        "city": "Stockholm",
        "contact_name": "Eva Ekonomi",
        "contact_email": "ekonomi.vasaskolan@example.se",
        "vat_number": "SE212000014201",
        **overrides,
    })


def katarina_norra(**overrides) -> Party:
    """The visiting school."""
    return Party(**{
        "name": "Katarina Norra skola",
        "legal_name": "Stockholms kommun",
        "organisation_number": "212000-0142",
        "street": "Katarina Bangata 1",
        "postal_code": "116 39",
        "city": "Stockholm",
        "contact_email": "faktura.katarinanorra@example.se",
        **overrides,
    })


def visit_line(line_id="1", *, visit_day=date(2011, 3, 14), price_ore=100_000, vat=None) -> InvoiceLine:
    return InvoiceLine(
        id=line_id,
        description=f"Inspirationsbesök {visit_day.isoformat()}",
        quantity=1,
        unit_price_ore=price_ore,
        vat=vat or Vat.exempt(EXEMPTION_TEXT),
        period_start=visit_day,
        period_end=visit_day,
    )


def visit_invoice(**overrides) -> Document:
    """Vasaskolan invoices Katarina Norra skola 1 000 kr for one completed study visit."""
    return Document(**{
        "kind": DocumentKind.INVOICE,
        "number": "2011-0001",
        "issue_date": date(2011, 3, 15),
        "due_date": date(2011, 4, 14),
        "seller": vasaskolan(),
        "buyer": katarina_norra(),
        "buyer_reference": "KN-4711",
        "lines": [visit_line()],
        "payment": Payment(kind=PaymentAccountKind.BANKGIRO, account="5050-1055"),
        "payment_terms": "Betalning senast 2011-04-14",
        "note": "Avgift för genomfört inspirationsbesök.",
        **overrides,
    })


def credit_note(**overrides) -> Document:
    original = visit_invoice()
    return visit_invoice(**{
        "kind": DocumentKind.CREDIT_NOTE,
        "number": "2011-0002",
        "issue_date": date(2011, 3, 20),
        "due_date": None,
        "billing_reference": InvoiceReference(original.number, original.issue_date),
        "note": "Kreditering: besöket markerades felaktigt som genomfört.",
        "payment_terms": "Krediteras, ingen betalning.",
        **overrides,
    })
