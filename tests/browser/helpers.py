"""What browser tests call: log in through the real form, and check a page's accessibility."""

import time
from base64 import b32decode
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from inspira.accounts.models import User
from tests.factories import PASSWORD

AXE = Axe()
# axe-core is 570 kB of script: each document gets it once, and the phone-width check of a page runs
# it again on the same document (the desktop check has put it there).
AXE_LOADED = "typeof window.axe === 'object' && typeof window.axe.run === 'function'"
# axe's "moderate" and "minor" findings are worth reading but do not fail a test.
FAILING_IMPACTS = ("serious", "critical")
# A small phone's screen, in CSS pixels (an iPhone SE or mini); desktop tests use Playwright's 1280 x 720.
PHONE = {"width": 375, "height": 667}


def login(page: Page, live_server, user, password: str = PASSWORD) -> None:
    """Log in as ``user`` through the login form, as a person would, and land on their page.

    A person with a central role then passes the second step as they would with an
    authenticator app: the code is computed from their device's key and typed into the form; a
    person without a device sets one up from the key the enrolment page shows.

    The fields are found by name, not label, so this works in Swedish and English alike.
    """
    page.goto(live_server.url + reverse("accounts:login"))
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()
    dashboard = reverse("core:dashboard")
    verify, enrol = reverse("accounts:two_factor_verify"), reverse("accounts:two_factor_enrol")
    page.wait_for_url(lambda url: urlsplit(url).path in {dashboard, verify, enrol})
    path = urlsplit(page.url).path
    if path == enrol:
        two_factor_enrol(page)
        page.locator(f"main a[href='{dashboard}']").click()  # "I have saved the codes - continue"
    elif path == verify:
        type_code(page, authenticator_code(User.objects.get(email__iexact=user.email)))
    page.wait_for_url(live_server.url + dashboard)


def totp_code(key: bytes, t: int) -> str:
    return f"{hotp(key, t):06d}"


def authenticator_code(user) -> str:
    """The code the person's authenticator app shows, for a time step the server still accepts.

    django-otp accepts each step once, and one step either side of now (plus the drift it has
    learnt); a second login within the same 30 seconds takes the next step's code, and only if
    none is left does this wait for the clock.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        now = int(time.time() - device.t0) // device.step + device.drift
        t = max(now, device.last_t + 1)
        if t <= now + device.tolerance:  # still accepted if the step changes before the server looks
            return totp_code(device.bin_key, t)
        time.sleep(device.step - time.time() % device.step + 0.1)


def type_code(page: Page, code: str) -> None:
    """Type a code into the two-factor form with the keyboard and send it with Enter."""
    field = page.locator("main input[name=code]")
    field.click()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def two_factor_enrol(page: Page) -> str:
    """On the enrolment page: do what an authenticator app does with the key shown, and type
    the code. Returns the key (base32), for later codes."""
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    type_code(page, totp_code(key, int(time.time()) // 30))
    page.wait_for_url(f"**{reverse('accounts:two_factor_codes')}")
    return secret


def logout(page: Page) -> None:
    page.locator(f"header form[action='{reverse('accounts:logout')}'] [type=submit]").click()
    expect(page.locator(f"header a[href='{reverse('accounts:login')}']")).to_be_visible()


def page_problems(page: Page) -> list[str]:
    """Everything on the page that breaks Inspira's accessibility rules, as readable lines."""
    problems = []
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"the page has {h1_count} h1 elements, not exactly one")
    if not (page.locator("html").get_attribute("lang") or "").strip():
        problems.append("html has no lang attribute")
    skip_links = page.locator("body a.skip-link[href^='#']")
    if skip_links.count() == 0:
        problems.append("no skip link (a.skip-link) at the top of the page")
    else:
        target = skip_links.first.get_attribute("href")
        if page.locator(target).count() != 1:
            problems.append(f"the skip link points at {target}, which is not on the page")
    if not page.evaluate(AXE_LOADED):
        page.evaluate(AXE.axe_script)
    results = page.evaluate("options => axe.run(options)", {"resultTypes": ["violations"]})
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return problems


def assert_accessible(page: Page) -> None:
    """Check the page at the width it has (the desktop's, unless the test chose one) and on a phone."""
    problems = page_problems(page)
    width = page.viewport_size
    if width != PHONE:
        page.set_viewport_size(PHONE)
        try:
            problems += [f"on a phone ({PHONE['width']} px): {problem}" for problem in page_problems(page)]
        finally:
            page.set_viewport_size(width)
    assert not problems, f"{page.url} is not accessible:\n  " + "\n  ".join(problems)
