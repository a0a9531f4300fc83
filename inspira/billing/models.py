"""Money of the study visits: fee entries, invoices and credit notes, and who they are to.

When the host marks a visit completed (``inspira.visits.signals.booking_completed``), the fee rule
of the school year in which the visit took place decides the amounts, and they are *copied* onto
``FeeEntry`` rows: one per payer of the visit fee, each earned by the host school.

    visit fee (host earns)  =  visiting school's share  +  central administration's share
                               FeeEntry(payer=visiting)    FeeEntry(payer=central)

The host bills (the programme's rule: "booking and billing are handled by the receiving school"): in the same
transaction an ``Invoice`` from the host to the visiting school for its share; the central shares
are collected into one invoice per host per month (``services.central_invoices_issue``). Undoing a
completion adds reversing entries (negative amounts, ``reverses``) and, for what was invoiced, a
credit note that names the original invoice. Entries, invoices and their lines are never changed
or deleted: only an invoice's delivery and payment state (``Invoice.STATE_FIELDS``) changes.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.core.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from inspira.core.storage import private_storage
from inspira.schools.validators import validate_organisation_number


def validate_bankgiro(value: str) -> None:
    if not re.fullmatch(r"\d{3,4}-?\d{4}", value.strip()):
        raise ValidationError(_("Enter a bankgiro number: 7 or 8 digits, e.g. 5050-1055."), code="invalid")


class BillingSettings(models.Model):
    """The central administration as the recipient of the monthly invoices, and the payment details
    printed on every invoice. One row (``BillingSettings.load()``), edited by finance.

    The issuing schools are municipal schools of one organisation (they share its organisation number,
    see ``School.organisation_number``), paid into one account: so one bankgiro number serves every
    issuing school rather than a setting per school. Until someone in finance has saved this page
    (``updated_at`` is empty) the defaults below apply and the finance pages say so.
    """

    central_name = models.CharField(_("name"), max_length=200, default="Utbildningsförvaltningen")
    central_legal_name = models.CharField(
        _("registered name"), max_length=200, default="Stockholms kommun",
        help_text=_("The legal entity the organisation number belongs to."),
    )
    central_organisation_number = models.CharField(
        _("organisation number"), max_length=11, default="212000-0142", validators=[validate_organisation_number],
    )
    central_street_address = models.CharField(_("street address or box"), max_length=200, default="Box 22049")
    central_postal_code = models.CharField(_("postal code"), max_length=6, default="104 22")
    central_city = models.CharField(_("city"), max_length=100, default="Stockholm")
    central_invoice_address = models.TextField(
        _("invoice address"), default="Utbildningsförvaltningen\nBox 22049\n104 22 Stockholm",
        help_text=_("The full postal address printed on the invoices to the central administration."),
    )
    central_invoice_reference = models.CharField(
        _("invoice reference"), max_length=100, default="Inspirationsplatser",
        help_text=_("The reference that must be on every invoice to the central administration."),
    )
    central_invoice_email = models.EmailField(
        _("email for invoices"), blank=True,
        help_text=_("Where the monthly invoices are emailed. Leave empty to use the programme's contact address."),
    )
    bankgiro = models.CharField(
        _("bankgiro number"), max_length=9, default="5050-1055", validators=[validate_bankgiro],
        help_text=_("Where the schools' invoices are paid, e.g. 5050-1055. One account for all issuing schools."),
    )
    issuers_vat_registered = models.BooleanField(
        _("the issuing schools' organisation is registered for VAT"), default=True,
        help_text=_("If ticked, invoices show the VAT number (SE + organisation number + 01); VAT-exempt fees are "
                    "then stated as exempt. If not, they are stated as outside the scope of VAT."),
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="billing_settings_single_row")]

    def __str__(self):
        return str(_("Billing settings"))

    @classmethod
    def load(cls) -> "BillingSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row

    @property
    def is_checked(self) -> bool:
        return self.updated_at is not None

    @property
    def central_email(self) -> str:
        return self.central_invoice_email or settings.PROGRAMME_CONTACT_EMAIL


class Payer(models.TextChoices):
    VISITING_SCHOOL = "visiting_school", _("Visiting school")
    CENTRAL = "central", _("Central administration")


class FeeEntryQuerySet(AppendOnlyQuerySet):
    def open(self):
        """Entries that count: recorded at a completion and not reversed since."""
        return self.filter(reverses__isnull=True, reversed_by__isnull=True)

    def uninvoiced(self):
        return self.filter(invoice_line__isnull=True)


class FeeEntry(AppendOnlyModel):
    """What one payer owes the host for one completed visit, with the fee rule's amounts copied at the
    completion. A reversal (an undone completion) is a new row with the negative amount that names the
    entry it reverses; the original stays as it was (and on PostgreSQL a trigger refuses any change,
    migration 0003)."""

    APPEND_ONLY_HINT = "record a reversing entry instead"

    booking = models.ForeignKey(
        "visits.Booking", verbose_name=_("visit"), on_delete=models.PROTECT, related_name="fee_entries"
    )
    certification = models.ForeignKey(
        "certification.Certification", verbose_name=_("inspiration site"), on_delete=models.PROTECT,
        related_name="fee_entries",
    )
    host = models.ForeignKey(
        "schools.School", verbose_name=_("host school (earns)"), on_delete=models.PROTECT,
        related_name="fee_entries_earned",
    )
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices)
    payer_school = models.ForeignKey(
        "schools.School", verbose_name=_("paying school"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="fee_entries_owed",
        help_text=_("The visiting school; empty when the central administration pays."),
    )
    school_year = models.ForeignKey(
        "schoolyears.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    visit_date = models.DateField(_("visit date"))
    amount_ore = models.BigIntegerField(_("amount"), help_text=_("Negative for a reversal."))
    # The fee rule as it was at the completion.
    rule_visit_fee_ore = models.PositiveBigIntegerField(_("visit fee (rule)"))
    rule_central_share_ore = models.PositiveBigIntegerField(_("central share (rule)"))
    rule_visiting_share_ore = models.PositiveBigIntegerField(_("visiting school's share (rule)"))
    vat_rate_percent = models.PositiveSmallIntegerField(_("VAT rate (%)"))
    vat_exemption_text = models.CharField(_("VAT exemption text"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FeeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee entry")
        verbose_name_plural = _("fee entries")
        ordering = ["visit_date", "pk"]
        indexes = [
            models.Index(fields=["host", "payer", "visit_date"], name="fee_entry_host_payer_date"),
            models.Index(fields=["school_year", "payer"], name="fee_entry_year_payer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True, amount_ore__gt=0)
                           | models.Q(reverses__isnull=False, amount_ore__lt=0)),
                name="fee_entry_sign_matches_reversal",
            ),
            models.CheckConstraint(
                condition=(models.Q(payer="central", payer_school__isnull=True)
                           | models.Q(payer="visiting_school", payer_school__isnull=False)),
                name="fee_entry_payer_school_matches_payer",
            ),
            models.CheckConstraint(
                condition=models.Q(rule_visit_fee_ore=models.F("rule_central_share_ore")
                                   + models.F("rule_visiting_share_ore")),
                name="fee_entry_rule_shares_add_up",
            ),
        ]

    def __str__(self):
        return f"{self.booking_id} {self.payer} {self.amount_ore}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class InvoiceNumberSeries(models.Model):
    """The last invoice number an issuing school has given. Issuing locks the school's row
    (``select_for_update``; on SQLite the IMMEDIATE transaction serialises), and the row is written in
    the invoice's transaction, so numbers are unique and, as a rollback gives the number back, gapless.
    Credit notes take their numbers from the same series."""

    school = models.OneToOneField(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="invoice_number_series"
    )
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number series")
        verbose_name_plural = _("invoice number series")

    def __str__(self):
        return f"{self.school_id}: {self.last_number}"


def invoice_number(school, sequence: int) -> str:
    """``12345678-0007``: the school unit code makes the number unique for the whole organisation
    (the schools share one organisation number), the sequence runs per school."""
    return f"{school.unit_code}-{sequence:04d}"


class InvoiceQuerySet(AppendOnlyQuerySet):
    def invoices(self):
        return self.filter(kind=Invoice.Kind.INVOICE)

    def preparing(self):
        return self.filter(sent_at__isnull=True)

    def sent(self):
        return self.filter(sent_at__isnull=False, paid_on__isnull=True)

    def paid(self):
        return self.filter(paid_on__isnull=False)

    def overdue(self, today):
        return self.invoices().filter(paid_on__isnull=True, due_date__lt=today)


class Invoice(AppendOnlyModel):
    """An invoice or a credit note issued by a host school. Its content (parties as they were, dates,
    lines, totals) is written once; ``STATE_FIELDS`` (the PDF, sending, payment, e-invoice delivery),
    filled in later by the jobs and by finance, are the only fields that change afterwards, through
    ``save(update_fields=...)`` or ``update()``. On PostgreSQL a trigger refuses any other change and
    any deletion (migration 0003); the erasure of a person may replace a contact's name in the parties
    and the reference (``inspira.privacy.scrub.rewrite_protected``)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Recipient(models.TextChoices):
        VISITING_SCHOOL = "visiting_school", _("Visiting school")
        CENTRAL = "central", _("Central administration")

    class State(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")

    APPEND_ONLY_HINT = "issue a credit note instead"
    STATE_FIELDS = frozenset({
        "pdf", "rendered_at", "sent_at", "sent_to", "paid_on", "paid_marked_at", "paid_marked_by",
        "einvoice_handled_at", "einvoice_result",
    })

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    issuer = models.ForeignKey(
        "schools.School", verbose_name=_("issuing school"), on_delete=models.PROTECT, related_name="invoices_issued"
    )
    recipient_school = models.ForeignKey(
        "schools.School", verbose_name=_("recipient school"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="invoices_received",
    )
    booking = models.ForeignKey(
        "visits.Booking", verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="invoices", help_text=_("The visit an invoice to a visiting school is for."),
    )
    credits = models.ForeignKey(
        "self", verbose_name=_("credits the invoice"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    issue_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # The parties as they were when the invoice was issued (see services._party_details).
    issuer_details = models.JSONField(_("issuer"))
    recipient_details = models.JSONField(_("recipient"))
    recipient_name = models.CharField(_("recipient"), max_length=200)
    buyer_reference = models.CharField(_("recipient's reference"), max_length=100)
    bankgiro = models.CharField(_("bankgiro number"), max_length=9, blank=True)
    net_ore = models.PositiveBigIntegerField(_("amount excluding VAT"))
    vat_ore = models.PositiveBigIntegerField(_("VAT"))
    total_ore = models.PositiveBigIntegerField(_("total"))
    payment_terms = models.CharField(_("payment terms"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # State: what happened to the invoice since (never its content).
    pdf = models.FileField(_("PDF"), storage=private_storage, blank=True)
    rendered_at = models.DateTimeField(_("PDF made"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    paid_marked_at = models.DateTimeField(_("marked as paid"), null=True, blank=True)
    paid_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked as paid by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    einvoice_handled_at = models.DateTimeField(_("e-invoice handled"), null=True, blank=True)
    einvoice_result = models.CharField(_("e-invoice delivery"), max_length=300, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-pk"]
        indexes = [
            models.Index(fields=["issuer", "issue_date"], name="invoice_issuer_date"),
            models.Index(fields=["recipient_school", "issue_date"], name="invoice_recipient_date"),
            models.Index(fields=["sent_at", "paid_on"], name="invoice_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sequence"], name="invoice_number_per_issuer"),
            # The monthly run makes one invoice per host and month, however often it runs.
            models.UniqueConstraint(
                fields=["issuer", "period_start"], condition=models.Q(kind="invoice", recipient_kind="central"),
                name="invoice_one_central_per_host_month",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="invoice", credits__isnull=True, due_date__isnull=False)
                           | models.Q(kind="credit_note", credits__isnull=False)),
                name="invoice_credit_note_refers_to_invoice",
            ),
            models.CheckConstraint(
                condition=(models.Q(recipient_kind="central", recipient_school__isnull=True)
                           | models.Q(recipient_kind="visiting_school", recipient_school__isnull=False)),
                name="invoice_recipient_school_matches_kind",
            ),
            models.CheckConstraint(condition=models.Q(total_ore=models.F("net_ore") + models.F("vat_ore")),
                                   name="invoice_total_is_net_plus_vat"),
            models.CheckConstraint(condition=~models.Q(buyer_reference=""), name="invoice_has_buyer_reference"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def state(self) -> str:
        if self.paid_on:
            return self.State.PAID
        if self.sent_at:
            return self.State.SENT
        return self.State.PREPARING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (self.kind == self.Kind.INVOICE and self.paid_on is None and self.due_date is not None
                and self.due_date < today)

    @property
    def filename_stem(self) -> str:
        prefix = "kreditfaktura" if self.is_credit_note else "faktura"
        return f"{prefix}-{self.number}"


class InvoiceLine(AppendOnlyModel):
    """One visit on an invoice (or on a credit note, where the entry is the reversal). An entry is on
    at most one line, so no share is ever invoiced twice."""

    APPEND_ONLY_HINT = "issue a credit note instead"

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    fee_entry = models.OneToOneField(
        FeeEntry, verbose_name=_("fee entry"), on_delete=models.PROTECT, related_name="invoice_line"
    )
    description = models.CharField(_("description"), max_length=300)
    visit_date = models.DateField(_("visit date"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price_ore = models.PositiveBigIntegerField(_("price"))
    vat_rate_percent = models.PositiveSmallIntegerField(_("VAT rate (%)"))
    vat_exemption_text = models.CharField(_("VAT exemption text"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
        ]

    def __str__(self):
        return f"{self.invoice_id}:{self.position} {self.description}"

    @property
    def amount_ore(self) -> int:
        return self.quantity * self.unit_price_ore
