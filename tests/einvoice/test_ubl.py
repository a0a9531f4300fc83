"""Invoices and credit notes built by build_ubl validate against the XSD and both Schematrons."""

from datetime import date

import pytest
from lxml import etree

from inspira.einvoice.model import DocumentKind, Payment, PaymentAccountKind, Vat
from inspira.einvoice.ubl import build_ubl, format_amount
from inspira.einvoice.validate import check_ubl
from tests.einvoice.builders import EXEMPTION_TEXT, credit_note, katarina_norra, vasaskolan, visit_invoice, visit_line

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def xpath(xml: bytes, path: str) -> list[str]:
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=NS)]


def assert_clean(xml: bytes):
    report = check_ubl(xml)
    assert report.errors == []
    assert report.warnings == []


def test_visit_invoice_validates_clean():
    xml = build_ubl(visit_invoice())

    assert_clean(xml)


def test_visit_invoice_says_what_peppol_and_swedish_buyers_need():
    xml = build_ubl(visit_invoice())

    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert xpath(xml, "/inv:Invoice/cbc:CustomizationID/text()") == [
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"]
    assert xpath(xml, "/inv:Invoice/cbc:ProfileID/text()") == ["urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"]
    assert xpath(xml, "/inv:Invoice/cbc:InvoiceTypeCode/text()") == ["380"]
    assert xpath(xml, "/inv:Invoice/cbc:DocumentCurrencyCode/text()") == ["SEK"]
    assert xpath(xml, "/inv:Invoice/cbc:BuyerReference/text()") == ["KN-4711"]
    assert xpath(xml, "//cac:AccountingSupplierParty//cbc:EndpointID/@schemeID") == ["0007"]
    assert xpath(xml, "//cac:AccountingSupplierParty//cbc:EndpointID/text()") == ["2120000142"]
    assert xpath(xml, "//cac:AccountingSupplierParty//cac:PartyLegalEntity/cbc:CompanyID/@schemeID") == ["0007"]
    assert xpath(xml, "//cac:AccountingSupplierParty//cac:PartyLegalEntity/cbc:CompanyID/text()") == ["2120000142"]
    assert xpath(xml, "//cac:AccountingSupplierParty//cac:PartyLegalEntity/cbc:RegistrationName/text()") == [
        "Stockholms kommun"]
    # The VAT breakdown is there even though no VAT is charged.
    assert xpath(xml, "/inv:Invoice/cac:TaxTotal/cbc:TaxAmount/text()") == ["0.00"]
    assert xpath(xml, "//cac:TaxSubtotal/cbc:TaxableAmount/text()") == ["1000.00"]
    assert xpath(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()") == ["E"]
    assert xpath(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason/text()") == [EXEMPTION_TEXT]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["1000.00"]
    assert set(xpath(xml, "//@currencyID")) == {"SEK"}
    assert xpath(xml, "//cac:PaymentMeans/cbc:PaymentMeansCode/text()") == ["30"]
    assert xpath(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == ["50501055"]
    assert xpath(xml, "//cac:FinancialInstitutionBranch/cbc:ID/text()") == ["SE:BANKGIRO"]
    assert xpath(xml, "//cac:PaymentMeans/cbc:PaymentID/text()") == ["2011-0001"]
    # No F-tax statement unless the seller is approved for it.
    assert "F-skatt" not in xml.decode()


def test_monthly_invoice_with_several_lines_validates_clean():
    # The central administration's shares of one host's visits in March 2011.
    administration = katarina_norra(name="Utbildningsförvaltningen", street="Hantverkargatan 2F",
                                    postal_code="112 21", contact_email="ekonomi.utbf@example.se")
    visits = [date(2011, 3, 3), date(2011, 3, 10), date(2011, 3, 17), date(2011, 3, 24)]
    document = visit_invoice(
        number="2011-0007", issue_date=date(2011, 4, 1), due_date=date(2011, 5, 1), buyer=administration,
        buyer_reference="UTBF-INSP", order_reference="Inspirationsplatser 2010/11",
        period_start=date(2011, 3, 1), period_end=date(2011, 3, 31),
        lines=[visit_line(str(n), visit_day=day) for n, day in enumerate(visits, start=1)],
    )

    xml = build_ubl(document)

    assert_clean(xml)
    assert len(xpath(xml, "//cac:InvoiceLine")) == 4
    assert xpath(xml, "/inv:Invoice/cac:InvoicePeriod/cbc:StartDate/text()") == ["2011-03-01"]
    assert xpath(xml, "//cac:InvoiceLine[cbc:ID='2']/cac:InvoicePeriod/cbc:StartDate/text()") == ["2011-03-10"]
    assert xpath(xml, "/inv:Invoice/cac:OrderReference/cbc:ID/text()") == ["Inspirationsplatser 2010/11"]
    assert xpath(xml, "//cac:TaxSubtotal/cbc:TaxableAmount/text()") == ["4000.00"]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["4000.00"]


def test_credit_note_refers_to_the_original_invoice_and_validates_clean():
    xml = build_ubl(credit_note())

    assert_clean(xml)
    assert etree.fromstring(xml).tag == f"{{{NS['cn']}}}CreditNote"
    assert xpath(xml, "/cn:CreditNote/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert xpath(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == ["2011-0001"]
    assert xpath(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate/text()") == ["2011-03-15"]
    assert xpath(xml, "//cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["1"]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["1000.00"]


def test_credit_note_with_a_due_date_validates_clean():
    xml = build_ubl(credit_note(due_date=date(2011, 4, 19)))

    assert_clean(xml)
    assert xpath(xml, "//cac:PaymentMeans/cbc:PaymentDueDate/text()") == ["2011-04-19"]


def test_seller_without_vat_number_invoices_as_not_subject_to_vat():
    document = visit_invoice(
        seller=vasaskolan(vat_number=""),
        lines=[visit_line(vat=Vat.not_subject("Ej föremål för mervärdesskatt"))],
    )

    xml = build_ubl(document)

    assert_clean(xml)
    assert xpath(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()") == ["O"]
    assert xpath(xml, "//cac:TaxCategory/cbc:TaxExemptionReasonCode/text()") == ["VATEX-EU-O"]
    assert xpath(xml, "//cac:TaxCategory/cbc:Percent") == []  # BR-O-05
    assert xpath(xml, "//cac:PartyTaxScheme") == []


def test_standard_rated_vat_is_computed_per_rate_and_validates_clean():
    document = visit_invoice(lines=[
        visit_line("1", vat=Vat.standard(25)),
        visit_line("2", price_ore=33_333, vat=Vat.standard(25)),
        visit_line("3", price_ore=10_000, vat=Vat.standard(6)),
    ])

    xml = build_ubl(document)

    assert_clean(xml)
    assert xpath(xml, "//cac:TaxSubtotal/cbc:TaxAmount/text()") == ["333.33", "6.00"]
    assert xpath(xml, "/inv:Invoice/cac:TaxTotal/cbc:TaxAmount/text()") == ["339.33"]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount/text()") == ["1433.33"]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["1772.66"]


def test_a_rate_sweden_does_not_have_fails_the_swedish_rule():
    xml = build_ubl(visit_invoice(lines=[visit_line(vat=Vat.standard(20))]))

    assert check_ubl(xml).error_rules == {"SE-R-006"}


def test_f_skatt_statement_for_an_approved_seller_validates_clean():
    xml = build_ubl(visit_invoice(seller=vasaskolan(f_skatt=True)))

    assert_clean(xml)
    assert xpath(xml, "//cac:AccountingSupplierParty//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']"
                      "/cbc:CompanyID/text()") == ["Godkänd för F-skatt"]


def test_f_skatt_alone_is_enough_tax_registration_for_exempt_lines():
    assert_clean(build_ubl(visit_invoice(seller=vasaskolan(vat_number="", f_skatt=True))))


@pytest.mark.parametrize("payment, account, branch", [
    (Payment(kind=PaymentAccountKind.PLUSGIRO, account="4 77 01-2"), "477012", "SE:PLUSGIRO"),
    (Payment(kind=PaymentAccountKind.IBAN, account="SE45 5000 0000 0583 9825 7466", bic="ESSESESS"),
     "SE4550000000058398257466", "ESSESESS"),
])
def test_plusgiro_and_iban_payments_validate_clean(payment, account, branch):
    xml = build_ubl(visit_invoice(payment=payment))

    assert_clean(xml)
    assert xpath(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == [account]
    assert xpath(xml, "//cac:FinancialInstitutionBranch/cbc:ID/text()") == [branch]


def test_a_wrong_organisation_number_in_the_xml_fails_the_swedish_rules():
    xml = build_ubl(visit_invoice()).replace(b">2120000142</cbc:CompanyID>", b">2120000143</cbc:CompanyID>")

    rules = check_ubl(xml).error_rules

    assert {"SE-R-013", "PEPPOL-COMMON-R049"} <= rules


def test_swedish_characters_survive_in_utf8():
    xml = build_ubl(visit_invoice(buyer=katarina_norra(name="Årstaskolan", city="Älvsjö")))

    assert "Årstaskolan" in xml.decode("utf-8")
    assert xpath(xml, "//cac:AccountingCustomerParty//cbc:CityName/text()") == ["Älvsjö"]


@pytest.mark.parametrize("ore, text", [(100_000, "1000.00"), (5, "0.05"), (0, "0.00"), (123_456_789, "1234567.89"),
                                       (-150, "-1.50")])
def test_amounts_are_written_as_decimals_with_two_places(ore, text):
    assert format_amount(ore) == text


def test_document_kind_decides_the_root_element():
    assert etree.fromstring(build_ubl(visit_invoice())).tag == f"{{{NS['inv']}}}Invoice"
    assert etree.fromstring(build_ubl(credit_note(kind=DocumentKind.CREDIT_NOTE))).tag == f"{{{NS['cn']}}}CreditNote"
