import datetime

import pytest
from django.db import IntegrityError, transaction

from inspira.schoolyears.models import FeeRule, SchoolYear, school_year_start
from tests.factories import FeeRuleFactory, SchoolYearFactory


@pytest.mark.parametrize(("start_year", "label"), [(2010, "2010/11"), (2026, "2026/27"), (2099, "2099/00")])
def test_school_year_label(start_year, label):
    assert SchoolYear(start_year=start_year).label == label


@pytest.mark.parametrize(("day", "start"), [
    (datetime.date(2026, 6, 30), 2025),
    (datetime.date(2026, 7, 1), 2026),
    (datetime.date(2026, 12, 31), 2026),
    (datetime.date(2027, 1, 1), 2026),
])
def test_school_year_runs_from_1_july_to_30_june(day, start):
    assert school_year_start(day) == start
    assert SchoolYear(start_year=start).contains(day)


def test_database_refuses_shares_that_do_not_add_up_even_without_the_form(db):
    school_year = SchoolYearFactory(start_year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRule.objects.create(
            school_year=school_year, visit_fee_ore=200_000, central_share_ore=100_000,
            visiting_share_ore=150_000, establishment_support_ore=1_000_000,
        )
    assert not FeeRule.objects.exists()


def test_database_refuses_an_update_that_breaks_the_split(db):
    rule = FeeRuleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRule.objects.filter(pk=rule.pk).update(visit_fee_ore=250_000)
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 200_000


def test_database_refuses_a_second_rule_for_a_school_year(db):
    rule = FeeRuleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRuleFactory(school_year=rule.school_year)
