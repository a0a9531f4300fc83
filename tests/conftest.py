import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.conf import Conf

from inspira.accounts import two_factor
from inspira.accounts.models import Membership, User
from inspira.events import permissions as event_permissions
from inspira.programmes import state as programme_state
from inspira.programmes.catalog import DEFAULT_ACTIVE
from tests import dbflush
from tests.factories import SchoolFactory, UserFactory, member

dbflush.install()  # PostgreSQL empties the database after a transactional test with DELETE, not TRUNCATE


@pytest.fixture(autouse=True)
def _media_mail_and_jobs(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Factory users get a password, and Argon2 is deliberately slow; Argon2 stays second so
    # the demo fixture's hashes still verify. test_security checks production hashing.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # django-q2 reads its configuration once at import; run jobs inline in tests.
    monkeypatch.setattr(Conf, "SYNC", True)
    # An empty cache of each test's own: pages cached for anonymous visitors (inspira/core/pagecache.py)
    # must not leak from one test into the next, while each test still goes through the cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"test-{uuid.uuid4()}"}}
    # A running server has read which programmes are on long before: the tests' query counts measure
    # the page, not that one read (tests/programmes/test_state.py counts it). The database holds the
    # defaults at the start of every test; programme_set_active() drops this whenever it changes them.
    cache.set(programme_state.CACHE_KEY, DEFAULT_ACTIVE, timeout=None)  # no expiry within a test
    # Likewise who coordinates which programme (the menu asks on every page): nobody, at the start of a test.
    cache.set(event_permissions.COORDINATORS_CACHE_KEY, {}, timeout=None)
    # Sign-in through Skolfederation is on in the tests (its pages are walked like any other), with an empty
    # metadata cache of each test's own: tests/federation/ writes a federation's aggregate where it needs one.
    settings.INSPIRA_SAML_ENABLED = True
    settings.INSPIRA_SAML_METADATA_CACHE = tmp_path / "saml" / "federation-metadata.xml"


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """``client.force_login(person)`` also passes the second step for those who need it.

    People with a central role must enter a code from an authenticator app after their password
    (inspira/accounts/middleware.py); without this, every test that force-logs-in an
    administrator, the director or finance would land on the two-factor page. The wrapper gives
    the person a confirmed TOTP device and marks the session verified with it, as
    ``django_otp.login`` does. The real enforcement (enrolment, codes, recovery codes,
    throttling, resets) is tested in tests/accounts/test_two_factor.py, which logs in through
    the login form instead; the browser helper ``login()`` types a real code.
    """
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if two_factor.required_for(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Test device", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def en(client, settings):
    """Pages and messages in English (the language switch's cookie), so the assertions read the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def school(db):
    return SchoolFactory(name="Vasaskolan")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Katarina Norra skola")


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.se", name="Anna Administratör", role=User.Role.ADMINISTRATOR)


@pytest.fixture
def director(db):
    return UserFactory(email="direktor@example.se", name="Dan Direktör", role=User.Role.DIRECTOR)


@pytest.fixture
def finance(db):
    return UserFactory(email="ekonomi@example.se", name="Eva Ekonomi", role=User.Role.FINANCE)


@pytest.fixture
def principal(school):
    return member(school, Membership.Role.PRINCIPAL, email="rektor@example.se", name="Rut Rektor")


@pytest.fixture
def staff(school):
    return member(school, email="larare@example.se", name="Lars Lärare")


@pytest.fixture
def site_contact(school):
    return member(school, Membership.Role.SITE_CONTACT, email="platsansvarig@example.se", name="Sara Site")


@pytest.fixture
def client_for(client):
    """Log the test client in as a person: ``client_for(user)``."""

    def login(user):
        client.force_login(user)
        return client

    return login



# Which pass runs what (bin/test). Fixtures that send requests through Django's test client: a test
# that takes one checks a page. Fixtures that reach the database: a test without any gives the same
# answer whatever the engine.
CLIENT_FIXTURES = {"client", "client_for", "admin_client"}
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}
# Page tests whose answer depends on the services behind them (the cache in Redis, the broker, the
# demo a newcomer loads): they run in both passes.
# Tests that bin/test already runs in one pass of their own.
ONE_PASS_ALREADY = ("browser", "fuzz", "permissions", "fault")
BOTH_PASSES = ("/tests/portal/", "/tests/catalogue/test_page_cache.py", "/tests/core/test_health.py",
               "/tests/programmes/test_state.py")


def pytest_collection_modifyitems(config, items):
    """Mark the page tests ``pages`` and the tests that never reach the database ``db_free`` (see
    pyproject.toml). A page test that is skipped on one engine or commits its transactions (races)
    is neither: it runs in both passes."""
    for item in items:
        if any(item.get_closest_marker(name) for name in ONE_PASS_ALREADY):
            continue
        names = set(getattr(item, "fixturenames", ()))
        if not (names & DATABASE_FIXTURES) and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.db_free)
            continue
        if (names & CLIENT_FIXTURES and not any(part in str(item.path) for part in BOTH_PASSES)
                and item.get_closest_marker("skipif") is None and "transactional_db" not in names):
            item.add_marker(pytest.mark.pages)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process, for every test that drives one (tests/browser, and the
    federation harness's cookie checks): Playwright's sync API runs one instance per thread, so a second
    ``sync_playwright()`` in the same process fails."""
    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
