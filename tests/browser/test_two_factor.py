"""Two-factor sign-in in a real browser: an administrator sets up an authenticator app from the
key the page shows, with the keyboard only, and logs in with a code the next time."""

import time
from base64 import b32decode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, authenticator_code, login, logout, totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def keyboard_login(page, live_server, user) -> None:
    """The password step with the keyboard only: the email field has the focus when the page opens."""
    page.goto(live_server.url + reverse("accounts:login"))
    expect(page.locator("main input[name=username]")).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.locator("main input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_an_administrator_enrols_with_the_keyboard_and_logs_in_with_a_code(page, live_server, administrator,
                                                                          director):
    keyboard_login(page, live_server, administrator)

    # Every page leads to setting up the app first.
    page.wait_for_url(f"**{reverse('accounts:two_factor_enrol')}**")
    page.goto(live_server.url + reverse("schools:list"))
    page.wait_for_url(f"**{reverse('accounts:two_factor_enrol')}**")
    expect(page.locator("main h1")).to_have_text("Aktivera tvåstegsverifiering")
    qr = page.locator("main img[src^='data:image/svg+xml']")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the CSP or the data blocked the QR code"
    assert_accessible(page)

    secret = page.locator("#two-factor-secret").inner_text()
    key = b32decode(secret.replace(" ", ""))
    right = {totp_code(key, int(time.time()) // 30 + steps) for steps in (-1, 0, 1)}

    # A wrong code: the error is on the field, and the page stays accessible.
    tab_to(page, "main input[name=code]")
    page.keyboard.type(next(c for c in ("000000", "111111", "222222") if c not in right))
    page.keyboard.press("Enter")
    field = page.locator("main input[name=code]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_code_error")).to_contain_text("Koden stämmer inte")
    assert_accessible(page)

    # The right code, after the second django-otp makes one wait after a wrong code.
    page.wait_for_timeout(1100)
    tab_to(page, "main input[name=code]")
    page.keyboard.press("Control+A")
    page.keyboard.type(totp_code(key, int(time.time()) // 30))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('accounts:two_factor_codes')}")
    expect(page.locator("main .recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    tab_to(page, f"main a[href='{reverse('schools:list')}']")  # on to the page first asked for
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('schools:list')}")

    # The person's own page says it is on.
    page.goto(live_server.url + reverse("accounts:profile"))
    expect(page.locator("main")).to_contain_text("Tvåstegsverifiering är på sedan")
    assert_accessible(page)
    page.locator(f"main a[href='{reverse('accounts:two_factor_codes_new')}']").click()
    expect(page.locator("main h1")).to_have_text("Skapa nya reservkoder")
    assert_accessible(page)

    # The next login asks for a code; the field has the focus.
    logout(page)
    keyboard_login(page, live_server, administrator)
    page.wait_for_url(f"**{reverse('accounts:two_factor_verify')}**")
    expect(page.locator("main input[name=code]")).to_be_focused()
    assert_accessible(page)
    page.locator("main a[href^='" + reverse("accounts:two_factor_recovery") + "']").click()
    expect(page.locator("main h1")).to_have_text("Logga in med en reservkod")
    assert_accessible(page)
    page.go_back()
    page.locator("main input[name=code]").focus()
    # The code enrolment used is spent: the next step's code (a phone a little ahead) is taken.
    page.keyboard.type(authenticator_code(administrator))
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + reverse("core:dashboard"))


def test_an_administrator_resets_a_lost_phone(page, live_server, administrator, director):
    login(page, live_server, director)  # sets up the director's app through the enrolment page
    logout(page)
    login(page, live_server, administrator)
    page.goto(live_server.url + reverse("accounts:person_edit", args=[director.pk]))
    assert_accessible(page)
    page.locator(f"main form[action='{reverse('accounts:two_factor_reset', args=[director.pk])}'] "
                 "[type=submit]").click()
    expect(page.locator("main .messages")).to_contain_text("är återställd")
    expect(page.locator("main")).to_contain_text("Inte aktiverad än")
    assert_accessible(page)
