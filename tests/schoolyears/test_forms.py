import pytest
from django import forms
from django.utils import translation

from inspira.core.forms import SEKField
from inspira.schoolyears.forms import FeeRuleForm
from tests.factories import FeeRuleFactory, SchoolYearFactory

# --- SEKField -------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "ore"), [
    ("2 000", 200_000),
    ("2000", 200_000),
    ("2000 kr", 200_000),
    ("2\u00a0000\u00a0kr", 200_000),
    ("1000,50", 100_050),
    ("1 000,5", 100_050),
    ("0", 0),
])
def test_sek_field_reads_kronor_as_typed_in_sweden(typed, ore):
    assert SEKField().clean(typed) == ore


@pytest.mark.parametrize("typed", ["abc", "1,234", "12,345", "2 000 euro", "1.000.000"])
def test_sek_field_refuses_what_is_not_an_amount(typed):
    with pytest.raises(forms.ValidationError) as excinfo:
        SEKField().clean(typed)
    assert excinfo.value.code == "invalid"


def test_sek_field_refuses_negative_amounts():
    with pytest.raises(forms.ValidationError) as excinfo:
        SEKField().clean("-100")
    assert excinfo.value.code == "negative"


def test_sek_field_is_required_by_default():
    with pytest.raises(forms.ValidationError) as excinfo:
        SEKField().clean("")
    assert excinfo.value.code == "required"


def test_sek_field_may_be_optional():
    assert SEKField(required=False).clean("") is None


@pytest.mark.parametrize(("ore", "shown"), [(200_000, "2 000"), (100_050, "1 000,50"), (0, "0")])
def test_sek_field_shows_ore_back_as_kronor(ore, shown):
    assert SEKField().prepare_value(ore) == shown


def test_sek_field_shows_what_was_typed_when_it_was_wrong():
    class F(forms.Form):
        amount = SEKField()

    form = F({"amount": "abc"})
    assert not form.is_valid()
    assert 'value="abc"' in str(form["amount"])


def test_sek_field_notices_no_change_when_the_same_amount_is_typed_differently():
    class F(forms.Form):
        amount = SEKField()

    assert not F({"amount": "2000 kr"}, initial={"amount": 200_000}).has_changed()
    assert F({"amount": "2001"}, initial={"amount": 200_000}).has_changed()


# --- FeeRuleForm ----------------------------------------------------------------------------

def _data(**overrides):
    return {
        "start_year": "2026", "visit_fee_ore": "2 000", "central_share_ore": "1 000",
        "visiting_share_ore": "1 000", "establishment_support_ore": "10 000", "vat_rate_percent": "0",
        "vat_exemption_text": "Momsfri verksamhet.",
    } | overrides


def test_fee_rule_form_reads_kronor_into_ore(db):
    form = FeeRuleForm(_data(central_share_ore="1000,50", visiting_share_ore="999,50"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit_fee_ore"] == 200_000
    assert form.cleaned_data["central_share_ore"] == 100_050
    assert form.cleaned_data["visiting_share_ore"] == 99_950


def test_fee_rule_form_shares_must_add_up_to_the_fee_next_to_the_visiting_share(db):
    form = FeeRuleForm(_data(visiting_share_ore="1 500"))
    assert not form.is_valid()
    assert list(form.errors) == ["visiting_share_ore"]
    [error] = form.errors["visiting_share_ore"]
    assert "2\u00a0500\u00a0kr" in error and "2\u00a0000\u00a0kr" in error
    # The database constraint's own message would repeat the same fault; it must not show too.
    assert not form.non_field_errors()


def test_fee_rule_form_does_not_compare_with_a_stored_amount_the_user_did_not_type(db):
    rule = FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    form = FeeRuleForm(_data(visit_fee_ore="abc", central_share_ore="1 500", visiting_share_ore="1 500"),
                       instance=rule)
    assert not form.is_valid()
    assert list(form.errors) == ["visit_fee_ore"]


def test_fee_rule_form_refuses_negative_amounts(db):
    form = FeeRuleForm(_data(establishment_support_ore="-1"))
    assert not form.is_valid()
    assert form.errors.as_data()["establishment_support_ore"][0].code == "negative"


def test_fee_rule_form_refuses_a_second_rule_for_a_year(db):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2026))
    form = FeeRuleForm(_data())
    assert not form.is_valid()
    assert form.errors.as_data()["start_year"][0].code == "exists"


def test_fee_rule_form_without_vat_needs_the_exemption_text(db):
    form = FeeRuleForm(_data(vat_exemption_text=""))
    assert not form.is_valid()
    assert "vat_exemption_text" in form.errors


def test_fee_rule_form_with_vat_needs_no_exemption_text(db):
    assert FeeRuleForm(_data(vat_rate_percent="25", vat_exemption_text="")).is_valid()


def test_fee_rule_form_refuses_a_vat_rate_above_25(db):
    form = FeeRuleForm(_data(vat_rate_percent="30"))
    assert not form.is_valid()
    assert "vat_rate_percent" in form.errors


def test_fee_rule_edit_form_has_no_year_field(db):
    rule = FeeRuleFactory()
    form = FeeRuleForm(instance=rule)
    assert "start_year" not in form.fields
    assert form["visit_fee_ore"].value() == "2 000"
    assert 'value="2 000"' in str(form["visit_fee_ore"])


def test_fee_rule_form_help_text_says_past_money_does_not_change(db):
    with translation.override("en"):
        assert "does not change money already recorded" in str(FeeRuleForm().fields["visit_fee_ore"].help_text)
