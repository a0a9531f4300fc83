"""Signing in through the school federation, in Chromium, against a real SAML identity provider
(tests/federation/idp: pysaml2's Server as a process of its own, and a federation operator serving
signed metadata), under production's cookie settings (Secure; SameSite=Lax for Django's cookies).

The identity provider is on http://127.0.0.1 and the live server on http://localhost: different sites,
so the identity provider's form posting to /saml2/acs/ is a cross-site POST, as in production
(tests/federation/idp/test_browser_cookies.py shows why that matters).

One identity provider process and one federation process serve the whole session (fixtures in
tests/federation/idp/fixtures.py); each test registers its live server with the federation and has the
service provider fetch the aggregate with its own management command, into the test's own cache file.
"""

from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from playwright.sync_api import expect

from inspira.accounts.models import Membership, User
from inspira.federation.models import FederatedIdentity, IdentityProviderTrust
from tests.browser.conftest import new_page
from tests.browser.helpers import assert_accessible
from tests.factories import PASSWORD, SchoolFactory, UserFactory
from tests.federation.idp.federation import OFFLINE_IDP
from tests.federation.idp.fixtures import (  # noqa: F401 (fixtures, registered under their names without _fixture)
    MFA,
    saml_federation_fixture,
    saml_idp_fixture,
    saml_idp_process_fixture,
    saml_keys_fixture,
    saml_processes_fixture,
    saml_rogue_idp_fixture,
    saml_settings_fixture,
    saml_sp_fixture,
    teacher,
)

pytestmark = pytest.mark.browser

REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# The password field of the page that links a login to an existing account (federation/link.html).
LINK_PASSWORD_FIELD = "input[name=password]"
# The Swedish pages say (the catalogue's msgstr of views._refusal_text and refused.html):
REFUSED_TITLE = "Inloggningen fungerade inte"
NOT_VERIFIED = "Svaret från inloggningstjänsten kunde inte kontrolleras"
NOT_STARTED_HERE = "Svaret från inloggningstjänsten hör inte till en inloggning som startades här"
UNKNOWN_SERVICE = "Inspira känner inte till den inloggningstjänsten"


def refresh_metadata():
    """What the scheduled job runs: fetch, check and cache the federation's aggregate."""
    call_command("refresh_federation_metadata")


def path_of(page) -> str:
    return urlsplit(page.url).path


def signed_in(page) -> None:
    """The person is signed in, and let through to their page: the header offers to sign out and no
    second step stands in the way."""
    page.goto(reverse("core:dashboard"))
    assert path_of(page) == reverse("core:dashboard")
    expect(page.locator(f"header form[action='{reverse('accounts:logout')}']")).to_be_visible()


def signed_out(page) -> None:
    """Nobody is signed in: the dashboard sends the visitor to the login page."""
    page.goto(reverse("core:dashboard"))
    assert path_of(page) == reverse("accounts:login")


def refused(page, reason: str) -> None:
    """The Swedish page that says why signing in did not work."""
    expect(page.locator("main h1")).to_have_text(REFUSED_TITLE)
    expect(page.locator("main .lead")).to_contain_text(reason)


def sign_in_through_federation(page, saml_sp, *, idp_entity_id=None):
    """Start at Inspira, go to the identity provider and let its page post back to the ACS (JavaScript
    submits the form; the "Fortsätt" button is there without it). Returns the path the browser ends on."""
    page.goto(saml_sp.login_url(idp_entity_id))
    back_at_inspira(page, saml_sp)
    return path_of(page)


def back_at_inspira(page, saml_sp) -> None:
    page.wait_for_url(lambda url: urlsplit(url).netloc == urlsplit(saml_sp.base).netloc
                      and urlsplit(url).path != "/saml2/login/")


def cookie(page, name: str) -> dict:
    return next(cookie for cookie in page.context.cookies() if cookie["name"] == name)


@pytest.fixture
def federation_ready(saml_sp):
    """The service provider has fetched and cached the federation's metadata once, as its job does."""
    refresh_metadata()
    return saml_sp


def test_a_new_person_finds_their_municipality_signs_in_and_gets_an_account(page, federation_ready, saml_idp,
                                                                           saml_rogue_idp):
    school = SchoolFactory(name="Teststadsskolan", unit_code="12345678")
    saml_idp.sign_in_as(teacher(saml_idp, "nina.ny", displayName="Nina Ny", givenName="Nina", sn="Ny"))
    page.goto(reverse("accounts:login"))
    page.locator(f"main a[href^='{reverse('federation:discovery')}']").click()
    # The discovery page lists the federation's identity providers, the one not running included, and
    # not the one outside the federation.
    providers = page.locator("main ul.list-unstyled a")
    expect(providers).to_have_text(sorted([saml_idp.name, OFFLINE_IDP["name"]]))
    assert_accessible(page)
    search = page.locator("main form[method=get]")
    search.locator("input[name=q]").fill("exempel")
    search.locator("[type=submit]").click()
    expect(providers).to_have_text([OFFLINE_IDP["name"]])
    search.locator("input[name=q]").fill("teststad")
    search.locator("[type=submit]").click()
    expect(providers).to_have_text([saml_idp.name])
    assert_accessible(page)
    providers.first.click()
    back_at_inspira(page, federation_ready)
    signed_in(page)

    person = User.objects.get(email="nina.ny@teststad.se")
    assert person.name == "Nina Ny" and not person.has_usable_password()
    assert FederatedIdentity.objects.get(user=person).idp_entity_id == saml_idp.entity_id
    # The school unit code (released by OID because the SP's metadata requests it so) proposes a membership
    # that the principal confirms: the identity provider is not trusted for school codes.
    membership = Membership.objects.get(user=person)
    assert membership.school == school and membership.confirmed_at is None
    # The request was signed and sent by HTTP-Redirect (a self-submitting POST page would need a script
    # Inspira's CSP refuses).
    request = saml_idp.last_request()
    assert request["issuer"] == federation_ready.entity_id and request["acs_url"] == federation_ready.acs_url
    assert request["binding"] == REDIRECT_BINDING and request["signed"] is True
    # The session cookie came back on the cross-site POST's answer, under production's settings; the
    # cookie of the request waiting for its answer crossed the sites, so it is SameSite=None and Secure.
    session = cookie(page, "sessionid")
    assert session["secure"] is True and session["sameSite"] == "Lax" and session["httpOnly"] is True
    saml_session = cookie(page, "inspira_saml")
    assert saml_session["secure"] is True and saml_session["sameSite"] == "None"


def test_a_returning_person_signs_in_to_the_same_account(browser, live_server, federation_ready, saml_idp):
    saml_idp.sign_in_as(teacher(saml_idp))
    for _ in range(2):  # two visits, each in a browser of its own
        page = new_page(browser, live_server)
        try:
            sign_in_through_federation(page, federation_ready)
            signed_in(page)
        finally:
            page.context.close()
    person = User.objects.get(email="lars.larare@teststad.se")
    assert FederatedIdentity.objects.get().user == person


def test_a_person_whose_email_matches_an_account_links_it_once_with_their_password(
        browser, live_server, federation_ready, saml_idp):
    existing = UserFactory(email="lars.larare@teststad.se", name="Lars Lärare")
    saml_idp.sign_in_as(teacher(saml_idp))
    page = new_page(browser, live_server)
    try:
        assert sign_in_through_federation(page, federation_ready) == reverse("federation:link")
        # Not signed in yet: the person proves the account is theirs, after one wrong guess.
        assert_accessible(page)
        password = page.locator(f"main {LINK_PASSWORD_FIELD}")
        password.fill("inte-rätt-lösenord")
        page.locator("main form [type=submit]").click()
        expect(page.locator("main .invalid-feedback")).to_be_visible()
        assert not FederatedIdentity.objects.exists()
        assert_accessible(page)
        password.fill(PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_url(lambda url: urlsplit(url).path != reverse("federation:link"))
        signed_in(page)
    finally:
        page.context.close()
    assert FederatedIdentity.objects.get().user == existing
    page = new_page(browser, live_server)
    try:
        # Linked once: the next sign-in goes straight through, to the same account.
        assert sign_in_through_federation(page, federation_ready) != reverse("federation:link")
        signed_in(page)
    finally:
        page.context.close()
    assert User.objects.filter(email__iexact="lars.larare@teststad.se").get() == existing


@pytest.mark.parametrize("mode", ["tamper", "expired"])
def test_a_tampered_or_expired_response_is_refused(page, live_server, federation_ready, saml_idp, mode):
    # Tampered: the ePPN changed after signing, to that of an administrator who is linked already.
    admin = UserFactory(email="rektor@teststad.se", role=User.Role.ADMINISTRATOR)
    FederatedIdentity.objects.create(user=admin, idp_entity_id=saml_idp.entity_id, eppn="rektor@teststad.se")
    saml_idp.sign_in_as(teacher(saml_idp), mode=mode, tamper_to="rektor@teststad.se")
    assert sign_in_through_federation(page, federation_ready) == "/saml2/acs/"
    if mode == "tamper":
        refused(page, NOT_VERIFIED)
        assert "rektor@teststad.se" in saml_idp.last_response()  # the change did reach Inspira
    else:
        expect(page.locator("main .lead")).to_contain_text("gäller inte längre")
        refused(page, "")
    assert_accessible(page)
    signed_out(page)
    assert not User.objects.filter(email="lars.larare@teststad.se").exists()
    assert FederatedIdentity.objects.get().last_login_at is None


def test_an_unknown_identity_provider_is_refused(page, live_server, federation_ready, saml_idp, saml_rogue_idp):
    saml_rogue_idp.reset()
    # Asked for by name: Inspira does not send anyone to an identity provider the federation does not list.
    page.goto(federation_ready.login_url(saml_rogue_idp.entity_id))
    assert urlsplit(page.url).netloc == urlsplit(live_server.url).netloc
    refused(page, UNKNOWN_SERVICE)
    assert saml_rogue_idp.last_request() is None
    # Pushing a response of its own (signed with its own key, no request of Inspira's) to the ACS: refused.
    saml_rogue_idp.sign_in_as(teacher(saml_rogue_idp, "intrang"))
    page.goto(f"{saml_rogue_idp.base}/idp/initiated?sp={federation_ready.entity_id}")
    page.wait_for_url(f"{live_server.url}/saml2/acs/")
    expect(page.locator("main h1")).to_have_text(REFUSED_TITLE)
    signed_out(page)
    # Even the federation's own identity provider cannot push a sign-in nobody started at Inspira.
    saml_idp.sign_in_as(teacher(saml_idp, "oombedd"))
    page.goto(f"{saml_idp.base}/idp/initiated?sp={federation_ready.entity_id}")
    page.wait_for_url(f"{live_server.url}/saml2/acs/")
    refused(page, NOT_STARTED_HERE)
    signed_out(page)
    assert not User.objects.exists() and not FederatedIdentity.objects.exists()


@pytest.mark.parametrize("failure", ["error", "bad_signature", "unsigned", "expired", "refused"])
def test_a_failed_metadata_fetch_keeps_the_last_good_copy(page, settings, federation_ready, saml_federation,
                                                          saml_idp, failure):
    cached = settings.INSPIRA_SAML_METADATA_CACHE.read_bytes()
    if failure == "refused":
        settings.INSPIRA_SAML_FEDERATION_METADATA_URL = saml_federation.refused_url
    else:
        saml_federation.control(mode=failure)
    # Fails, or refuses what it got, and says so; the copy from federation_ready stays in use.
    with pytest.raises(CommandError, match="last good copy stays"):
        refresh_metadata()
    if failure != "refused":
        assert saml_federation.status()["served"][failure] == 1  # the job did ask
    assert settings.INSPIRA_SAML_METADATA_CACHE.read_bytes() == cached
    saml_idp.sign_in_as(teacher(saml_idp))
    sign_in_through_federation(page, federation_ready)
    signed_in(page)


@pytest.fixture
def linked_administrator(saml_idp):
    """An administrator whose login at the identity provider is linked to their account."""
    admin = UserFactory(email="lars.larare@teststad.se", name="Lars Lärare", role=User.Role.ADMINISTRATOR)
    FederatedIdentity.objects.create(user=admin, idp_entity_id=saml_idp.entity_id, eppn="lars.larare@teststad.se")
    return admin


def test_an_administrator_signing_in_with_trusted_mfa_skips_inspiras_second_factor(
        page, federation_ready, saml_idp, linked_administrator):
    IdentityProviderTrust.objects.create(entity_id=saml_idp.entity_id, name=saml_idp.name, trust_mfa=True)
    saml_idp.sign_in_as(teacher(saml_idp), authn_context=MFA)
    sign_in_through_federation(page, federation_ready)
    assert saml_idp.last_request()["issuer"] == federation_ready.entity_id
    signed_in(page)
    # An administrator's page, with no code asked for.
    page.goto(reverse("federation:providers"))
    assert path_of(page) == reverse("federation:providers")
    expect(page.locator("main")).to_contain_text(saml_idp.name)


@pytest.mark.parametrize("trusted, context", [(False, MFA), (True, None)], ids=["mfa-not-trusted", "no-mfa"])
def test_an_administrator_is_asked_for_the_second_factor_without_trusted_mfa(
        page, federation_ready, saml_idp, linked_administrator, trusted, context):
    IdentityProviderTrust.objects.create(entity_id=saml_idp.entity_id, name=saml_idp.name, trust_mfa=trusted)
    saml_idp.sign_in_as(teacher(saml_idp), **({"authn_context": context} if context else {}))
    sign_in_through_federation(page, federation_ready)
    page.goto(reverse("federation:providers"))
    # Signed in, but Inspira's own second step first: the administrator has no authenticator yet.
    assert path_of(page) == reverse("accounts:two_factor_enrol")
    expect(page.locator("#two-factor-secret")).to_be_visible()
