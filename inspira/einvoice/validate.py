"""Validate UBL 2.1 invoices and credit notes against the Peppol BIS Billing 3.0 rules, offline.

Three checks, in order, on the same document:

1. the OASIS UBL 2.1 schema (``maindoc/UBL-Invoice-2.1.xsd`` or ``UBL-CreditNote-2.1.xsd``,
   chosen by the root element), with lxml;
2. the European standard's rules, ``CEN-EN16931-UBL.sch`` (BR-*, BR-CO-*, BR-CL-*, UBL-*);
3. OpenPEPPOL's rules, ``PEPPOL-EN16931-UBL.sch`` (PEPPOL-*, and the national rules such as
   SE-R-* for a Swedish seller).

The Schematron files (vendored in ``resources/``, see its README for their release) are
compiled once per process into XSLT with the ISO Schematron skeleton that lxml ships
(include, abstract-expand, then svrl with ``allow-foreign=true`` so the rules' own
``xsl:function``s are kept). Their ``queryBinding`` is ``xslt2``, which that skeleton does not
know, so it is told ``xslt`` and the generated stylesheet is raised to version 2.0; SaxonC-HE
(saxonche, an XSLT 3 processor) then runs it, since the rules use XPath 2 (``matches``,
``xs:decimal``, ``for ... return``, ...). Compiling takes about a second; validating one
invoice a few milliseconds.

Failed asserts flagged ``fatal`` are errors; ``warning`` (and anything else) are warnings.

Rules this validator cannot run: none found. ``compiled_assert_ids()`` lists the assert ids
that made it into the compiled stylesheets; the tests check that it is every assert id in
both Schematron files (980 in CEN, 156 in Peppol, release 3.0.19), so no rule is silently
dropped by the compilation. Differences from the official validator that remain: the
official artefacts are compiled with the XSLT 2 skeleton, this one with lxml's XSLT 1
skeleton raised to 2.0 (same rule order and first-match-per-pattern semantics); the phase
is always "#ALL" (both patterns of the CEN file, the model and the code lists, run).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

RESOURCES = Path(__file__).resolve().parent / "resources"
XSD_DIR = RESOURCES / "ubl-2.1-xsd" / "maindoc"
SCHEMATRON_DIR = RESOURCES / "peppol-bis-3" / "sch"
SCHEMATRONS = ("CEN-EN16931-UBL.sch", "PEPPOL-EN16931-UBL.sch")

ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "UBL-Invoice-2.1.xsd",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "UBL-CreditNote-2.1.xsd",
}
NS_SVRL = "http://purl.oclc.org/dsdl/svrl"
NS_XSL = "http://www.w3.org/1999/XSL/Transform"

# SaxonC is not documented as safe for concurrent use of one processor; validation takes
# milliseconds, so one lock keeps threads (e.g. the development server) out of each other.
_saxon_lock = threading.Lock()


@dataclass(frozen=True)
class Failure:
    """One failed check: an XSD error (rule "XSD"), or a failed Schematron assert."""

    rule: str
    message: str
    flag: str = "fatal"
    location: str = ""
    source: str = ""  # "XSD", or the Schematron file's name

    def __str__(self) -> str:
        where = f" (at {self.location})" if self.location else ""
        return f"{self.rule}: {self.message}{where}"


@dataclass
class Report:
    errors: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rules(self) -> set[str]:
        return {failure.rule for failure in self.errors}

    @property
    def warning_rules(self) -> set[str]:
        return {failure.rule for failure in self.warnings}


def _skeleton_dir() -> Path:
    import lxml.isoschematron

    return Path(lxml.isoschematron.__file__).parent / "resources" / "xsl" / "iso-schematron-xslt1"


def schematron_to_xslt(path: Path) -> bytes:
    """Compile one Schematron file to an XSLT 2.0 stylesheet that writes SVRL."""
    skeleton = _skeleton_dir()
    include = etree.XSLT(etree.parse(str(skeleton / "iso_dsdl_include.xsl")))
    expand = etree.XSLT(etree.parse(str(skeleton / "iso_abstract_expand.xsl")))
    svrl = etree.XSLT(etree.parse(str(skeleton / "iso_svrl_for_xslt1.xsl")))
    schema = etree.parse(str(path))
    # The XSLT 1 skeleton only knows the xslt binding; the XPath 2 in the rules is run by
    # an XSLT 3 processor below, so this only gets past the skeleton's check.
    schema.getroot().set("queryBinding", "xslt")
    stylesheet = svrl(expand(include(schema)), **{"allow-foreign": "'true'"})
    stylesheet.getroot().set("version", "2.0")
    return etree.tostring(stylesheet)


@dataclass
class _Rules:
    processor: object  # saxonche.PySaxonProcessor: kept alive as long as its executables
    executables: dict[str, object]
    stylesheets: dict[str, bytes]
    schemas: dict[str, etree.XMLSchema]


@cache
def _rules() -> _Rules:
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    stylesheets = {name: schematron_to_xslt(SCHEMATRON_DIR / name) for name in SCHEMATRONS}
    with _saxon_lock:
        executables = {name: xslt.compile_stylesheet(stylesheet_text=text.decode("utf-8"))
                       for name, text in stylesheets.items()}
    schemas = {tag: etree.XMLSchema(etree.parse(str(XSD_DIR / xsd))) for tag, xsd in ROOTS.items()}
    return _Rules(processor, executables, stylesheets, schemas)


def compile_rules() -> None:
    """Compile the schemas and Schematrons now (about a second), e.g. when a worker starts.
    Otherwise the first validation does it; either way only once per process."""
    _rules()


def compiled_assert_ids() -> dict[str, set[str]]:
    """The assert ids each compiled stylesheet can report, to prove none was dropped."""
    ids = {}
    for name, text in _rules().stylesheets.items():
        tree = etree.fromstring(text)
        ids[name] = {
            attribute.text
            for attribute in tree.iter(f"{{{NS_XSL}}}attribute")
            if attribute.get("name") == "id" and attribute.getparent().tag == f"{{{NS_SVRL}}}failed-assert"
        }
    return ids


def _parse(xml: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.ElementTree(etree.fromstring(xml, parser))


def check_ubl(xml: bytes) -> Report:
    """Run the XSD and both Schematrons; return errors and warnings."""
    report = Report()
    try:
        tree = _parse(xml)
    except etree.XMLSyntaxError as exc:
        report.errors.append(Failure("XML", f"Not well-formed XML: {exc}", source="XML"))
        return report
    if tree.docinfo.doctype:
        report.errors.append(Failure("XML", "A UBL document has no DOCTYPE.", source="XML"))
        return report
    root_tag = tree.getroot().tag
    if root_tag not in ROOTS:
        report.errors.append(Failure("XML", f"Not a UBL 2.1 Invoice or CreditNote: {root_tag}", source="XML"))
        return report

    rules = _rules()
    schema = rules.schemas[root_tag]
    if not schema.validate(tree):
        for error in schema.error_log:
            report.errors.append(Failure("XSD", error.message, location=f"line {error.line}", source="XSD"))

    text = etree.tostring(tree, encoding="unicode")
    for name, executable in rules.executables.items():
        try:
            with _saxon_lock:
                node = rules.processor.parse_xml(xml_text=text)
                svrl = executable.transform_to_string(xdm_node=node)
        except Exception as exc:  # saxonche.PySaxonApiError: a rule failed to evaluate
            report.errors.append(Failure("SCHEMATRON", f"{name} could not be run: {exc}", source=name))
            continue
        # The rules use only asserts today; a report (successful-report) counts the same way.
        results = etree.fromstring(svrl.encode("utf-8"))
        for failed in results.iter(f"{{{NS_SVRL}}}failed-assert", f"{{{NS_SVRL}}}successful-report"):
            message = " ".join("".join(failed.find(f"{{{NS_SVRL}}}text").itertext()).split())
            failure = Failure(failed.get("id") or "?", message, flag=failed.get("flag") or "",
                              location=failed.get("location") or "", source=name)
            (report.errors if failure.flag == "fatal" else report.warnings).append(failure)
    return report


def validate_ubl(xml: bytes) -> list[str]:
    """The fatal failures of ``xml`` (XSD and both Schematrons) as readable lines; empty
    when the document is a valid Peppol BIS Billing 3.0 invoice or credit note. Warnings
    are left out: use ``check_ubl`` for those."""
    return [str(failure) for failure in check_ubl(xml).errors]
