"""The e-invoice of every kind of invoice Inspira issues validates against the UBL 2.1 schema and both
Schematrons (EN 16931 and Peppol BIS Billing 3.0), as ``inspira.einvoice.validate`` runs them."""

from datetime import date

import pytest
from lxml import etree

from inspira.billing import services
from inspira.billing.documents import invoice_xml
from inspira.billing.models import BillingSettings, Invoice
from inspira.einvoice import validate
from inspira.einvoice.validate import validate_ubl
from tests.billing.conftest import at, complete, make_booking, undo
from tests.factories import FeeRuleFactory, SchoolFactory, SchoolYearFactory

NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


@pytest.fixture(scope="module", autouse=True)
def compiled_rules():
    validate.compile_rules()


def _xpath(xml: bytes, path: str) -> list[str]:
    return [node.text if hasattr(node, "text") else str(node) for node in etree.fromstring(xml).xpath(path,
                                                                                                      namespaces=NS)]


def test_the_visit_invoice_validates(booking, site_contact, other_school):
    complete(booking, by=site_contact)
    xml = invoice_xml(Invoice.objects.get())

    assert validate_ubl(xml) == []
    assert _xpath(xml, "/*/cbc:BuyerReference") == [other_school.invoice_reference]
    assert _xpath(xml, "//cac:PartyLegalEntity/cbc:CompanyID/@schemeID") == ["0007", "0007"]
    assert _xpath(xml, "/*/cbc:DocumentCurrencyCode") == ["SEK"]
    # The VAT breakdown is there although no VAT is charged.
    assert _xpath(xml, "/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["E"]
    assert _xpath(xml, "/*/cac:TaxTotal/cbc:TaxAmount") == ["0.00"]
    assert _xpath(xml, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == ["1000.00"]


def test_the_credit_note_validates_and_refers_to_the_invoice(booking, site_contact, administrator):
    complete(booking, by=site_contact)
    undo(booking, by=administrator)
    original = Invoice.objects.get(kind="invoice")
    xml = invoice_xml(Invoice.objects.get(kind="credit_note"))

    assert validate_ubl(xml) == []
    assert etree.fromstring(xml).tag.endswith("CreditNote")
    assert _xpath(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [original.number]


def test_the_central_invoice_and_its_credit_note_validate(site, site_contact, administrator, rule_2010):
    bookings = [make_booking(certification=site, school=SchoolFactory(), day=date(2011, 3, 7 + i)) for i in range(3)]
    for b in bookings:
        complete(b, by=site_contact)
    monthly = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued[0]
    undo(bookings[1], by=administrator, now=at(2011, 4, 5))
    credit = Invoice.objects.get(kind="credit_note", recipient_kind="central")

    monthly_xml, credit_xml = invoice_xml(monthly), invoice_xml(credit)

    assert validate_ubl(monthly_xml) == []
    assert validate_ubl(credit_xml) == []
    assert len(_xpath(monthly_xml, "/*/cac:InvoiceLine")) == 3
    assert _xpath(monthly_xml, "/*/cbc:BuyerReference") == ["Inspirationsplatser"]


def test_a_fee_rule_with_vat_validates(site, other_school, site_contact, db):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010), vat_rate_percent=25)
    booking = make_booking(certification=site, school=other_school)
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    xml = invoice_xml(invoice)

    assert (invoice.net_ore, invoice.vat_ore, invoice.total_ore) == (100_000, 25_000, 125_000)
    assert validate_ubl(xml) == []
    assert _xpath(xml, "/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == ["25"]


def test_an_issuer_not_registered_for_vat_states_not_subject_to_vat(booking, site_contact):
    BillingSettings.objects.filter(pk=BillingSettings.load().pk).update(issuers_vat_registered=False)
    complete(booking, by=site_contact)
    xml = invoice_xml(Invoice.objects.get())

    assert validate_ubl(xml) == []
    assert _xpath(xml, "/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["O"]
    assert _xpath(xml, "//cac:PartyTaxScheme") == []


def test_the_xml_is_the_same_whenever_it_is_built(booking, site_contact, other_school):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    before = invoice_xml(invoice)
    other_school.invoice_reference = "NEW-REF"
    other_school.save()

    assert invoice_xml(Invoice.objects.get()) == before
