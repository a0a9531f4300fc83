import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.money import format_sek
from inspira.schoolyears.models import FeeRule, SchoolYear, school_year_start


class FeeRuleMissing(Exception):
    """No fee rule covers the date. Never silently defaulted: money would be wrong."""


# What a person may set on a fee rule; the school year is chosen once, when the rule is made.
FEE_RULE_FIELDS = (
    "visit_fee_ore", "central_share_ore", "visiting_share_ore", "establishment_support_ore",
    "vat_rate_percent", "vat_exemption_text",
)
_MONEY_FIELDS = {"visit_fee_ore", "central_share_ore", "visiting_share_ore", "establishment_support_ore"}


def school_year_for(day: datetime.date) -> SchoolYear | None:
    return SchoolYear.objects.filter(start_year=school_year_start(day)).first()


def fee_rule_for(day: datetime.date | None = None) -> FeeRule:
    """The fee rule that applies on ``day`` (today in Stockholm when omitted)."""
    day = day or timezone.localdate()
    start = school_year_start(day)
    rule = FeeRule.objects.select_related("school_year").filter(school_year__start_year=start).first()
    if rule is None:
        label = f"{start}/{(start + 1) % 100:02d}"
        raise FeeRuleMissing(
            _("There is no fee rule for the school year %(year)s. An administrator must add one.")
            % {"year": label}
        )
    return rule


def _year_taken_error(school_year: SchoolYear) -> ValidationError:
    return ValidationError(
        {"start_year": _("The school year %(year)s already has a fee rule. Change that rule instead.")
         % {"year": school_year.label}},
        code="exists",
    )


def _snapshot(rule: FeeRule) -> dict:
    return {name: getattr(rule, name) for name in FEE_RULE_FIELDS}


def _describe(name: str, value) -> str:
    return format_sek(value) if name in _MONEY_FIELDS else str(value)


@transaction.atomic
def fee_rule_create(
    *, actor, start_year: int, visit_fee_ore: int, central_share_ore: int, visiting_share_ore: int,
    establishment_support_ore: int, vat_rate_percent: int = 0, vat_exemption_text: str | None = None,
) -> FeeRule:
    """Add the fee rule of a school year, creating the school year if needed.

    Raises ValidationError (keyed by field) when the rule breaks a rule of its own, e.g. shares
    that do not add up to the fee, or a year that already has a rule.
    """
    school_year, _created = SchoolYear.objects.get_or_create(start_year=start_year)
    if FeeRule.objects.filter(school_year=school_year).exists():
        raise _year_taken_error(school_year)
    rule = FeeRule(
        school_year=school_year, visit_fee_ore=visit_fee_ore, central_share_ore=central_share_ore,
        visiting_share_ore=visiting_share_ore, establishment_support_ore=establishment_support_ore,
        vat_rate_percent=vat_rate_percent,
    )
    if vat_exemption_text is not None:
        rule.vat_exemption_text = vat_exemption_text
    rule.full_clean(exclude=["school_year"])
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        # Someone else added the year's rule since the check above.
        if FeeRule.objects.filter(school_year=school_year).exists():
            raise _year_taken_error(school_year) from exc
        raise
    audit_record(
        actor=actor, action="fee_rule.create", obj=rule,
        summary=_("Added the fee rule for %(year)s: visit fee %(fee)s")
        % {"year": school_year.label, "fee": format_sek(rule.visit_fee_ore)},
        data={"school_year": school_year.label, **_snapshot(rule)},
    )
    return rule


@transaction.atomic
def fee_rule_update(*, rule: FeeRule, actor, **fields) -> FeeRule:
    """Change a fee rule. Money already recorded keeps its copied amounts, so this changes
    only what is recorded from now on."""
    unknown = set(fields) - set(FEE_RULE_FIELDS)
    if unknown:
        raise TypeError(f"fee_rule_update() cannot change {', '.join(sorted(unknown))}")
    # Compare with the stored row, not with ``rule``: a bound form has already changed it.
    rule = FeeRule.objects.select_for_update().select_related("school_year").get(pk=rule.pk)
    before = _snapshot(rule)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean(exclude=["school_year"])
    rule.save()
    after = _snapshot(rule)
    changes = {name: [before[name], after[name]] for name in FEE_RULE_FIELDS if before[name] != after[name]}
    if changes:
        audit_record(
            actor=actor, action="fee_rule.update", obj=rule,
            summary=_("Changed the fee rule for %(year)s: %(changes)s") % {
                "year": rule.school_year.label,
                "changes": "; ".join(
                    f"{FeeRule._meta.get_field(name).verbose_name} {_describe(name, old)} → {_describe(name, new)}"
                    for name, (old, new) in changes.items()
                ),
            },
            data={"school_year": rule.school_year.label, "changes": changes},
        )
    return rule
