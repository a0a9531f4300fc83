"""The layout at the widths people use: an administrator's laptop (1280 px) and a phone (375 px)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import PHONE, assert_accessible, login
from tests.browser.test_certification_flow import sv
from tests.catalogue.conftest import make_site
from tests.visits.builders import make_occasion, member

pytestmark = pytest.mark.browser


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_the_administrators_menu_fits_on_one_line_at_1280_px(page, live_server, administrator):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, live_server, administrator)
    assert not scrolls_sideways(page)
    nav = page.locator("#main-nav")
    tops = nav.locator(":scope > ul > li").evaluate_all("items => items.map(item => item.getBoundingClientRect().top)")
    assert len(set(tops)) == 1, f"the menu wraps onto {len(set(tops))} lines"
    # A smaller laptop or a tablet held sideways: the menu folds away behind its button instead.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert not scrolls_sideways(page)
    expect(page.locator("header .navbar-toggler")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})

    # The administration's pages are one button's menu away, with the keyboard too.
    toggle = nav.get_by_role("button", name=sv("Administration"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name=sv("School years and fees"))).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + reverse("schoolyears:list"))
    # Where one is shows on the closed menu's items too (read when it is opened).
    expect(nav.get_by_role("link", name=sv("School years and fees"), include_hidden=True)).to_have_attribute(
        "aria-current", "page")
    assert_accessible(page)


def test_book_is_on_screen_on_a_phone(page, live_server, school, site_contact, other_school):
    site = make_site(school=school, area_title="Utematematik i årskurs 1–3 med en lång rubrik")
    make_occasion(certification=site, day=timezone.localdate() + timedelta(days=9))
    teacher = member(other_school, email="vera@example.se", name="Vera Besökare")
    page.set_viewport_size(PHONE)
    login(page, live_server, teacher)
    page.goto(live_server.url + reverse("visits:free"))
    book = page.locator("main").get_by_role("link", name=sv("Book"))
    expect(book).to_be_in_viewport(ratio=1)
    assert not scrolls_sideways(page)
    book.click()
    page.wait_for_url(f"**{reverse('visits:book', args=[site.occasions.get().pk])}")
