"""What headless Chromium does with the cookies of a SAML sign-in on plain http://127.0.0.1 and
http://localhost, so the federation's browser tests can trust what they see (issue 17: "the login
callback works under the production cookie settings (SameSite, Secure) in a real browser").

A sign-in ends with the identity provider's page posting a form to the service provider's ACS: a
cross-site, top-level POST. In production the two are different sites (a municipality's identity
provider, inspira's domain); these tests show that

1. Chromium keeps ``Secure`` cookies from http://localhost and http://127.0.0.1 (both count as secure
   origins), so Inspira's production settings (SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE) work in the
   tests without TLS; and ``SameSite=None`` without ``Secure`` is refused, on either;
2. 127.0.0.1 and localhost are different sites: the POST from one to the other carries the
   ``SameSite=None; Secure`` cookie and not the ``Lax`` ones, as in production;
3. a cookie with no SameSite attribute is a trap: Chromium treats it as Lax, but sends it on a cross-site
   top-level POST within two minutes of being set ("Lax-allowing-unsafe"; checked by hand: sent at once,
   not after 130 s). A test signing in within seconds passes where a person who takes three minutes at
   their identity provider fails: the cookie the ACS needs must say SameSite=None (and Secure);
4. two ports of the same host are ONE site (ports do not count): with the identity provider and the
   service provider both on 127.0.0.1, the ``Lax`` session cookie would be sent and a SameSite mistake
   would go unseen. So the identity provider listens on 127.0.0.1 and the live server on localhost.

The servers here are a few lines of WSGI; no Inspira code is involved.
"""

import json
import threading
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

pytestmark = pytest.mark.browser

COOKIES = [
    "lax=1; Path=/; SameSite=Lax; HttpOnly",  # Django's session and CSRF cookies
    "secure_lax=1; Path=/; SameSite=Lax; Secure; HttpOnly",  # the same under production settings
    "none_secure=1; Path=/; SameSite=None; Secure; HttpOnly",  # djangosaml2's saml_session, production
    "none_insecure=1; Path=/; SameSite=None; HttpOnly",  # djangosaml2's saml_session when not Secure
    "unspecified=1; Path=/; HttpOnly",  # no SameSite at all: Chromium treats it as Lax
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _app(environ, start_response):
    path = environ["PATH_INFO"]
    received = sorted(part.split("=", 1)[0].strip() for part in environ.get("HTTP_COOKIE", "").split(";") if part)
    if path == "/set":
        start_response("200 OK", [("Content-Type", "text/plain"), *[("Set-Cookie", c) for c in COOKIES]])
        return [b"set"]
    if path == "/echo":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"method": environ["REQUEST_METHOD"], "cookies": received}).encode()]
    if path == "/post-to":
        target = parse_qs(environ["QUERY_STRING"])["target"][0]
        page = (f'<!doctype html><body onload="document.forms[0].submit()"><form method="post" action="{target}">'
                '<input type="hidden" name="SAMLResponse" value="x"><button>Fortsätt</button></form></body>')
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b""]


@pytest.fixture(scope="module")
def ports():
    """Two servers on 127.0.0.1 (``localhost`` reaches them too): one for the "service provider", one
    for the "identity provider"."""
    servers = [make_server("127.0.0.1", 0, _app, handler_class=_Quiet) for _ in range(2)]
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
               for server in servers]
    for thread in threads:
        thread.start()
    yield [server.server_port for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def chromium(browser):
    """The test process's one Chromium (tests/conftest.py): a second Playwright in the same process fails."""
    return browser


def cookies_on_cross_post(chromium, *, sp: str, idp: str) -> tuple[list[str], list[str]]:
    """Cookies set by ``sp`` (kept by the browser), then those the browser sends with a form that a page
    of ``idp`` posts to ``sp``, in a fresh context."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{sp}/set")
        kept = sorted(cookie["name"] for cookie in context.cookies())
        page.goto(f"{idp}/post-to?target={sp}/echo")
        page.wait_for_url(f"{sp}/echo")
        echo = json.loads(page.locator("body").inner_text())
        assert echo["method"] == "POST"
        return kept, echo["cookies"]
    finally:
        context.close()


@pytest.mark.parametrize("sp_host, idp_host", [("localhost", "127.0.0.1"), ("127.0.0.1", "localhost")])
def test_secure_cookies_are_kept_on_plain_http_loopback_and_only_samesite_none_crosses_sites(
        chromium, ports, sp_host, idp_host):
    kept, sent = cookies_on_cross_post(chromium, sp=f"http://{sp_host}:{ports[0]}", idp=f"http://{idp_host}:{ports[1]}")
    # Secure is honoured without TLS on loopback; SameSite=None without Secure is refused.
    assert kept == ["lax", "none_secure", "secure_lax", "unspecified"]
    # Cross-site top-level POST: SameSite=None (and Secure) goes along, the Lax ones do not, as in
    # production; the one without SameSite only because it is less than two minutes old.
    assert sent == ["none_secure", "unspecified"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_two_ports_of_one_host_are_one_site_and_would_hide_a_samesite_mistake(chromium, ports, host):
    kept, sent = cookies_on_cross_post(chromium, sp=f"http://{host}:{ports[0]}", idp=f"http://{host}:{ports[1]}")
    assert kept == ["lax", "none_secure", "secure_lax", "unspecified"]
    # The Lax cookies too: not what production sees.
    assert sent == ["lax", "none_secure", "secure_lax", "unspecified"]
