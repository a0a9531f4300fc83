import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.schoolyears.models import FeeRule, SchoolYear, school_year_start


class FeeRuleMissing(Exception):
    """No fee rule covers the date. Never silently defaulted: money would be wrong."""


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
