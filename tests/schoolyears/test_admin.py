import pytest
from django.urls import reverse

from tests.factories import FeeRuleFactory


@pytest.mark.parametrize("model", ["schoolyear", "feerule"])
def test_admin_lists_the_model(admin_client, model):
    FeeRuleFactory()
    response = admin_client.get(reverse(f"admin:schoolyears_{model}_changelist"))
    assert response.status_code == 200
    assert "2010/11" in response.content.decode()


def test_admin_shows_fee_rule_amounts_in_kronor(admin_client):
    FeeRuleFactory()
    assert "2\u00a0000\u00a0kr" in admin_client.get(reverse("admin:schoolyears_feerule_changelist")).content.decode()
