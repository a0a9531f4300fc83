import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from inspira.core.models import AuditEvent
from inspira.schoolyears.models import FeeRule, SchoolYear
from inspira.schoolyears.services import FeeRuleMissing, fee_rule_create, fee_rule_for, fee_rule_update
from tests.factories import FeeRuleFactory, SchoolYearFactory

AMOUNTS = {
    "visit_fee_ore": 200_000, "central_share_ore": 100_000, "visiting_share_ore": 100_000,
    "establishment_support_ore": 1_000_000,
}


@pytest.fixture
def two_years(db):
    return (
        FeeRuleFactory(school_year=SchoolYearFactory(start_year=2025), visit_fee_ore=200_000),
        FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026), visit_fee_ore=300_000,
                       central_share_ore=100_000, visiting_share_ore=200_000),
    )


def test_fee_rule_for_30_june_is_the_ending_school_year(two_years):
    assert fee_rule_for(datetime.date(2026, 6, 30)) == two_years[0]


def test_fee_rule_for_1_july_is_the_new_school_year(two_years):
    assert fee_rule_for(datetime.date(2026, 7, 1)) == two_years[1]


def test_fee_rule_for_without_a_date_uses_today_in_stockholm(two_years, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2026, 7, 1))
    assert fee_rule_for() == two_years[1]


def test_fee_rule_for_a_year_without_a_rule_says_which_year_is_missing(two_years):
    with pytest.raises(FeeRuleMissing) as excinfo, translation.override("en"):
        fee_rule_for(datetime.date(2027, 7, 1))
    assert "2027/28" in str(excinfo.value)
    assert "no fee rule" in str(excinfo.value)


def test_fee_rule_for_a_school_year_without_a_rule_is_missing(db):
    SchoolYearFactory(start_year=2026)
    with pytest.raises(FeeRuleMissing):
        fee_rule_for(datetime.date(2026, 9, 1))


def test_fee_rule_create_makes_the_school_year_and_audits(finance):
    rule = fee_rule_create(actor=finance, start_year=2026, **AMOUNTS)
    assert rule.school_year == SchoolYear.objects.get(start_year=2026)
    assert rule.vat_exemption_text  # the model's default
    event = AuditEvent.objects.get(action="fee_rule.create")
    assert event.actor == finance
    assert event.data["visit_fee_ore"] == 200_000


def test_fee_rule_create_uses_an_existing_school_year(administrator):
    school_year = SchoolYearFactory(start_year=2026)
    assert fee_rule_create(actor=administrator, start_year=2026, **AMOUNTS).school_year == school_year


def test_fee_rule_create_refuses_a_second_rule_for_the_year(administrator):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    with pytest.raises(ValidationError) as excinfo:
        fee_rule_create(actor=administrator, start_year=2026, **AMOUNTS)
    assert "start_year" in excinfo.value.error_dict
    assert FeeRule.objects.count() == 1


def test_fee_rule_create_refuses_shares_that_do_not_add_up(administrator):
    with pytest.raises(ValidationError) as excinfo:
        fee_rule_create(actor=administrator, start_year=2026, **(AMOUNTS | {"visiting_share_ore": 50_000}))
    assert list(excinfo.value.error_dict) == ["visiting_share_ore"]
    assert not FeeRule.objects.exists()
    assert not AuditEvent.objects.exists()


def test_fee_rule_update_audits_old_and_new_amounts(administrator):
    rule = FeeRuleFactory()
    fee_rule_update(rule=rule, actor=administrator, visit_fee_ore=250_000, visiting_share_ore=150_000)
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 250_000
    event = AuditEvent.objects.get(action="fee_rule.update")
    assert event.data["changes"] == {"visit_fee_ore": [200_000, 250_000], "visiting_share_ore": [100_000, 150_000]}


def test_fee_rule_update_refuses_shares_that_do_not_add_up(administrator):
    rule = FeeRuleFactory()
    with pytest.raises(ValidationError):
        fee_rule_update(rule=rule, actor=administrator, visit_fee_ore=250_000)
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 200_000
    assert not AuditEvent.objects.exists()


def test_fee_rule_update_may_not_move_the_rule_to_another_year(administrator):
    with pytest.raises(TypeError):
        fee_rule_update(rule=FeeRuleFactory(), actor=administrator, school_year=SchoolYearFactory(start_year=2030))
