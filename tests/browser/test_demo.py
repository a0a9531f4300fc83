"""The demo data works in the browser: its people log in with the printed password."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from inspira.accounts.models import User
from inspira.portal.management.commands.load_demo import DEMO_PASSWORD
from inspira.schools.models import School
from tests.browser.helpers import assert_accessible, login

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def test_demo_administrator_sees_the_demo_schools(demo, page, live_server):
    login(page, live_server, User.objects.get(email="admin@inspira.example"), password=DEMO_PASSWORD)
    page.goto(live_server.url + reverse("schools:list"))
    expect(page.locator("main")).to_contain_text("Katarina Södra skola")
    assert_accessible(page)


def test_demo_principal_sees_the_teacher_waiting(demo, page, live_server):
    login(page, live_server, User.objects.get(email="rektor.katarina@inspira.example"), password=DEMO_PASSWORD)
    school = School.objects.get(name="Katarina Södra skola")
    page.goto(live_server.url + reverse("accounts:school_members", args=[school.pk]))
    expect(page.locator("main")).to_contain_text("Elin Forsberg")
    assert_accessible(page)
