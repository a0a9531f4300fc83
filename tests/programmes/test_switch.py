"""A programme that is off leaves no trace: its URLs answer 404, its menu entries and its home page
section are gone; switched back on, all of it is back."""

import pytest
from django.urls import reverse

from inspira.programmes.catalog import NAMESPACES
from inspira.programmes.services import programme_set_active
from tests.factories import programme


@pytest.fixture(autouse=True)
def _no_second_step(monkeypatch):
    from inspira.accounts import two_factor

    monkeypatch.setattr(two_factor, "required_for", lambda user: False)


def _switch(key, active, actor):
    programme_set_active(programme=programme(key), active=active, actor=actor)


SITE_PAGES = ["catalogue:index", "visits:mine", "visits:free", "certification:list", "certification:start"]


def test_the_inspiration_sites_pages_answer_404_while_the_programme_is_off(client_for, staff, administrator):
    client = client_for(staff)
    assert all(client.get(reverse(name)).status_code == 200 for name in SITE_PAGES)

    _switch("inspiration_sites", False, administrator)
    assert {name: client.get(reverse(name)).status_code for name in SITE_PAGES} == dict.fromkeys(SITE_PAGES, 404)
    assert client.post(reverse("certification:start")).status_code == 404

    _switch("inspiration_sites", True, administrator)
    assert all(client.get(reverse(name)).status_code == 200 for name in SITE_PAGES)


def test_anonymous_visitors_get_404_too_not_a_login_page(client, db, administrator):
    _switch("inspiration_sites", False, administrator)
    assert client.get(reverse("catalogue:index")).status_code == 404
    assert client.get(reverse("visits:mine")).status_code == 404


def test_finance_keeps_its_invoices_while_the_inspiration_sites_are_off(client_for, finance, administrator):
    _switch("inspiration_sites", False, administrator)
    client = client_for(finance)
    for name in ("billing:overview", "billing:invoices", "billing:support_list"):
        assert client.get(reverse(name)).status_code == 200


def test_every_namespace_of_a_programme_is_a_url_namespace():
    from django.urls import get_resolver

    assert set(NAMESPACES) <= set(get_resolver().namespace_dict)


def test_the_home_page_shows_only_the_programmes_that_are_on(client, db, administrator):
    content = client.get(reverse("core:home")).content.decode()
    assert "Inspirationsplatser" in content and reverse("catalogue:index") in content
    assert "Lärarpanelen" not in content and "Skräddarsydda insatser" not in content

    _switch("teacher_panel", True, administrator)
    _switch("inspiration_sites", False, administrator)
    content = client.get(reverse("core:home")).content.decode()
    assert "Lärarpanelen" in content and "vad lärarna tycker" in content
    assert "Inspirationsplatser" not in content and reverse("catalogue:index") not in content


def test_the_home_page_links_each_programme_that_is_on_to_its_own_page(client, db, administrator):
    for key in ("benchmarking", "tailor_made", "cooperation", "teacher_panel"):
        _switch(key, True, administrator)
    content = client.get(reverse("core:home")).content.decode()
    for name in ("benchmarking:index", "efforts:index", "cooperation:index", "panel:index"):
        assert f'href="{reverse(name)}"' in content
    assert "Kommer snart" not in content

    _switch("tailor_made", False, administrator)
    assert f'href="{reverse("efforts:index")}"' not in client.get(reverse("core:home")).content.decode()


def test_the_dashboard_hides_the_inspiration_sites_but_keeps_the_invoices(client_for, principal, administrator):
    client = client_for(principal)
    content = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("visits:mine") in content
    _switch("inspiration_sites", False, administrator)
    content = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("visits:mine") not in content and reverse("certification:start") not in content
    school = principal.memberships.get().school
    assert reverse("billing:school_invoices", args=[school.pk]) in content


def test_the_administrators_waiting_work_leaves_out_a_programme_that_is_off(client_for, administrator):
    client = client_for(administrator)
    assert reverse("certification:queue") in client.get(reverse("core:dashboard")).content.decode()
    _switch("inspiration_sites", False, administrator)
    content = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("certification:queue") not in content and reverse("visits:all_bookings") not in content


def test_a_copy_in_the_page_cache_is_not_served_while_the_programme_is_off(client, db, administrator):
    from django.test import Client

    assert client.get(reverse("catalogue:index")).status_code == 200  # the copy is made
    _switch("inspiration_sites", False, administrator)
    assert Client().get(reverse("catalogue:index")).status_code == 404
