"""pytest fixtures for a real SAML identity provider and a federation operator, each a process of its own
(server.py, federation.py), started once per session and put back to their start state after each test.

Any test module uses them by importing the fixtures it needs, with their dependencies
(tests/federation/idp/conftest.py does, for the harness's own tests). Each is defined as
``<name>_fixture`` and registered under ``<name>``, so a test's parameter does not shadow the import::

    from tests.federation.idp.fixtures import (saml_federation_fixture, saml_idp_fixture,
        saml_idp_process_fixture, saml_processes_fixture, saml_sp_fixture)

- ``saml_federation``: the federation operator (``.metadata_url``, ``.cert``, ``.refused_url``,
  ``.control(mode=...)``, ``.status()``).
- ``saml_idp``: the identity provider, registered with the federation and reading the federation's
  aggregate (checked with the federation's certificate) for the service providers it serves
  (``.entity_id``, ``.sign_in_as(user, mode=..., authn_context=...)``, ``.last_request()``).
- ``saml_sp``: Inspira's own service provider on pytest-django's ``live_server``, registered with the
  federation and configured through the ``INSPIRA_SAML_*`` settings.
- ``saml_processes``: resets both after the test; ``saml_idp`` and ``saml_sp`` take it, so a test
  that switched the federation to failing leaves a working one to the next.

Processes run in a session of their own (process group), are stopped with SIGTERM and then SIGKILL,
and their logs are added to the failure message when they fail to start.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
START_TIMEOUT = 90  # seconds; pysaml2's import and key generation on a busy 2-core machine
STOP_TIMEOUT = 10
CONTROL_TIMEOUT = 60  # a control call waits for a sign-in request in progress (they share a lock)

# What the service provider reads (the contract with inspira/federation).
SP_METADATA_PATH = "/saml2/metadata/"
SP_ACS_PATH = "/saml2/acs/"
SP_LOGIN_PATH = "/saml2/login/"
MFA = "https://refeds.org/profile/mfa"
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def unused_port() -> int:
    """A port of 127.0.0.1 where nothing listens (connections are refused): bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalProcess:
    """``python -m <module> --dir <directory>`` from the project's root, as a process group of its own."""

    module: str
    directory: Path
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None
    ready: dict = field(default_factory=dict)

    @property
    def log(self) -> Path:
        return self.directory / "process.log"

    @property
    def base(self) -> str:
        return self.ready["base"]

    def start(self) -> "LocalProcess":
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", self.module, "--dir", str(self.directory), *self.args],
                cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )
        ready_file = self.directory / "ready.json"
        deadline = time.monotonic() + START_TIMEOUT
        while not ready_file.exists():
            if self.process.poll() is not None:
                pytest.fail(f"{self.module} exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{self.module} did not start within {START_TIMEOUT} s:\n{self.log_tail()}")
            time.sleep(0.1)
        self.ready = json.loads(ready_file.read_text())
        # The port is bound before ready.json is written; this proves the server answers.
        assert self.get("/_health") == b"ok\n", self.log_tail()
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)
        except ProcessLookupError:
            pass

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=CONTROL_TIMEOUT) as response:  # noqa: S310
            return response.read()

    def post_json(self, path: str, data: dict) -> dict:
        request = urllib.request.Request(self.base + path, data=json.dumps(data).encode(), method="POST",  # noqa: S310
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=CONTROL_TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            pytest.fail(f"{self.module} refused a change of {sorted(data)}: {error.read().decode()}")

    def status(self) -> dict:
        return json.loads(self.get("/_control"))

    def reset(self) -> dict:
        return self.post_json("/_control/reset", {})

    def control(self, **change) -> dict:
        return self.post_json("/_control", change)

    # What both servers write to ready.json: where their metadata is, and the certificate that checks it.
    @property
    def metadata_url(self) -> str:
        return self.ready["metadata_url"]

    @property
    def cert(self) -> str:
        return self.ready["cert"]


class Federation(LocalProcess):
    """``control()`` takes ``mode`` ("ok", "error", "bad_signature", "unsigned", "expired", "slow"),
    ``delay`` and ``members``."""

    @property
    def offline_idp(self) -> dict:
        """The identity provider in the aggregate that is not running: entity_id, name, scope."""
        return self.ready["offline_idp"]

    @property
    def refused_url(self) -> str:
        """A metadata URL whose connection is refused (nothing listens on its port): the federation down."""
        return f"http://127.0.0.1:{unused_port()}/md/federation.xml"

    def aggregate(self) -> bytes:
        return self.get("/md/federation.xml")


class IdentityProvider(LocalProcess):
    """``control()`` takes ``user``, ``mode`` ("normal", "tamper", "expired", "unsigned"), ``tamper_to``,
    ``authn_context`` and ``metadata``."""

    @property
    def entity_id(self) -> str:
        return self.ready["entity_id"]

    @property
    def name(self) -> str:
        return self.ready["name"]

    @property
    def scope(self) -> str:
        return self.ready["scope"]

    def sign_in_as(self, user: dict, *, mode: str = "normal", authn_context: str = PASSWORD,
                   tamper_to: str | None = None) -> dict:
        """Who the next sign-in requests get a response for, and how."""
        return self.control(user=user, mode=mode, authn_context=authn_context, tamper_to=tamper_to)

    def last_request(self) -> dict | None:
        """The last AuthnRequest the identity provider accepted: issuer, acs_url, signed, requested_authn_context."""
        return self.status()["last_request"]

    def last_response(self) -> str | None:
        """The last response's XML (as sent, so tampered if it was), to replay it."""
        return self.status()["last_response"]


def teacher(idp: IdentityProvider, local: str = "lars.larare", **attributes) -> dict:
    """A teacher's attributes as a Skolfederation identity provider releases them: scoped to the
    identity provider's domain, one school unit code (8 digits)."""
    return {
        "eduPersonPrincipalName": f"{local}@{idp.scope}",
        "mail": f"{local}@{idp.scope}",
        "displayName": "Lars Lärare",
        "givenName": "Lars",
        "sn": "Lärare",
        "sisSchoolUnitCode": ["12345678"],
        "eduPersonScopedAffiliation": [f"employee@{idp.scope}", f"member@{idp.scope}"],
        **attributes,
    }


@pytest.fixture(scope="session", name="saml_keys")
def saml_keys_fixture(tmp_path_factory):
    """Test key pairs made once a session: Inspira's, identity providers' and a federation's (and an
    impostor's), for the in-process messages of tests/federation/inprocess.py and Inspira's own pair."""
    from tests.federation.inprocess import make_keys

    return make_keys(Path(tmp_path_factory.mktemp("saml-keys")))


@pytest.fixture(name="saml_settings")
def saml_settings_fixture(settings, saml_keys):
    """Inspira's service-provider settings for a test: its key pair (made once, not at first use in
    VAR_DIR), at http://testserver, checking the aggregate with the in-process federation's certificate.
    Sign-in through the federation is on and the metadata cache is the test's own, empty, for every test
    (tests/conftest.py); ``saml_sp`` changes the address and the federation to the live ones."""
    settings.SITE_URL = "http://testserver"
    settings.INSPIRA_SAML_KEY_FILE, settings.INSPIRA_SAML_CERT_FILE = saml_keys.sp
    settings.INSPIRA_SAML_FEDERATION_CERT = saml_keys.federation[1]
    assert settings.INSPIRA_SAML_ENABLED and settings.INSPIRA_SAML_METADATA_CACHE, "set in tests/conftest.py"
    return settings


@pytest.fixture(scope="session", name="saml_federation")
def saml_federation_fixture(tmp_path_factory):
    federation = Federation("tests.federation.idp.federation", tmp_path_factory.mktemp("saml-federation"))
    try:
        yield federation.start()
    finally:
        federation.stop()


@pytest.fixture(scope="session", name="saml_idp_process")
def saml_idp_process_fixture(tmp_path_factory, saml_federation):
    idp = IdentityProvider("tests.federation.idp.server", tmp_path_factory.mktemp("saml-idp"),
                           ["--name", "Teststad kommun", "--scope", "teststad.se"])
    try:
        idp.start()
        yield idp
    finally:
        idp.stop()


@pytest.fixture(name="saml_processes")
def saml_processes_fixture(saml_federation, saml_idp_process):
    """Both processes as the session started them, before and after the test: the federation answering
    ``ok`` with the identity provider as its only member, the identity provider reading the federation's
    aggregate, nobody set to sign in."""

    def start_state():
        saml_federation.reset()
        saml_federation.control(members=[{"url": saml_idp_process.metadata_url}])
        saml_idp_process.reset()
        saml_idp_process.control(metadata=[{"url": saml_federation.metadata_url, "cert": saml_federation.cert}])

    start_state()
    yield saml_federation, saml_idp_process
    start_state()


@pytest.fixture(name="saml_idp")
def saml_idp_fixture(saml_processes) -> IdentityProvider:
    return saml_processes[1]


def add_member(federation: Federation, member: dict) -> None:
    """Register one more entity with the federation: ``{"url": ...}`` or ``{"xml": ...}``."""
    federation.control(members=[*federation.status()["members"], member])


@dataclass
class ServiceProvider:
    base: str
    idp: IdentityProvider
    federation: Federation

    @property
    def entity_id(self) -> str:
        return self.base + SP_METADATA_PATH

    @property
    def acs_url(self) -> str:
        return self.base + SP_ACS_PATH

    def login_url(self, idp_entity_id: str | None = None) -> str:
        return self.base + SP_LOGIN_PATH + "?" + urlencode({"idp": idp_entity_id or self.idp.entity_id})


@pytest.fixture(name="saml_sp")
def saml_sp_fixture(saml_processes, saml_settings, live_server) -> ServiceProvider:
    """Inspira's service provider on ``live_server``, a member of the federation, configured as production
    would be: reached at the live server's address (SITE_URL, which its entity id and ACS are made of),
    the federation's metadata URL and certificate, production's cookie settings. Its metadata is fetched by
    the federation from ``/saml2/metadata/`` when it registers."""
    federation, idp = saml_processes
    settings = saml_settings
    # Production's cookies (inspira/settings.py with DEBUG off): Secure, and Django's SameSite=Lax.
    # Chromium keeps Secure cookies from http://localhost, and the identity provider on 127.0.0.1 is
    # another site, so the ACS's POST is cross-site as in production (test_browser_cookies.py).
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_SAMESITE = "Lax"
    settings.CSRF_COOKIE_SAMESITE = "Lax"
    assert urlsplit(live_server.url).hostname != urlsplit(idp.base).hostname, (
        "the live server and the identity provider must be different sites (localhost and 127.0.0.1)")
    settings.SITE_URL = live_server.url
    settings.INSPIRA_SAML_FEDERATION_METADATA_URL = federation.metadata_url
    settings.INSPIRA_SAML_FEDERATION_CERT = federation.cert
    sp = ServiceProvider(base=live_server.url, idp=idp, federation=federation)
    add_member(federation, {"url": sp.entity_id})
    return sp


@pytest.fixture(scope="session", name="saml_rogue_idp")
def saml_rogue_idp_fixture(tmp_path_factory, saml_federation):
    """A second identity provider, with keys of its own, that is NOT in the federation's aggregate; it
    reads the aggregate all the same (it is public), so it can address the federation's service providers.
    A response from it must be refused."""
    rogue = IdentityProvider("tests.federation.idp.server", tmp_path_factory.mktemp("saml-rogue-idp"),
                             ["--name", "Okänd kommun", "--scope", "okand.example"])
    try:
        rogue.start()
        rogue.control(metadata=[{"url": saml_federation.metadata_url, "cert": saml_federation.cert}])
        yield rogue
    finally:
        rogue.stop()
