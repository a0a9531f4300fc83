"""The validator accepts correct documents and fails broken ones with the right rule."""

import pytest
from lxml import etree

from inspira.einvoice.validate import SCHEMATRON_DIR, SCHEMATRONS, check_ubl, compiled_assert_ids, validate_ubl
from tests.einvoice.builders import EXAMPLES

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
OFFICIAL_EXAMPLES = ["base-example.xml", "vat-category-E.xml", "vat-category-O.xml", "base-creditnote-correction.xml"]


def example(name: str) -> etree._ElementTree:
    return etree.parse(str(EXAMPLES / name))


def edit(tree, xpath: str, text: str | None = None, *, remove: bool = False) -> bytes:
    nodes = tree.xpath(xpath, namespaces=NS)
    assert nodes, f"nothing at {xpath}"
    for node in nodes:
        if remove:
            node.getparent().remove(node)
        else:
            node.text = text
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("name", OFFICIAL_EXAMPLES)
def test_official_examples_pass_with_no_fatal_failure(name):
    assert validate_ubl((EXAMPLES / name).read_bytes()) == []


def test_every_schematron_assert_is_compiled_into_the_validator():
    compiled = compiled_assert_ids()
    for name in SCHEMATRONS:
        schematron = etree.parse(str(SCHEMATRON_DIR / name))  # parsed: commented-out rules do not count
        in_source = {node.get("id") for node in schematron.iter("{http://purl.oclc.org/dsdl/schematron}assert")}
        assert in_source, name
        assert compiled[name] == in_source, name
    assert len(compiled["CEN-EN16931-UBL.sch"]) > 900
    assert {"SE-R-005", "SE-R-013", "PEPPOL-EN16931-R003"} <= compiled["PEPPOL-EN16931-UBL.sch"]


def test_wrong_total_fails_br_co_16():
    xml = edit(example("base-example.xml"), "/*/cac:LegalMonetaryTotal/cbc:PayableAmount", "1600.00")

    report = check_ubl(xml)

    assert "BR-CO-16" in report.error_rules
    assert any(failure.startswith("BR-CO-16: ") for failure in validate_ubl(xml))


def test_missing_buyer_reference_fails_peppol_r003():
    xml = edit(example("vat-category-E.xml"), "/*/cbc:BuyerReference", remove=True)

    assert "PEPPOL-EN16931-R003" in check_ubl(xml).error_rules


def test_bad_gln_fails_a_rule_that_uses_the_schematrons_own_functions():
    # PEPPOL-COMMON-R040 calls u:gln, an xsl:function defined inside the Schematron.
    xml = edit(example("vat-category-E.xml"), "//cbc:EndpointID[@schemeID='0088']", "7300010000002")

    assert check_ubl(xml).error_rules == {"PEPPOL-COMMON-R040"}


def test_unknown_currency_fails_the_code_list_rules():
    tree = example("vat-category-O.xml")
    xml = edit(tree, "/*/cbc:DocumentCurrencyCode", "ABC")

    assert "BR-CL-04" in check_ubl(xml).error_rules


def test_exempt_breakdown_without_reason_fails_br_e_10():
    xml = edit(example("vat-category-E.xml"), "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode",
               remove=True)

    assert "BR-E-10" in check_ubl(xml).error_rules


def test_schema_violation_is_reported_by_the_xsd_check():
    tree = example("base-example.xml")
    # Elements out of the schema's order: IssueDate after DueDate.
    issue = tree.find("cbc:IssueDate", NS)
    tree.getroot().remove(issue)
    tree.find("cbc:DueDate", NS).addnext(issue)

    report = check_ubl(etree.tostring(tree))

    assert "XSD" in report.error_rules


def test_credit_note_is_checked_against_the_credit_note_schema():
    tree = example("base-creditnote-correction.xml")
    tree.getroot().insert(3, etree.Element(f"{{{NS['cbc']}}}DueDate"))  # an invoice element
    tree.find("cbc:DueDate", NS).text = "2017-12-01"

    assert "XSD" in check_ubl(etree.tostring(tree)).error_rules


@pytest.mark.parametrize("xml, expected", [
    (b"<Invoice", "Not well-formed"),
    (b"<?xml version='1.0'?><Order xmlns='urn:x'/>", "Not a UBL 2.1 Invoice or CreditNote"),
    (b"<?xml version='1.0'?><!DOCTYPE Invoice [<!ENTITY x 'y'>]><Invoice/>", "DOCTYPE"),
])
def test_what_is_not_a_ubl_document_is_refused(xml, expected):
    failures = validate_ubl(xml)

    assert len(failures) == 1
    assert expected in failures[0]


def test_warnings_are_reported_apart_from_errors():
    # A Swedish seller's bankgiro number of 6 digits breaks SE-R-009, which is a warning.
    tree = example("vat-category-E.xml")
    edit(tree, "//cac:AccountingSupplierParty//cac:Country/cbc:IdentificationCode", "SE")
    edit(tree, "//cac:AccountingSupplierParty//cac:PartyTaxScheme/cbc:CompanyID", "SE212000014201")
    edit(tree, "//cac:PayeeFinancialAccount/cbc:ID", "123456")
    xml = edit(tree, "//cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID", "SE:BANKGIRO")

    report = check_ubl(xml)

    assert report.ok, report.errors
    assert "SE-R-009" in report.warning_rules
    assert validate_ubl(xml) == []
