"""The main menu comes from inspira.menu, which asks the apps' permission predicates: each person
sees the pages they may open, and the template only loops."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.fixture(autouse=True)
def _no_second_step(monkeypatch):
    """The central roles owe a second step, which hides the menu (tests/accounts/test_two_factor.py)."""
    from inspira.accounts import two_factor

    monkeypatch.setattr(two_factor, "required_for", lambda user: False)


def _menu(client):
    """The menu's addresses in order, the administration dropdown's after the bar's."""
    response = client.get(reverse("catalogue:index"))
    urls = []
    for item in response.context["menu_items"]:
        urls += [child.url for child in item.children] if item.children else [item.url]
    return urls


def _urls(*names):
    return [reverse(name) for name in names]


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", ["catalogue:index", "events:calendar"]),
    ("staff", ["catalogue:index", "events:calendar", "core:dashboard", "events:mine", "certification:list",
               "visits:mine"]),
    ("director", ["catalogue:index", "events:calendar", "core:dashboard", "events:mine", "certification:queue",
                  "certification:decisions", "billing:overview", "schools:list", "schoolyears:list"]),
    ("finance", ["catalogue:index", "events:calendar", "core:dashboard", "events:mine", "billing:overview",
                 "schools:list",
                 "schoolyears:list"]),
])
def test_each_person_sees_the_pages_they_may_open(db, client, client_for, request, who, expected):
    if who != "anonymous":
        client = client_for(request.getfixturevalue(who))
    assert _menu(client) == _urls(*expected)


def test_the_administrator_sees_the_administration(client_for, administrator):
    urls = _menu(client_for(administrator))
    assert urls == _urls("catalogue:index", "events:calendar", "core:dashboard", "events:mine", "certification:queue",
                         "billing:overview", "events:manage", "schools:list", "schoolyears:list", "programmes:list",
                         "accounts:people", "federation:providers", "core:outbox", "core:audit")


def test_a_programme_switched_off_takes_its_entries_with_it(client_for, staff, administrator):
    from inspira.programmes.models import Programme
    from inspira.programmes.services import programme_set_active

    programme = Programme.objects.get(key="inspiration_sites")
    programme_set_active(programme=programme, active=False, actor=administrator)
    # The catalogue itself is gone now, so the menu is read from a page that belongs to no programme.
    response = client_for(staff).get(reverse("core:dashboard"))
    urls = [item.url for item in response.context["menu_items"]]
    assert urls == _urls("events:calendar", "core:dashboard", "events:mine")

    programme_set_active(programme=programme, active=True, actor=administrator)
    response = client_for(staff).get(reverse("core:dashboard"))
    urls = [item.url for item in response.context["menu_items"]]
    assert urls == _urls("catalogue:index", "events:calendar", "core:dashboard", "events:mine", "certification:list",
                         "visits:mine")


def test_the_administrations_registers_share_one_dropdown(client_for, administrator):
    response = client_for(administrator).get(reverse("schools:list"))
    [group] = [item for item in response.context["menu_items"] if item.children]
    assert group.current and [c.url for c in group.children if c.current] == [reverse("schools:list")]
    assert 'data-bs-toggle="dropdown"' in response.content.decode()


def test_the_current_page_is_marked(client_for, staff):
    response = client_for(staff).get(reverse("visits:mine"))
    current = [item.url for item in response.context["menu_items"] if item.current]
    assert current == [reverse("visits:mine")]
    assert f'href="{reverse("visits:mine")}" aria-current="page"' in response.content.decode()


def test_the_menu_template_decides_nothing():
    template = Path(settings.BASE_DIR, "templates", "includes", "nav_items.html").read_text()
    assert "user." not in template and "resolver_match" not in template and "==" not in template


def test_the_public_calendar_is_in_everyones_menu_and_marked_on_its_page(db, client):
    response = client.get(reverse("events:calendar"))
    current = [item.url for item in response.context["menu_items"] if item.current]
    assert current == [reverse("events:calendar")]


@pytest.mark.parametrize("page", ["core:participation", "events:my_feed_page"])
def test_the_participation_record_is_current_on_its_pages(client_for, staff, page):
    # The record and the feed are reached from My events: that entry is the current one there.
    response = client_for(staff).get(reverse(page))
    current = [item.url for item in response.context["menu_items"] if item.current]
    assert current == [reverse("events:mine")]
