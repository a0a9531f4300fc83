"""The model refuses data that cannot make a valid e-invoice, before any XML is written."""

from datetime import date
from decimal import Decimal

import pytest

from inspira.einvoice.model import EInvoiceError, InvoiceLine, Payment, PaymentAccountKind, Vat
from tests.einvoice.builders import credit_note, katarina_norra, vasaskolan, visit_invoice, visit_line


def test_buyer_reference_is_required():
    with pytest.raises(EInvoiceError, match="buyer reference"):
        visit_invoice(buyer_reference="  ")


def test_organisation_numbers_are_checked_and_normalised():
    assert vasaskolan(organisation_number="2120000142").organisation_number == "212000-0142"
    assert vasaskolan().organisation_number_digits == "2120000142"
    with pytest.raises(EInvoiceError, match="organisation number"):
        vasaskolan(organisation_number="212000-0143")


def test_vat_numbers_are_checked_and_normalised():
    assert vasaskolan(vat_number="SE 2120000142 01").vat_number == "SE212000014201"
    with pytest.raises(EInvoiceError, match="VAT number"):
        vasaskolan(vat_number="SE212000014301")


def test_endpoint_defaults_to_the_organisation_number_under_scheme_0007():
    assert katarina_norra().electronic_address == ("0007", "2120000142")
    assert katarina_norra(endpoint_id="556036-0793").electronic_address == ("0007", "5560360793")


def test_exempt_lines_need_the_sellers_tax_registration():
    with pytest.raises(EInvoiceError, match="VAT number or F-tax"):
        visit_invoice(seller=vasaskolan(vat_number=""))


def test_not_subject_to_vat_shows_no_vat_numbers_and_mixes_with_nothing():
    not_subject = Vat.not_subject("Ej föremål för mervärdesskatt")
    with pytest.raises(EInvoiceError, match="BR-O-02"):
        visit_invoice(lines=[visit_line(vat=not_subject)])
    with pytest.raises(EInvoiceError, match="BR-O-11"):
        visit_invoice(seller=vasaskolan(vat_number="", f_skatt=True),
                      lines=[visit_line("1", vat=not_subject), visit_line("2")])


def test_vat_categories_keep_their_rules():
    with pytest.raises(EInvoiceError):
        Vat.standard(0)
    with pytest.raises(EInvoiceError):
        Vat.exempt("")
    with pytest.raises(EInvoiceError):
        Vat("E", Decimal(25), exemption_reason="x")


def test_one_category_has_one_exemption_reason():
    with pytest.raises(EInvoiceError, match="one exemption reason"):
        visit_invoice(lines=[visit_line("1"), visit_line("2", vat=Vat.exempt("Annan text"))])


def test_a_credit_note_must_refer_to_its_invoice():
    with pytest.raises(EInvoiceError, match="refer"):
        credit_note(billing_reference=None)
    with pytest.raises(EInvoiceError, match="Only a credit note"):
        visit_invoice(billing_reference=credit_note().billing_reference)


def test_an_invoice_needs_payment_details_and_a_due_date():
    with pytest.raises(EInvoiceError):
        visit_invoice(payment=None)
    with pytest.raises(EInvoiceError):
        visit_invoice(due_date=None)
    with pytest.raises(EInvoiceError, match="before the issue date"):
        visit_invoice(due_date=date(2011, 3, 1))


def test_lines_are_whole_ore_with_unique_ids():
    with pytest.raises(EInvoiceError, match="whole öre"):
        InvoiceLine(id="1", description="Besök", quantity=1, unit_price_ore=1000.0, vat=Vat.standard(25))
    with pytest.raises(EInvoiceError, match="unique"):
        visit_invoice(lines=[visit_line("1"), visit_line("1")])


def test_totals_follow_the_lines():
    document = visit_invoice(lines=[visit_line("1"), visit_line("2", price_ore=50_050)])

    assert document.line_total_ore == 150_050
    assert document.vat_total_ore == 0
    assert document.total_ore == 150_050
    assert [(s.vat.category, s.taxable_ore, s.vat_ore) for s in document.vat_breakdown] == [("E", 150_050, 0)]


def test_vat_rounds_half_up_to_whole_ore():
    line = InvoiceLine(id="1", description="Besök", quantity=1, unit_price_ore=2, vat=Vat.standard(25))

    assert visit_invoice(lines=[line]).vat_total_ore == 1  # 0.5 öre rounds up, as the rules' round() does


@pytest.mark.parametrize("kind, account", [
    (PaymentAccountKind.BANKGIRO, "123-45"),
    (PaymentAccountKind.PLUSGIRO, "1"),
    (PaymentAccountKind.IBAN, "not an iban"),
])
def test_payment_accounts_are_checked(kind, account):
    with pytest.raises(EInvoiceError):
        Payment(kind=kind, account=account)
