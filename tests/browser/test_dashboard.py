"""The dashboard's notices (a new site, the site contact to appoint, the work waiting) are accessible."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, login
from tests.portal.sites import certify

pytestmark = pytest.mark.browser


def test_principal_is_asked_to_appoint_a_site_contact(page, live_server, principal, school):
    certify(school)
    login(page, live_server, principal)
    page.goto(live_server.url + reverse("core:dashboard"))
    page.get_by_role("link", name="Utse en kontaktperson").click()
    expect(page).to_have_url(live_server.url + reverse("accounts:school_members", args=[school.pk]))
    page.go_back()
    assert_accessible(page)


def test_administrator_sees_the_work_waiting(page, live_server, administrator):
    login(page, live_server, administrator)
    page.goto(live_server.url + reverse("core:dashboard"))
    expect(page.locator("main")).to_contain_text("Väntar på dig")
    assert_accessible(page)
