"""Write a ``Document`` as a Peppol BIS Billing 3.0 UBL 2.1 Invoice or CreditNote.

Follows the element order of the UBL 2.1 schemas and the Peppol BIS 3.0 rules, including
the Swedish national rules (SE-R-*) that apply to a Swedish seller:

- the seller's legal registration (PartyLegalEntity/CompanyID) is the organisation number
  as ten digits, scheme 0007 (SE-R-003, SE-R-004, SE-R-013);
- a VAT number is written only when the party is VAT-registered, as SE + 12 digits
  (SE-R-001, SE-R-002); "Godkänd för F-skatt" only when the seller is approved (SE-R-005);
- bankgiro and plusgiro are credit transfers (code 30) told apart by the branch id
  SE:BANKGIRO / SE:PLUSGIRO, the account as digits (SE-R-007 to SE-R-012);
- only 25, 12 or 6 % for standard-rated VAT (SE-R-006): checked by the validator.

The VAT breakdown (TaxTotal/TaxSubtotal) is always written, also when no VAT is charged.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from inspira.einvoice.model import (
    F_SKATT_TEXT,
    Document,
    InvoiceLine,
    Party,
    VatCategory,
)

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_CODE = "380"  # commercial invoice
CREDIT_NOTE_TYPE_CODE = "381"  # credit note
PAYMENT_MEANS_CREDIT_TRANSFER = "30"


def format_amount(ore: int) -> str:
    """``100000`` -> ``"1000.00"``: öre as a decimal with two places, the only place
    Inspira writes money as a decimal."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"


def _format_decimal(value: int | Decimal) -> str:
    return format(Decimal(value).normalize(), "f")  # 25 -> "25", 2.50 -> "2.5"


class _Writer:
    def __init__(self, document: Document):
        self.document = document
        self.currency = document.currency

    # Small helpers -------------------------------------------------------------------
    def cbc(self, parent, tag: str, text: str | None, **attrib) -> etree._Element | None:
        # Peppol forbids empty elements (PEPPOL-EN16931-R008): leave out what is empty.
        if text is None or str(text).strip() == "":
            return None
        element = etree.SubElement(parent, f"{{{NS_CBC}}}{tag}", attrib)
        element.text = str(text)
        return element

    def cac(self, parent, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{NS_CAC}}}{tag}")

    def amount(self, parent, tag: str, ore: int):
        return self.cbc(parent, tag, format_amount(ore), currencyID=self.currency)

    # The document --------------------------------------------------------------------
    def build(self) -> etree._Element:
        doc = self.document
        credit = doc.is_credit_note
        root_ns = NS_CREDIT_NOTE if credit else NS_INVOICE
        root = etree.Element(
            f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
            nsmap={None: root_ns, "cac": NS_CAC, "cbc": NS_CBC},
        )
        self.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
        self.cbc(root, "ProfileID", PROFILE_ID)
        self.cbc(root, "ID", doc.number)
        self.cbc(root, "IssueDate", doc.issue_date.isoformat())
        if credit:
            self.cbc(root, "CreditNoteTypeCode", CREDIT_NOTE_TYPE_CODE)
        else:
            self.cbc(root, "DueDate", doc.due_date.isoformat())
            self.cbc(root, "InvoiceTypeCode", INVOICE_TYPE_CODE)
        self.cbc(root, "Note", doc.note)
        self.cbc(root, "DocumentCurrencyCode", doc.currency)
        self.cbc(root, "BuyerReference", doc.buyer_reference)
        if doc.period_start or doc.period_end:
            self.period(root, doc.period_start, doc.period_end)
        if doc.order_reference:
            self.cbc(self.cac(root, "OrderReference"), "ID", doc.order_reference)
        if doc.billing_reference:
            reference = self.cac(self.cac(root, "BillingReference"), "InvoiceDocumentReference")
            self.cbc(reference, "ID", doc.billing_reference.number)
            self.cbc(reference, "IssueDate", doc.billing_reference.issue_date.isoformat())
        self.party(self.cac(root, "AccountingSupplierParty"), doc.seller, seller=True)
        self.party(self.cac(root, "AccountingCustomerParty"), doc.buyer, seller=False)
        if doc.payment:
            self.payment_means(root)
        if doc.payment_terms:
            self.cbc(self.cac(root, "PaymentTerms"), "Note", doc.payment_terms)
        self.tax_total(root)
        self.monetary_total(root)
        for line in doc.lines:
            self.line(root, line, credit=credit)
        return root

    def period(self, parent, start, end):
        period = self.cac(parent, "InvoicePeriod")
        self.cbc(period, "StartDate", start.isoformat() if start else None)
        self.cbc(period, "EndDate", end.isoformat() if end else None)

    def party(self, parent, party: Party, *, seller: bool):
        node = self.cac(parent, "Party")
        scheme, address = party.electronic_address
        self.cbc(node, "EndpointID", address, schemeID=scheme)
        self.cbc(self.cac(node, "PartyName"), "Name", party.name)
        postal = self.cac(node, "PostalAddress")
        self.cbc(postal, "StreetName", party.street)
        self.cbc(postal, "CityName", party.city)
        self.cbc(postal, "PostalZone", party.postal_code)
        self.cbc(self.cac(postal, "Country"), "IdentificationCode", party.country)
        if party.vat_number:
            tax_scheme = self.cac(node, "PartyTaxScheme")
            self.cbc(tax_scheme, "CompanyID", party.vat_number)
            self.cbc(self.cac(tax_scheme, "TaxScheme"), "ID", "VAT")
        if seller and party.f_skatt:
            tax_scheme = self.cac(node, "PartyTaxScheme")
            self.cbc(tax_scheme, "CompanyID", F_SKATT_TEXT)
            self.cbc(self.cac(tax_scheme, "TaxScheme"), "ID", "TAX")
        legal = self.cac(node, "PartyLegalEntity")
        self.cbc(legal, "RegistrationName", party.registration_name)
        self.cbc(legal, "CompanyID", party.organisation_number_digits, schemeID="0007")
        if party.contact_name or party.contact_email or party.contact_phone:
            contact = self.cac(node, "Contact")
            self.cbc(contact, "Name", party.contact_name)
            self.cbc(contact, "Telephone", party.contact_phone)
            self.cbc(contact, "ElectronicMail", party.contact_email)

    def payment_means(self, root):
        doc = self.document
        payment = doc.payment
        means = self.cac(root, "PaymentMeans")
        self.cbc(means, "PaymentMeansCode", PAYMENT_MEANS_CREDIT_TRANSFER)
        if doc.is_credit_note and doc.due_date:
            # A UBL credit note has no DueDate of its own; BT-9 lives here.
            self.cbc(means, "PaymentDueDate", doc.due_date.isoformat())
        self.cbc(means, "PaymentID", payment.payment_id or doc.number)
        account = self.cac(means, "PayeeFinancialAccount")
        self.cbc(account, "ID", payment.account_id)
        if payment.branch_id:
            self.cbc(self.cac(account, "FinancialInstitutionBranch"), "ID", payment.branch_id)

    def tax_category(self, parent, tag: str, vat, *, with_reason: bool):
        category = self.cac(parent, tag)
        self.cbc(category, "ID", vat.category.value)
        if vat.category != VatCategory.NOT_SUBJECT:  # BR-O-05: no rate for "not subject"
            self.cbc(category, "Percent", _format_decimal(vat.percent))
        if with_reason:
            self.cbc(category, "TaxExemptionReasonCode", vat.exemption_reason_code)
            self.cbc(category, "TaxExemptionReason", vat.exemption_reason)
        self.cbc(self.cac(category, "TaxScheme"), "ID", "VAT")

    def tax_total(self, root):
        doc = self.document
        total = self.cac(root, "TaxTotal")
        self.amount(total, "TaxAmount", doc.vat_total_ore)
        for subtotal in doc.vat_breakdown:
            node = self.cac(total, "TaxSubtotal")
            self.amount(node, "TaxableAmount", subtotal.taxable_ore)
            self.amount(node, "TaxAmount", subtotal.vat_ore)
            self.tax_category(node, "TaxCategory", subtotal.vat, with_reason=True)

    def monetary_total(self, root):
        doc = self.document
        total = self.cac(root, "LegalMonetaryTotal")
        self.amount(total, "LineExtensionAmount", doc.line_total_ore)
        self.amount(total, "TaxExclusiveAmount", doc.line_total_ore)
        self.amount(total, "TaxInclusiveAmount", doc.total_ore)
        self.amount(total, "PayableAmount", doc.total_ore)

    def line(self, root, line: InvoiceLine, *, credit: bool):
        node = self.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        self.cbc(node, "ID", line.id)
        self.cbc(node, "Note", line.note)
        self.cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity", _format_decimal(line.quantity),
                 unitCode=line.unit_code)
        self.amount(node, "LineExtensionAmount", line.line_total_ore)
        if line.period_start or line.period_end:
            self.period(node, line.period_start, line.period_end)
        item = self.cac(node, "Item")
        self.cbc(item, "Name", line.description)
        self.tax_category(item, "ClassifiedTaxCategory", line.vat, with_reason=False)
        price = self.cac(node, "Price")
        self.amount(price, "PriceAmount", line.unit_price_ore)


def build_ubl(document: Document) -> bytes:
    """The document as UTF-8 UBL 2.1 XML (Invoice or CreditNote), Peppol BIS Billing 3.0."""
    root = _Writer(document).build()
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)
