"""Keyboard use, form errors tied to their fields, and the language switch."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("url_name", ["core:home", "core:dashboard"])
def test_skip_link_comes_first_and_moves_focus_to_main(page, live_server, staff, url_name):
    if url_name == "core:dashboard":
        login(page, live_server, staff)
    page.goto(live_server.url + reverse(url_name))
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # hidden until focused, then it must show
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_login_works_with_the_keyboard_alone(page, live_server, staff):
    page.goto(live_server.url + reverse("accounts:login"))
    # The email field has autofocus; Tab leads on to the password and Enter sends the form.
    expect(page.locator("main input[name=username]")).to_be_focused()
    page.keyboard.type(staff.email)
    page.keyboard.press("Tab")
    expect(page.locator("main input[name=password]")).to_be_focused()
    page.keyboard.type("correct-horse-battery-staple")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + reverse("core:dashboard"))


def submit_emptied_form(page: Page) -> None:
    """Empty every field of the page's form and send it, skipping the browser's own checks so
    that the server's error messages are what is tested."""
    form = page.locator("main form[method=post]").last
    fields = form.locator(
        "input[type=text], input[type=number], input[type=email], input[type=tel], input:not([type]), textarea"
    )
    for i in range(fields.count()):
        fields.nth(i).fill("")
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()


def field_error_problems(page: Page) -> list[str]:
    """Each invalid field must say so (aria-invalid) and point (aria-describedby, on the field
    or on the fieldset of a group of checkboxes) at the text of its error."""
    problems = []
    invalid = page.locator("main [aria-invalid=true]")
    if invalid.count() == 0:
        return ["no field is marked aria-invalid=true"]
    for i in range(invalid.count()):
        field = invalid.nth(i)
        name = field.get_attribute("name")
        described_by = field.evaluate(
            "f => f.getAttribute('aria-describedby') || f.closest('fieldset')?.getAttribute('aria-describedby') || ''"
        )
        error_ids = [id_ for id_ in described_by.split() if id_.endswith("_error")]
        if not error_ids:
            problems.append(f"{name}: aria-describedby={described_by!r} names no error element")
            continue
        for id_ in error_ids:
            target = page.locator(f"[id='{id_}']")
            if target.count() != 1 or not target.inner_text().strip():
                problems.append(f"{name}: aria-describedby points at #{id_}, which is missing or empty")
    return problems


@pytest.mark.parametrize("url_name", ["schoolyears:create", "schools:create"])
def test_form_errors_are_tied_to_their_fields(page, live_server, administrator, url_name):
    login(page, live_server, administrator)
    page.goto(live_server.url + reverse(url_name))
    submit_emptied_form(page)
    assert page.url == live_server.url + reverse(url_name)
    assert field_error_problems(page) == []
    assert_accessible(page)


def test_language_switch(page, live_server):
    home = live_server.url + reverse("core:home")
    with translation.override("sv"):
        swedish_title = translation.gettext("Develop teaching together")
    assert swedish_title != "Develop teaching together", "the Swedish catalogue lacks the start page's title"
    page.goto(home)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text(swedish_title)

    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Develop teaching together")
    assert page.url == home  # the switch keeps the person on the same page

    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text(swedish_title)
    assert page.url == home
