import pytest
from django.utils import translation

from inspira.accounts.models import Membership
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from tests.visits.builders import make_certification, make_occasion, member


@pytest.fixture
def en(client, settings):
    """Pages and messages in English, so assertions read the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def site_contact(school):
    return member(school, Membership.Role.SITE_CONTACT, email="kontakt@example.se", name="Kim Kontakt")


@pytest.fixture
def certification(school, site_contact):
    """The host site: Vasaskolan (``school``), certified from 30 days ago for two years."""
    return make_certification(school=school)


@pytest.fixture
def teacher(other_school):
    """Staff of the visiting school (``other_school``)."""
    return member(other_school, email="besokare@example.se", name="Vera Besökare")


@pytest.fixture
def visiting_principal(other_school):
    return member(other_school, Membership.Role.PRINCIPAL, email="rektor2@example.se", name="Rolf Rektor")


@pytest.fixture
def occasion(certification):
    return make_occasion(certification=certification)


def run_outbox() -> int:
    """Run every outbox item twice, as a retried job would; return how many calls did work."""
    done = 0
    for item_id in OutboxItem.objects.order_by("pk").values_list("pk", flat=True):
        done += outbox_process(item_id)
        done += outbox_process(item_id)
    return done
