import datetime

import pytest
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.schoolyears.models import FeeRule, SchoolYear
from tests.factories import FeeRuleFactory, SchoolYearFactory

LIST = reverse("schoolyears:list")
CREATE = reverse("schoolyears:create")


@pytest.fixture
def today_2026_09_01(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2026, 9, 1))


def _data(**overrides):
    return {
        "start_year": "2026", "visit_fee_ore": "2 000", "central_share_ore": "1 000",
        "visiting_share_ore": "1 000", "establishment_support_ore": "10 000 kr", "vat_rate_percent": "0",
        "vat_exemption_text": "Momsfri verksamhet enligt 3 kap. mervärdesskattelagen.",
    } | overrides


# --- Access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["administrator", "director", "finance"])
def test_central_roles_see_the_school_years(request, client_for, role):
    assert client_for(request.getfixturevalue(role)).get(LIST).status_code == 200


@pytest.mark.parametrize("role", ["staff", "principal"])
def test_school_people_may_not_see_the_school_years(request, client_for, role):
    assert client_for(request.getfixturevalue(role)).get(LIST).status_code == 403


@pytest.mark.parametrize("role", ["administrator", "finance"])
def test_administrators_and_finance_may_add_fee_rules(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).post(CREATE, _data())
    assert response.status_code == 302
    assert FeeRule.objects.filter(school_year__start_year=2026).exists()


@pytest.mark.parametrize("role", ["director", "staff", "principal"])
def test_others_may_not_add_fee_rules(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _data()).status_code == 403
    assert not FeeRule.objects.exists()


@pytest.mark.parametrize("role", ["director", "staff", "principal"])
def test_others_may_not_change_fee_rules(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    rule = FeeRuleFactory()
    url = reverse("schoolyears:edit", args=[rule.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _data(visit_fee_ore="5 000", visiting_share_ore="4 000")).status_code == 403
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 200_000


def test_director_gets_no_add_or_change_links(client_for, director):
    rule = FeeRuleFactory()
    html = client_for(director).get(LIST).content.decode()
    assert CREATE not in html
    assert reverse("schoolyears:edit", args=[rule.pk]) not in html


# --- List -----------------------------------------------------------------------------------

def test_list_shows_amounts_swedish_style(client_for, finance):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    html = client_for(finance).get(LIST).content.decode()
    assert "2010/11" in html
    assert "2\u00a0000\u00a0kr" in html
    assert "1\u00a0000\u00a0kr" in html
    assert "10\u00a0000\u00a0kr" in html


def test_list_marks_the_school_year_that_applies_today(client_for, finance, today_2026_09_01):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2025))
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    response = client_for(finance).get(LIST)
    html = response.content.decode()
    assert response.context["current_start"] == 2026
    assert html.count('aria-current="true"') == 1
    row = html.split('aria-current="true"')[1].split("</tr>")[0]
    assert "2026/27" in row
    assert not response.context["current_rule_missing"]


def test_list_warns_when_today_has_no_fee_rule(client_for, finance, today_2026_09_01):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2025))
    response = client_for(finance).get(LIST)
    assert response.context["current_rule_missing"]
    assert "2026/27" in response.content.decode()


def test_list_shows_a_school_year_without_a_rule(client_for, administrator):
    SchoolYearFactory(start_year=2030)
    html = client_for(administrator).get(LIST).content.decode()
    assert "2030/31" in html
    assert f"{CREATE}?start_year=2030" in html


def test_list_empty_state(client_for, administrator):
    response = client_for(administrator).get(LIST)
    assert b"empty-state" in response.content


def test_list_is_sorted_newest_first_and_paginated(client_for, director):
    for year in range(2000, 2030):
        FeeRuleFactory(school_year=SchoolYearFactory(start_year=year))
    client = client_for(director)
    first = [y.start_year for y in client.get(LIST).context["page_obj"]]
    assert first[:2] == [2029, 2028]
    assert len(first) == 25
    assert len(client.get(LIST, {"page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("count", [1, 20])
def test_list_query_count_does_not_grow_with_school_years(client_for, director, django_assert_num_queries, count):
    for year in range(2000, 2000 + count):
        FeeRuleFactory(school_year=SchoolYearFactory(start_year=year))
    SchoolYearFactory(start_year=2090)  # one without a rule
    client = client_for(director)
    # session, user, two-factor device, count, school years with rules, today's rule
    with django_assert_num_queries(6):
        client.get(LIST)


# --- Create ---------------------------------------------------------------------------------

def test_create_saves_kronor_as_ore_and_audits(client_for, finance):
    response = client_for(finance).post(
        CREATE, _data(central_share_ore="1000,50", visiting_share_ore="999,50"), follow=True
    )
    rule = FeeRule.objects.select_related("school_year").get()
    assert response.redirect_chain[-1][0] == LIST
    assert rule.school_year.start_year == 2026
    assert (rule.visit_fee_ore, rule.central_share_ore, rule.visiting_share_ore) == (200_000, 100_050, 99_950)
    assert rule.establishment_support_ore == 1_000_000
    assert list(response.context["messages"])
    assert AuditEvent.objects.filter(action="fee_rule.create", actor=finance).exists()


def test_create_form_suggests_the_current_year_and_the_latest_amounts(client_for, finance, today_2026_09_01):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2024), visit_fee_ore=300_000,
                   central_share_ore=150_000, visiting_share_ore=150_000)
    form = client_for(finance).get(CREATE).context["form"]
    assert form.initial["start_year"] == 2026
    assert form.initial["visit_fee_ore"] == 300_000


def test_create_form_suggests_the_next_year_without_a_rule(client_for, finance, today_2026_09_01):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    assert client_for(finance).get(CREATE).context["form"].initial["start_year"] == 2027


def test_create_form_takes_the_year_from_the_link(client_for, finance):
    assert client_for(finance).get(CREATE, {"start_year": "2031"}).context["form"].initial["start_year"] == 2031


@pytest.mark.parametrize(("overrides", "field"), [
    ({"visiting_share_ore": "1 500"}, "visiting_share_ore"),
    ({"visit_fee_ore": "abc"}, "visit_fee_ore"),
    ({"visit_fee_ore": "1,234"}, "visit_fee_ore"),
    ({"central_share_ore": "-1 000", "visiting_share_ore": "3 000"}, "central_share_ore"),
    ({"start_year": "1999"}, "start_year"),
    ({"vat_exemption_text": ""}, "vat_exemption_text"),
])
def test_create_with_bad_input_saves_nothing(client_for, administrator, overrides, field):
    response = client_for(administrator).post(CREATE, _data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not FeeRule.objects.exists()
    assert not SchoolYear.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_refuses_a_second_rule_for_the_year(client_for, administrator):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    response = client_for(administrator).post(CREATE, _data(visit_fee_ore="3 000", visiting_share_ore="2 000"))
    assert response.status_code == 200
    assert "start_year" in response.context["form"].errors
    assert FeeRule.objects.get().visit_fee_ore == 200_000


# --- Edit -----------------------------------------------------------------------------------

def test_edit_shows_kronor_and_not_the_year_field(client_for, administrator):
    rule = FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    response = client_for(administrator).get(reverse("schoolyears:edit", args=[rule.pk]))
    html = response.content.decode()
    assert 'value="2 000"' in html
    assert 'name="start_year"' not in html
    assert "2026/27" in html


def test_edit_changes_the_rule_and_audits(client_for, finance):
    rule = FeeRuleFactory()
    response = client_for(finance).post(
        reverse("schoolyears:edit", args=[rule.pk]),
        _data(start_year="2040", visit_fee_ore="2 500", visiting_share_ore="1 500"),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.visit_fee_ore, rule.visiting_share_ore) == (250_000, 150_000)
    assert rule.school_year.start_year == 2010  # the year is not editable
    assert AuditEvent.objects.get(action="fee_rule.update").actor == finance


def test_edit_with_shares_that_do_not_add_up_saves_nothing(client_for, administrator):
    rule = FeeRuleFactory()
    response = client_for(administrator).post(
        reverse("schoolyears:edit", args=[rule.pk]), _data(visit_fee_ore="2 500")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["visiting_share_ore"]
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 200_000
    assert not AuditEvent.objects.exists()


def test_edit_without_changes_writes_no_audit_row(client_for, administrator):
    rule = FeeRuleFactory()
    response = client_for(administrator).post(
        reverse("schoolyears:edit", args=[rule.pk]), _data(vat_exemption_text=rule.vat_exemption_text)
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_edit_of_a_missing_rule_is_404(client_for, administrator):
    assert client_for(administrator).get(reverse("schoolyears:edit", args=[99999])).status_code == 404
