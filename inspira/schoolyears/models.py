import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inspira.core.money import format_sek


def school_year_start(day: datetime.date) -> int:
    """The calendar year in which the school year containing ``day`` began (1 July)."""
    return day.year if day.month >= 7 else day.year - 1


class SchoolYear(models.Model):
    """A school year (läsår), 1 July to 30 June. ``start_year`` 2010 is 2010/11."""

    start_year = models.PositiveSmallIntegerField(
        _("starting year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The year the school year begins on 1 July, e.g. 2026 for 2026/27."),
    )

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-start_year"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, 7, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 6, 30)

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class FeeRule(models.Model):
    """The money rules of one school year. Amounts are whole öre.

    Amounts are copied onto each fee entry when it is made, so changing a rule never
    changes money already recorded.
    """

    school_year = models.OneToOneField(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="fee_rule"
    )
    visit_fee_ore = models.PositiveBigIntegerField(
        _("visit fee"), help_text=_("What the host school receives for each completed visit.")
    )
    central_share_ore = models.PositiveBigIntegerField(
        _("central administration's share"), help_text=_("The part of the visit fee paid centrally.")
    )
    visiting_share_ore = models.PositiveBigIntegerField(
        _("visiting school's share"), help_text=_("The part of the visit fee the visiting school pays.")
    )
    establishment_support_ore = models.PositiveBigIntegerField(
        _("establishment support"), help_text=_("Paid once to each newly certified site.")
    )
    vat_rate_percent = models.PositiveSmallIntegerField(
        _("VAT rate (%)"), default=0, validators=[MaxValueValidator(25)],
        help_text=_("Usually 0: the fees are exempt from VAT."),
    )
    vat_exemption_text = models.CharField(
        _("VAT exemption text"), max_length=200, blank=True,
        default="Momsfri verksamhet enligt 3 kap. mervärdesskattelagen.",
        help_text=_("Shown on invoices when no VAT is charged."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        ordering = ["-school_year__start_year"]
        constraints = [
            # The database refuses a split that does not add up, whatever path writes it.
            models.CheckConstraint(
                condition=Q(visit_fee_ore=F("central_share_ore") + F("visiting_share_ore")),
                name="fee_rule_shares_add_up",
                violation_error_message=_("The two shares must add up to the visit fee."),
            ),
        ]

    def __str__(self):
        return _("Fee rule %(year)s") % {"year": self.school_year.label}

    def clean(self):
        fee, central, visiting = self.visit_fee_ore, self.central_share_ore, self.visiting_share_ore
        if None not in (fee, central, visiting) and central + visiting != fee:
            raise ValidationError(
                {
                    "visiting_share_ore": _(
                        "The shares add up to %(sum)s, but the visit fee is %(fee)s. They must be equal."
                    ) % {"sum": format_sek(central + visiting), "fee": format_sek(fee)}
                }
            )
        if self.vat_rate_percent == 0 and not self.vat_exemption_text:
            raise ValidationError(
                {"vat_exemption_text": _("Without VAT, the invoice must say why: enter the exemption text.")}
            )
