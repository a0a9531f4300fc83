"""What an electronic invoice says, as plain data (no Django, no XML).

Billing builds a ``Document`` from its invoice rows; ``inspira.einvoice.ubl.build_ubl`` writes
it as Peppol BIS Billing 3.0 UBL, and the PDF template can show the same totals
(``Document.vat_breakdown``, ``Document.total_ore``), so the two never disagree.

Amounts are integers of öre everywhere; they become decimals with two places ("1000.00")
only when XML is written. Each class checks what the Peppol and EN 16931 rules need of it
when it is made, and raises ``EInvoiceError`` with a plain message, so an invalid e-invoice
fails where the data is wrong rather than at a receiver's validator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr
from stdnum.se import vat as se_vat

# The electronic address scheme (ISO 6523 ICD) of Swedish organisation numbers.
SCHEME_SE_ORGNR = "0007"
F_SKATT_TEXT = "Godkänd för F-skatt"
# Swedish VAT rates (SE-R-006 allows only these for a Swedish seller).
SWEDISH_VAT_RATES = (Decimal(25), Decimal(12), Decimal(6))


class EInvoiceError(ValueError):
    """The data cannot make a valid e-invoice; the message says why."""


class VatCategory(StrEnum):
    """UNCL 5305 VAT category codes that Inspira uses."""

    STANDARD = "S"  # VAT charged at a rate
    EXEMPT = "E"  # exempt from VAT (e.g. education, 3 kap. ML); the seller is VAT-registered
    NOT_SUBJECT = "O"  # outside the scope of VAT; no VAT number may appear on the invoice


@dataclass(frozen=True)
class Vat:
    """The VAT treatment of a line: ``Vat.exempt("Momsfri ...")``, ``Vat.standard(25)``,
    ``Vat.not_subject("...")``. Which one a fee is comes from the fee rule."""

    category: VatCategory
    percent: Decimal = Decimal(0)
    exemption_reason: str = ""
    # Optional VATEX code (CEF VAT exemption reason code list), e.g. "VATEX-EU-O".
    exemption_reason_code: str = ""

    def __post_init__(self):
        object.__setattr__(self, "category", VatCategory(self.category))
        object.__setattr__(self, "percent", Decimal(self.percent))
        object.__setattr__(self, "exemption_reason", self.exemption_reason.strip())
        if self.category == VatCategory.STANDARD:
            if self.percent <= 0:
                raise EInvoiceError("Standard-rated VAT needs a rate above zero.")
            if self.exemption_reason or self.exemption_reason_code:
                raise EInvoiceError("Standard-rated VAT has no exemption reason.")
        else:
            if self.percent != 0:
                raise EInvoiceError(f"VAT category {self.category} has no rate.")
            if not (self.exemption_reason or self.exemption_reason_code):
                raise EInvoiceError(f"VAT category {self.category} needs an exemption reason.")

    @classmethod
    def standard(cls, percent: int | Decimal) -> Vat:
        return cls(VatCategory.STANDARD, Decimal(percent))

    @classmethod
    def exempt(cls, reason: str, code: str = "") -> Vat:
        return cls(VatCategory.EXEMPT, exemption_reason=reason, exemption_reason_code=code)

    @classmethod
    def not_subject(cls, reason: str = "Not subject to VAT", code: str = "VATEX-EU-O") -> Vat:
        return cls(VatCategory.NOT_SUBJECT, exemption_reason=reason, exemption_reason_code=code)

    @property
    def charges_vat(self) -> bool:
        return self.category == VatCategory.STANDARD


@dataclass(frozen=True)
class Party:
    """A seller or buyer: a school, billed as the organisation that runs it.

    ``name`` is the name people know (the school); ``legal_name`` the registered name of the
    legal entity (e.g. "Stockholms kommun"), defaulting to ``name``. ``organisation_number``
    is accepted as typed and kept as ``NNNNNN-NNNN``; the XML carries its ten digits.
    """

    name: str
    organisation_number: str
    street: str
    postal_code: str
    city: str
    country: str = "SE"
    legal_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    # "SE" + organisation number + "01" when the organisation is registered for VAT.
    vat_number: str = ""
    # Approved for F-tax: a Swedish seller then states "Godkänd för F-skatt" (SE-R-005).
    f_skatt: bool = False
    # Peppol electronic address; by default the organisation number under scheme 0007.
    endpoint_id: str = ""
    endpoint_scheme: str = SCHEME_SE_ORGNR

    def __post_init__(self):
        for name in ("name", "street", "postal_code", "city"):
            if not getattr(self, name).strip():
                raise EInvoiceError(f"The party's {name.replace('_', ' ')} is missing.")
        try:
            number = orgnr.validate(self.organisation_number)
        except StdnumError as exc:
            raise EInvoiceError(f"Not a valid Swedish organisation number: {self.organisation_number!r}") from exc
        object.__setattr__(self, "organisation_number", orgnr.format(number))
        object.__setattr__(self, "country", self.country.strip().upper())
        if self.vat_number:
            try:
                compact = se_vat.validate(self.vat_number)
            except StdnumError as exc:
                raise EInvoiceError(f"Not a valid Swedish VAT number: {self.vat_number!r}") from exc
            object.__setattr__(self, "vat_number", f"SE{compact}")
        if self.endpoint_scheme == SCHEME_SE_ORGNR and self.endpoint_id:
            try:
                object.__setattr__(self, "endpoint_id", orgnr.validate(self.endpoint_id))
            except StdnumError as exc:
                raise EInvoiceError(f"Not a valid organisation number: {self.endpoint_id!r}") from exc

    @property
    def organisation_number_digits(self) -> str:
        return orgnr.compact(self.organisation_number)

    @property
    def registration_name(self) -> str:
        return self.legal_name or self.name

    @property
    def electronic_address(self) -> tuple[str, str]:
        """(scheme, id) of the Peppol address (BT-34 / BT-49)."""
        return self.endpoint_scheme, self.endpoint_id or self.organisation_number_digits


def _round_half_up(value: Decimal) -> int:
    # XPath's round() (which the EN 16931 rules use) rounds .5 towards positive infinity.
    return int((value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class InvoiceLine:
    """One line: ``quantity`` × ``unit_price_ore``. ``line_total_ore`` is derived, so it
    always satisfies the rule that a line's amount is quantity times price (PEPPOL R120)."""

    id: str
    description: str
    quantity: int | Decimal
    unit_price_ore: int
    vat: Vat
    unit_code: str = "EA"  # UN/ECE Rec 20: "each"
    note: str = ""
    # The day (or first and last day) the service was given, e.g. the visit's date.
    period_start: date | None = None
    period_end: date | None = None

    def __post_init__(self):
        object.__setattr__(self, "id", str(self.id).strip())
        if not self.id or not self.description.strip():
            raise EInvoiceError("Every line needs an id and a description.")
        if not isinstance(self.unit_price_ore, int):
            raise EInvoiceError("Prices are whole öre (int).")
        if self.unit_price_ore < 0:
            raise EInvoiceError("A price cannot be negative; credit with a credit note.")
        if Decimal(self.quantity) <= 0:
            raise EInvoiceError("A line's quantity must be above zero.")

    @property
    def line_total_ore(self) -> int:
        return _round_half_up(Decimal(self.quantity) * self.unit_price_ore)


@dataclass(frozen=True)
class VatSubtotal:
    """One row of the VAT breakdown (BG-23)."""

    vat: Vat
    taxable_ore: int
    vat_ore: int


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class PaymentAccountKind(StrEnum):
    BANKGIRO = "bankgiro"
    PLUSGIRO = "plusgiro"
    IBAN = "iban"


@dataclass(frozen=True)
class Payment:
    """Where to pay, by credit transfer (payment means code 30)."""

    kind: PaymentAccountKind
    account: str  # "5050-1055" for a bankgiro number; digits are written to the XML
    bic: str = ""  # with an IBAN only
    payment_id: str = ""  # what the payer quotes (BT-83); by default the invoice number

    def __post_init__(self):
        object.__setattr__(self, "kind", PaymentAccountKind(self.kind))
        compact = re.sub(r"[\s-]", "", self.account).upper()
        if self.kind == PaymentAccountKind.BANKGIRO and not re.fullmatch(r"\d{7,8}", compact):
            raise EInvoiceError(f"A bankgiro number has 7 or 8 digits: {self.account!r}")
        if self.kind == PaymentAccountKind.PLUSGIRO and not re.fullmatch(r"\d{2,8}", compact):
            raise EInvoiceError(f"A plusgiro number has 2 to 8 digits: {self.account!r}")
        if self.kind == PaymentAccountKind.IBAN and not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
            raise EInvoiceError(f"Not an IBAN: {self.account!r}")

    @property
    def account_id(self) -> str:
        return re.sub(r"[\s-]", "", self.account).upper()

    @property
    def branch_id(self) -> str:
        """FinancialInstitutionBranch ID: how Swedish giro accounts are told apart (SE-R-011)."""
        return {PaymentAccountKind.BANKGIRO: "SE:BANKGIRO", PaymentAccountKind.PLUSGIRO: "SE:PLUSGIRO"}.get(
            self.kind, self.bic.strip().upper()
        )


@dataclass(frozen=True)
class InvoiceReference:
    """The invoice a credit note corrects (BG-3)."""

    number: str
    issue_date: date


@dataclass(frozen=True)
class Document:
    """An invoice or a credit note.

    ``buyer_reference`` (BT-10) is always required: Swedish public buyers route invoices by
    it (the school's invoice reference). A credit note names the invoice it corrects in
    ``billing_reference``; its amounts are positive (it is the document type that credits).
    """

    kind: DocumentKind
    number: str
    issue_date: date
    seller: Party
    buyer: Party
    buyer_reference: str
    lines: tuple[InvoiceLine, ...]
    payment: Payment | None = None
    due_date: date | None = None
    currency: str = "SEK"
    order_reference: str = ""
    note: str = ""
    payment_terms: str = ""
    billing_reference: InvoiceReference | None = None
    period_start: date | None = None
    period_end: date | None = None
    _breakdown: tuple[VatSubtotal, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "kind", DocumentKind(self.kind))
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "buyer_reference", self.buyer_reference.strip())
        if not self.number.strip():
            raise EInvoiceError("The document needs a number.")
        if not self.buyer_reference:
            raise EInvoiceError("The buyer reference is required (PEPPOL-EN16931-R003).")
        if not self.lines:
            raise EInvoiceError("The document needs at least one line.")
        if len({line.id for line in self.lines}) != len(self.lines):
            raise EInvoiceError("Line ids must be unique.")
        if self.kind == DocumentKind.INVOICE:
            if self.payment is None or self.due_date is None:
                raise EInvoiceError("An invoice needs payment details and a due date.")
            if self.billing_reference is not None:
                raise EInvoiceError("Only a credit note refers to an earlier invoice.")
        elif self.billing_reference is None:
            raise EInvoiceError("A credit note must refer to the invoice it corrects.")
        if self.due_date and self.due_date < self.issue_date:
            raise EInvoiceError("The due date cannot be before the issue date.")
        if (self.period_start and self.period_end) and self.period_end < self.period_start:
            raise EInvoiceError("The invoice period ends before it starts.")
        object.__setattr__(self, "_breakdown", self._compute_breakdown())
        self._check_vat_rules()

    def _compute_breakdown(self) -> tuple[VatSubtotal, ...]:
        groups: dict[tuple[VatCategory, Decimal], list[InvoiceLine]] = {}
        for line in self.lines:
            groups.setdefault((line.vat.category, line.vat.percent), []).append(line)
        subtotals = []
        for (_category, percent), lines in groups.items():
            vats = {line.vat for line in lines}
            if len(vats) > 1:
                raise EInvoiceError("Lines of one VAT category and rate must share one exemption reason.")
            taxable = sum(line.line_total_ore for line in lines)
            subtotals.append(VatSubtotal(vats.pop(), taxable, _round_half_up(taxable * percent / 100)))
        return tuple(subtotals)

    def _check_vat_rules(self):
        categories = {line.vat.category for line in self.lines}
        seller_registered = bool(self.seller.vat_number or self.seller.f_skatt)
        if VatCategory.EXEMPT in categories and not seller_registered:
            # BR-E-02: an exempt line needs the seller's VAT number or tax registration.
            raise EInvoiceError("VAT-exempt lines need the seller's VAT number or F-tax approval; "
                                "a seller without either invoices as 'not subject to VAT'.")
        if VatCategory.NOT_SUBJECT in categories:
            if len(categories) > 1:
                raise EInvoiceError("'Not subject to VAT' lines cannot be mixed with other VAT categories (BR-O-11).")
            if self.seller.vat_number or self.buyer.vat_number:
                raise EInvoiceError("A 'not subject to VAT' invoice shows no VAT numbers (BR-O-02).")
        if VatCategory.STANDARD in categories and not self.seller.vat_number:
            raise EInvoiceError("Charging VAT needs the seller's VAT number (BR-S-02).")

    # Totals (BG-22) ------------------------------------------------------------------
    @property
    def vat_breakdown(self) -> tuple[VatSubtotal, ...]:
        return self._breakdown

    @property
    def line_total_ore(self) -> int:
        return sum(line.line_total_ore for line in self.lines)

    @property
    def vat_total_ore(self) -> int:
        return sum(subtotal.vat_ore for subtotal in self._breakdown)

    @property
    def total_ore(self) -> int:
        """What the buyer pays (or is credited): lines plus VAT."""
        return self.line_total_ore + self.vat_total_ore

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE
