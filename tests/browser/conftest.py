"""Fixtures for the browser tests: a fresh page per test (in the one Chromium of tests/conftest.py),
and the people of every role. Helpers that tests call are in ``helpers.py``."""

import importlib
import os

# Playwright's sync API runs an event loop in the main thread, where the tests also use the
# ORM; Django refuses that unless told it is safe (it is: the loop is not running our code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.apps import apps  # noqa: E402
from django.utils import timezone  # noqa: E402

from inspira.accounts.models import Membership  # noqa: E402
from inspira.core.models import OutboxItem  # noqa: E402
from tests.factories import FeeRuleFactory, MembershipFactory, UserFactory, member  # noqa: E402

school_forms_migration = importlib.import_module("inspira.schools.migrations.0002_school_forms")
programmes_migration = importlib.import_module("inspira.programmes.migrations.0002_the_five_programmes")
areas_migration = importlib.import_module("inspira.efforts.migrations.0002_areas")
panel_migration = importlib.import_module("inspira.panel.migrations.0002_subjects_and_consent")

# Playwright waits for elements on its own; a page that needs longer than this is broken.
TIMEOUT_MS = 5000


def new_page(browser, live_server):
    """A page in a browser context of its own (its own cookies, so one person), as every test's page
    is set up. The caller closes ``page.context``; a test of several people opens one for each."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture(autouse=True)
def _browser_database(transactional_db, settings):
    # live_server needs a transactional database, which is emptied after each test, taking the
    # school forms, the programmes, the development areas and the panel's subjects and first consent text
    # that migrations created with it; put them back.
    school_forms_migration.create_school_forms(apps, None)
    programmes_migration.create(apps, None)
    areas_migration.add_areas(apps, None)
    panel_migration.forwards(apps, None)
    # Argon2 costs about 0.1 s per password; the browser tests log in a lot and test no hashing.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def site_contact(school):
    return member(school, Membership.Role.SITE_CONTACT, email="kontakt@example.se", name="Sara Kontakt")


@pytest.fixture
def pending_member(school):
    return MembershipFactory(
        school=school, confirmed_at=None, user=UserFactory(email="ny@example.se", name="Nils Ny"),
    ).user


@pytest.fixture
def fee_rule(db):
    return FeeRuleFactory()


@pytest.fixture
def outbox_item(db):
    # Written directly, not through email_enqueue: the item is to be looked at, not sent.
    return OutboxItem.objects.create(
        kind="email", key="browser-test:1", state=OutboxItem.State.DONE, attempts=1, done_at=timezone.now(),
        payload={"to": ["rektor@example.se"], "subject": "Välkommen till Inspira", "text": "Hej!\n\nVälkommen.",
                 "html": "", "attachments": []},
    )
