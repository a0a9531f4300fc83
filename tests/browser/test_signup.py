"""A teacher creates an account; an administrator reads the verification email in the outbox;
the teacher follows its link and logs in."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspira.core.models import OutboxItem
from tests.browser.helpers import assert_accessible, login, logout

pytestmark = pytest.mark.browser

PASSWORD = "Blåbärssylt-i-juni-42"


def test_signup_verify_and_log_in(page, live_server, settings, school, administrator):
    settings.INSPIRA_DEMO = True  # the outbox shows the text of emails only in the demo
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    person = SimpleNamespace(email="maja.larsson@example.se", name="Maja Larsson")

    # Find the school and choose it.
    page.goto(live_server.url + reverse("accounts:signup"))
    search = page.locator("main form[role=search] input[name=q]")
    search.fill(school.name[:5])
    search.press("Enter")
    page.locator(f"main a[href='{reverse('accounts:signup_form', args=[school.pk])}']").click()

    # Fill in the form.
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill(person.name)
    form.locator("input[name=email]").fill(person.email)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("accounts:signup_done"))
    expect(page.locator("main")).to_contain_text(person.email)
    assert_accessible(page)  # with the success message showing

    # The administrator finds the verification email in the outbox and reads its link.
    item = next(i for i in OutboxItem.objects.filter(kind="email") if i.payload["to"] == [person.email])
    login(page, live_server, administrator)
    page.goto(live_server.url + reverse("core:outbox"))
    page.locator(f"main a[href='{reverse('core:outbox_detail', args=[item.pk])}']").click()
    verify_prefix = reverse("accounts:verify_email", args=["TOKEN"]).split("TOKEN")[0]
    link = page.locator(f"main .email-body a[href*='{verify_prefix}']")
    href = link.get_attribute("href")
    assert href.startswith(live_server.url + verify_prefix)
    logout(page)

    # The teacher follows the link and logs in; the school waits for the principal to confirm.
    page.goto(href)
    assert page.url.startswith(live_server.url + reverse("accounts:login"))
    expect(page.locator("main .messages")).to_be_visible()
    login(page, live_server, person, password=PASSWORD)
    expect(page.locator("main")).to_contain_text(person.name)
    expect(page.locator("main")).to_contain_text(school.name)
