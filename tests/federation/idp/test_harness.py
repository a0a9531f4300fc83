"""The test identity provider and federation are real: pysaml2's own service-provider side, with a
throwaway configuration of its own, signs in through them over HTTP on 127.0.0.1, independent of
Inspira's service provider (inspira/federation).

Marked ``fault``: like the fault tests, these start separate server processes and wait for them, so
bin/test runs them once, in that pass's single process (the identity provider and the federation start
once, not once per xdist worker of the other passes). They use no database, so the pass's PostgreSQL
changes nothing for them.
"""

import base64
import html
import re
import subprocess
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import entity_descriptor
from saml2.response import StatusError
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import MissingKey, SignatureError
from saml2.validate import ResponseLifetimeExceed

from tests.federation.idp.common import XMLSEC1, make_test_keys
from tests.federation.idp.federation import ATTACKER_SSO
from tests.federation.idp.fixtures import BASE_DIR, MFA, PASSWORD, add_member, teacher
from tests.federation.idp.server import SIS_SCHOOL_UNIT_CODE

pytestmark = pytest.mark.fault

MDUI = "urn:oasis:names:tc:SAML:metadata:ui"
SHIBMD = "urn:mace:shibboleth:metadata:1.0"
DS = "http://www.w3.org/2000/09/xmldsig#"
ENTITIES_DESCRIPTOR = "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor"


class _Form(HTMLParser):
    """The form of the identity provider's answer page: its action, its fields, its buttons' labels."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self.buttons, self.onload = None, {}, [], None
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.onload = attrs.get("onload")
        elif tag == "form":
            self.action = attrs["action"]
        elif tag == "input":
            self.fields[attrs["name"]] = attrs.get("value")
        elif tag == "button":
            self._in_button = True

    def handle_data(self, data):
        if self._in_button:
            self.buttons.append(data.strip())

    def handle_endtag(self, tag):
        if tag == "button":
            self._in_button = False


def read_form(page: str) -> _Form:
    form = _Form()
    form.feed(page)
    return form


def sp_config(directory, *, entity_id, acs, federation, attribute_map_dir, with_metadata=True, **sp) -> SPConfig:
    key, cert = directory / "sp-key.pem", directory / "sp-cert.pem"
    if not key.exists():
        make_test_keys(directory, "sp", "Harness SP")
    return SPConfig().load({
        "entityid": entity_id,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs, BINDING_HTTP_POST)]},
            "want_response_signed": True,
            "want_assertions_signed": True,
            "authn_requests_signed": True,
            "allow_unsolicited": False,
            "name_id_format": NAMEID_FORMAT_TRANSIENT,
            **sp,
        }},
        "key_file": str(key),
        "cert_file": str(cert),
        "xmlsec_binary": XMLSEC1,
        "attribute_map_dir": attribute_map_dir,
        "metadata": {"remote": [{"url": federation.metadata_url, "cert": federation.cert}]} if with_metadata else {},
        "accepted_time_diff": 60,
        "http_client_timeout": 30,
    })


@pytest.fixture
def harness_sp(tmp_path, saml_federation, saml_idp):
    """pysaml2's service-provider side, registered with the federation (its metadata inline), reading the
    federation's aggregate checked with the federation's certificate. Its ACS is never called: the test
    takes the SAMLResponse from the identity provider's form, as the browser would post it."""
    entity_id, acs = "https://harness-sp.test/saml2/metadata/", "https://harness-sp.test/saml2/acs/"
    maps = str(saml_idp.directory / "attributemaps")  # the identity provider's map, sisSchoolUnitCode included

    def client(**sp) -> Saml2Client:
        return Saml2Client(sp_config(tmp_path, entity_id=entity_id, acs=acs, federation=saml_federation,
                                     attribute_map_dir=maps, **sp))

    bare = sp_config(tmp_path, entity_id=entity_id, acs=acs, federation=saml_federation, attribute_map_dir=maps,
                     with_metadata=False)
    add_member(saml_federation, {"xml": str(entity_descriptor(bare))})
    client.entity_id, client.acs = entity_id, acs
    return client


def sign_in(client: Saml2Client, idp, *, relay_state="/konto/"):
    """AuthnRequest (HTTP-Redirect, signed) -> the identity provider -> its auto-posting form. Returns the
    request's id and the form."""
    request_id, info = client.prepare_for_authenticate(entityid=idp.entity_id, relay_state=relay_state,
                                                      binding=BINDING_HTTP_REDIRECT)
    location = dict(info["headers"])["Location"]
    assert location.startswith(idp.base + "/idp/sso/redirect?")
    reply = requests.get(location, timeout=60)
    assert reply.status_code == 200, reply.text
    return request_id, read_form(reply.text)


def signatures(xml: str) -> int:
    return len(re.findall(r"<(?:\w+:)?SignatureValue>", xml))


def parse(client: Saml2Client, request_id, form, relay_state="/konto/"):
    return client.parse_authn_request_response(form.fields["SAMLResponse"], BINDING_HTTP_POST,
                                               outstanding={request_id: relay_state})


def test_identity_provider_metadata_has_a_display_name_a_scope_and_its_signing_certificate(saml_idp):
    store = MetadataStore(None, None)
    store.load("inline", saml_idp.get("/idp/metadata").decode())
    assert store.identity_providers() == [saml_idp.entity_id]
    assert list(store.mdui_uiinfo_display_name(saml_idp.entity_id, langpref="sv")) == ["Teststad kommun"]
    assert [scope["text"] for scope in store.shibmd_scopes(saml_idp.entity_id, "idpsso_descriptor")] == ["teststad.se"]
    assert store.single_sign_on_service(saml_idp.entity_id, BINDING_HTTP_REDIRECT)[0]["location"] == (
        saml_idp.base + "/idp/sso/redirect")
    cert_body = "".join(Path(saml_idp.cert).read_text().splitlines()[1:-1])
    assert [cert_body] == ["".join(c[1].split()) for c in store.certs(saml_idp.entity_id, "idpsso", "signing")]


def test_federation_aggregate_verifies_with_the_federation_certificate_and_lists_every_member(
        saml_federation, saml_idp, harness_sp):
    client = harness_sp()  # loading the aggregate from its URL checks its signature with the federation's cert
    metadata = client.config.metadata
    assert set(metadata.identity_providers()) == {saml_idp.entity_id, saml_federation.offline_idp["entity_id"]}
    assert harness_sp.entity_id in metadata.service_providers()
    assert list(metadata.mdui_uiinfo_display_name(saml_federation.offline_idp["entity_id"], langpref="sv")) == [
        "Exempelkommun"]

    xml = saml_federation.aggregate()
    assert b"validUntil=" in xml and b"SignatureValue" in xml
    security = client.sec
    assert security.verify_signature(xml, cert_file=saml_federation.cert, node_name=ENTITIES_DESCRIPTOR)
    with pytest.raises(SignatureError):  # another key's certificate (the identity provider's) does not verify it
        security.verify_signature(xml, cert_file=saml_idp.cert, node_name=ENTITIES_DESCRIPTOR)


def test_a_normal_sign_in_validates_and_carries_the_attributes(saml_idp, harness_sp):
    user = teacher(saml_idp, sisSchoolUnitCode=["12345678", "87654321"])
    saml_idp.sign_in_as(user)
    client = harness_sp()
    request_id, form = sign_in(client, saml_idp)
    # The page posts itself to the ACS, and shows a button for a browser without JavaScript.
    assert form.action == harness_sp.acs and form.onload == "document.forms[0].submit()"
    assert form.buttons == ["Fortsätt"] and form.fields["RelayState"] == "/konto/"

    response = parse(client, request_id, form)
    assert response is not None and response.issuer() == saml_idp.entity_id
    assert response.ava["eduPersonPrincipalName"] == ["lars.larare@teststad.se"]
    assert response.ava["mail"] == ["lars.larare@teststad.se"]
    assert response.ava["displayName"] == ["Lars Lärare"]
    assert response.ava["givenName"] == ["Lars"] and response.ava["sn"] == ["Lärare"]
    assert response.ava["sisSchoolUnitCode"] == ["12345678", "87654321"]
    assert sorted(response.ava["eduPersonScopedAffiliation"]) == ["employee@teststad.se", "member@teststad.se"]
    assert [info[0] for info in response.authn_info()] == [PASSWORD]
    xml = base64.b64decode(form.fields["SAMLResponse"]).decode()
    assert f'Name="{SIS_SCHOOL_UNIT_CODE}"' in xml
    assert signatures(xml) == 2  # the response and its assertion, each signed

    seen = saml_idp.last_request()
    assert seen["issuer"] == harness_sp.entity_id and seen["signed"] is True
    assert seen["acs_url"] in (None, harness_sp.acs)


def test_the_identity_provider_asserts_multi_factor_authentication_when_told(saml_idp, harness_sp):
    saml_idp.sign_in_as(teacher(saml_idp), authn_context=MFA)
    client = harness_sp()
    request_id, form = sign_in(client, saml_idp)
    assert [info[0] for info in parse(client, request_id, form).authn_info()] == [MFA]


def test_a_tampered_response_fails_signature_verification(saml_idp, harness_sp):
    saml_idp.sign_in_as(teacher(saml_idp), mode="tamper", tamper_to="rektor@teststad.se")
    client = harness_sp()
    request_id, form = sign_in(client, saml_idp)
    xml = base64.b64decode(form.fields["SAMLResponse"]).decode()
    # The eduPersonPrincipalName changed; mail, the same text before, did not.
    assert xml.count(">rektor@teststad.se<") == 1 and xml.count(">lars.larare@teststad.se<") == 1
    with pytest.raises(SignatureError):
        parse(client, request_id, form)


def test_an_expired_response_is_refused(saml_idp, harness_sp):
    saml_idp.sign_in_as(teacher(saml_idp), mode="expired")
    client = harness_sp()
    request_id, form = sign_in(client, saml_idp)
    xml = base64.b64decode(form.fields["SAMLResponse"]).decode()
    # Signed, and an hour old: the signature is fine, the time is not.
    assert signatures(xml) == 2
    not_on_or_after = re.findall(r'NotOnOrAfter="([^"]+)"', xml)
    assert len(not_on_or_after) == 2  # Conditions and SubjectConfirmationData
    with pytest.raises((ResponseLifetimeExceed, StatusError)) as refused:
        parse(client, request_id, form)
    assert "lifetime" in type(refused.value).__name__.lower() or "expired" in str(refused.value).lower()


def test_an_unsigned_response_is_refused_by_a_service_provider_that_wants_signatures(saml_idp, harness_sp):
    saml_idp.sign_in_as(teacher(saml_idp), mode="unsigned")
    client = harness_sp()
    request_id, form = sign_in(client, saml_idp)
    assert b"SignatureValue" not in base64.b64decode(form.fields["SAMLResponse"])
    with pytest.raises(SignatureError):
        parse(client, request_id, form)


def test_a_service_provider_outside_the_federation_is_refused_by_the_identity_provider(tmp_path, saml_federation,
                                                                                       saml_idp):
    saml_idp.sign_in_as(teacher(saml_idp))
    stranger = Saml2Client(sp_config(tmp_path, entity_id="https://stranger.test/saml2/metadata/",
                                     acs="https://stranger.test/saml2/acs/", federation=saml_federation,
                                     attribute_map_dir=str(saml_idp.directory / "attributemaps")))
    _, info = stranger.prepare_for_authenticate(entityid=saml_idp.entity_id, binding=BINDING_HTTP_REDIRECT)
    reply = requests.get(dict(info["headers"])["Location"], timeout=60)
    assert reply.status_code == 403 and "stranger.test" in reply.text


def test_a_response_from_an_identity_provider_outside_the_federation_is_refused(saml_rogue_idp, harness_sp):
    saml_rogue_idp.sign_in_as(teacher(saml_rogue_idp))
    # The rogue pushes an unsolicited response; even a service provider that accepts unsolicited ones
    # must refuse it, as it knows no such identity provider.
    client = harness_sp(allow_unsolicited=True)
    reply = requests.get(saml_rogue_idp.base + "/idp/initiated", params={"sp": harness_sp.entity_id}, timeout=60)
    assert reply.status_code == 200, reply.text
    form = read_form(reply.text)
    assert form.action == harness_sp.acs
    assert saml_rogue_idp.entity_id not in client.config.metadata.identity_providers()
    with pytest.raises(MissingKey, match=re.escape(saml_rogue_idp.entity_id)):
        client.parse_authn_request_response(form.fields["SAMLResponse"], BINDING_HTTP_POST, outstanding={})


@pytest.mark.parametrize("mode, error", [
    ("error", "SourceNotFound"),
    ("bad_signature", "SignatureError"),
    ("expired", "TooOld"),
])
def test_a_failing_federation_fails_as_set(saml_federation, harness_sp, mode, error):
    harness_sp()  # the aggregate loads while the federation answers ok
    saml_federation.control(mode=mode)
    with pytest.raises(Exception) as failed:  # noqa: B017 (the exact class is asserted by name below)
        harness_sp()
    assert type(failed.value).__name__ == error, repr(failed.value)
    assert saml_federation.status()["served"][mode] == 1
    if mode == "bad_signature":
        assert ATTACKER_SSO.encode() in saml_federation.aggregate()


def test_an_unsigned_aggregate_is_served_without_a_signature_and_pysaml2_alone_accepts_it(saml_federation,
                                                                                         saml_idp, harness_sp):
    """pysaml2's remote loader skips the check when the document is unsigned, even with a certificate
    configured: Inspira must require the signature itself. This proves the mode serves such a document."""
    saml_federation.control(mode="unsigned")
    xml = saml_federation.aggregate()
    assert b"<ns1:Signature" not in xml and b"SignatureValue" not in xml and saml_idp.entity_id.encode() in xml
    assert saml_idp.entity_id in harness_sp().config.metadata.identity_providers()


def test_a_refused_connection_and_a_slow_federation_fail_a_fetch(saml_federation):
    with pytest.raises(urllib.error.URLError, match="refused"):
        urllib.request.urlopen(saml_federation.refused_url, timeout=10)  # noqa: S310
    saml_federation.control(mode="slow", delay=5)
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(saml_federation.metadata_url, timeout=1)


def test_the_identity_provider_keeps_its_last_good_copy_of_the_federation_metadata(saml_federation, saml_idp,
                                                                                  harness_sp):
    saml_idp.sign_in_as(teacher(saml_idp))
    client = harness_sp()
    sign_in(client, saml_idp)  # the identity provider fetches the aggregate, and keeps it
    saml_federation.control(mode="error")
    request_id, form = sign_in(client, saml_idp)
    assert parse(client, request_id, form).ava["eduPersonPrincipalName"] == ["lars.larare@teststad.se"]
    failures = saml_idp.status()["metadata_failures"]
    assert "500" in failures[saml_federation.metadata_url]


def test_the_page_escapes_the_relay_state(saml_idp, harness_sp):
    saml_idp.sign_in_as(teacher(saml_idp))
    client = harness_sp()
    request_id, info = client.prepare_for_authenticate(entityid=saml_idp.entity_id, relay_state='"><script>',
                                                      binding=BINDING_HTTP_REDIRECT)
    page = requests.get(dict(info["headers"])["Location"], timeout=60).text
    assert "<script>" not in page and html.escape('"><script>') in page


def test_the_keys_are_made_at_start_up_and_none_is_committed(saml_federation, saml_idp):
    for process, names in ((saml_federation, ["exempelkommun-key.pem", "federation-key.pem"]),
                           (saml_idp, ["idp-key.pem"])):
        assert sorted(path.name for path in process.directory.glob("*-key.pem")) == names
    tracked = subprocess.run(["git", "ls-files", "tests/federation"], cwd=BASE_DIR, capture_output=True,  # noqa: S607
                             text=True, check=True, timeout=30).stdout.split()
    assert tracked == [] or not [name for name in tracked if name.endswith((".pem", ".key", ".crt"))]
