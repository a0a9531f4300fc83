"""What browser tests call: log in through the real form, and check a page's accessibility."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

AXE = Axe()
# axe's "moderate" and "minor" findings are worth reading but do not fail a test.
FAILING_IMPACTS = ("serious", "critical")


def login(page: Page, live_server, user, password: str = PASSWORD) -> None:
    """Log in as ``user`` through the login form, as a person would, and land on their page.

    The fields are found by name, not label, so this works in Swedish and English alike.
    """
    page.goto(live_server.url + reverse("accounts:login"))
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("core:dashboard"))


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
    results = AXE.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return problems


def assert_accessible(page: Page) -> None:
    problems = page_problems(page)
    assert not problems, f"{page.url} is not accessible:\n  " + "\n  ".join(problems)
