"""A real SAML 2.0 identity provider for the tests, as a process of its own: pysaml2's ``Server`` behind a
small WSGI app on 127.0.0.1.

    python -m tests.federation.idp.server --dir DIR [--name "Stockholms stad"] [--scope stockholm.se]

At start-up it makes its own test key and certificate in DIR, binds a free port and writes
``DIR/ready.json`` (port, entity id, metadata URL, certificate path). Its metadata (an EntityDescriptor
with an IDPSSODescriptor carrying mdui:DisplayName and shibmd:Scope, as Skolfederation's identity
providers publish) is at ``/idp/metadata``.

It learns the service providers it answers from metadata it fetches on every sign-in request: the
federation's signed aggregate (checked against the federation's certificate) and/or a service
provider's own metadata URL, keeping the last good copy when a fetch fails, as a federation member
does. An AuthnRequest from a service provider that is in none of them is refused (HTTP 403).

The test decides who signs in, and how, through ``POST /_control`` (JSON; any key left out keeps its
value):

    {"user": {"eduPersonPrincipalName": "anna@stockholm.se", "mail": "...", "sisSchoolUnitCode": [...]},
     "mode": "normal" | "tamper" | "expired" | "unsigned",
     "tamper_to": "someone.else@stockholm.se",
     "authn_context": "https://refeds.org/profile/mfa",
     "metadata": [{"url": "...", "cert": "/path/federation-cert.pem"}, {"url": "..."}]}

- normal: a response and assertion both signed (rsa-sha256), valid for 15 minutes.
- tamper: as normal, then the eduPersonPrincipalName's value is changed in the signed XML, so the
  signatures no longer verify (an attacker changing who they are).
- expired: made with the clock an hour back, as if the person had left the form for an hour: the
  assertion's Conditions and SubjectConfirmationData NotOnOrAfter are 45 minutes past.
- unsigned: neither response nor assertion is signed.

``GET /_control`` returns that state plus what the identity provider saw: the last AuthnRequest (its
issuer, ACS URL, requested authentication context, whether it was signed), the last response's XML
(to replay it), and the metadata fetches that failed. ``POST /_control/reset`` goes back to the
start-up state (no user, normal mode), keeping the metadata sources.

Two more endpoints: ``GET /idp/sso/redirect`` (HTTP-Redirect binding; also ``POST /idp/sso/post``)
answers an AuthnRequest with an HTML page whose form posts the SAMLResponse to the service provider's
ACS: it submits itself, and shows a "Fortsätt" button for a browser without JavaScript.
``GET /idp/initiated?sp=<entity id>`` makes an unsolicited response (no AuthnRequest) for that
service provider: how an identity provider outside the federation would push a sign-in.
"""

import argparse
import base64
import datetime as dt
import hashlib
import html
import re
import secrets
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError, time_util
from saml2.config import IdPConfig
from saml2.mdstore import InMemoryMetaData
from saml2.metadata import entity_descriptor
from saml2.s_utils import UnknownPrincipal, UnknownSystemEntity, UnsupportedBinding
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import security_context

from tests.federation.idp.common import (
    XMLSEC1,
    Controlled,
    LastGoodCopy,
    bind,
    make_test_keys,
    read_body,
    serve,
    text_reply,
)

PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "https://refeds.org/profile/mfa"
MODES = ("normal", "tamper", "expired", "unsigned")
ASSERTION_LIFETIME = {"minutes": 15}
EXPIRED_SHIFT = dt.timedelta(hours=1)
ENTITIES_DESCRIPTOR = "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor"
# The first value of the eduPersonPrincipalName attribute in a response's XML (mail may hold the same text).
EPPN_VALUE = re.compile(
    r'(Name="urn:oid:1\.3\.6\.1\.4\.1\.5923\.1\.1\.1\.6"[^>]*>\s*<(?:\w+:)?AttributeValue[^>]*>)[^<]*')

# The SAML names (URI name format) of the attributes Inspira reads. Every one but sisSchoolUnitCode is in
# pysaml2's own saml_uri map. sisSchoolUnitCode is in the SS 12000 "sis" arc (sisLegalGuardianFor is
# .1, sisSchoolGrade .2 in pysaml2's map). CHECK this value against Skolfederation's attribute
# specification: the service provider's attribute map must use the same name, or it never sees the codes.
SIS_SCHOOL_UNIT_CODE = "urn:oid:1.2.752.194.10.2.4"
ATTRIBUTE_MAP = f'''# Written by tests/federation/idp/server.py at start-up: pysaml2's URI map plus sisSchoolUnitCode.
from saml2.attributemaps import saml_uri

MAP = {{
    "identifier": saml_uri.MAP["identifier"],
    "fro": {{**saml_uri.MAP["fro"], "{SIS_SCHOOL_UNIT_CODE}": "sisSchoolUnitCode"}},
    "to": {{**saml_uri.MAP["to"], "sisSchoolUnitCode": "{SIS_SCHOOL_UNIT_CODE}"}},
}}
'''


@contextmanager
def clock_shifted(delta: dt.timedelta):
    """pysaml2's clock (saml2.time_util, which every timestamp of a response comes from) moved by ``delta``.

    The server answers one request at a time while this is in place (``IdentityProvider.lock``)."""
    real_time, real_datetime = time_util.time, time_util.datetime
    seconds = delta.total_seconds()

    class ShiftedTime:
        def __getattr__(self, name):
            return getattr(real_time, name)

        @staticmethod
        def gmtime(secs=None):
            return real_time.gmtime(real_time.time() + seconds if secs is None else secs)

        @staticmethod
        def time():
            return real_time.time() + seconds

    class ShiftedDatetime(real_datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.now(tz) + delta

    time_util.time, time_util.datetime = ShiftedTime(), ShiftedDatetime
    try:
        yield
    finally:
        time_util.time, time_util.datetime = real_time, real_datetime


def idp_config(*, entity_id: str, base: str, name: str, scope: str, key_file: Path, cert_file: Path,
               attribute_map_dir: str | None = None, metadata: list[str] | None = None) -> IdPConfig:
    """pysaml2's configuration of an identity provider whose sign-in endpoints are under ``base``; the
    federation operator uses it too, for the metadata of an identity provider that is not running."""
    return IdPConfig().load({
        "entityid": entity_id,
        "name": name,
        "service": {"idp": {
            "name": name,
            "endpoints": {"single_sign_on_service": [
                (f"{base}/idp/sso/redirect", BINDING_HTTP_REDIRECT),
                (f"{base}/idp/sso/post", BINDING_HTTP_POST),
            ]},
            "policy": {"default": {"lifetime": ASSERTION_LIFETIME, "attribute_restrictions": None,
                                   "name_form": NAME_FORMAT_URI}},
            "name_id_format": [NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_PERSISTENT],
            "scope": [scope],
            "ui_info": {"display_name": [{"text": name, "lang": "sv"}, {"text": name, "lang": "en"}]},
            "want_authn_requests_signed": False,  # a signed one is checked all the same
            "sign_response": True,
            "sign_assertion": True,
        }},
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "xmlsec_binary": XMLSEC1,
        **({"attribute_map_dir": attribute_map_dir} if attribute_map_dir else {}),
        "metadata": {"inline": metadata or []},
        "organization": {"name": [(name, "sv")], "display_name": [(name, "sv")],
                         "url": [("https://www.example.se/", "sv")]},
        "contact_person": [{"contact_type": "technical", "email_address": "mailto:it@example.se"}],
        "accepted_time_diff": 60,
    })


def idp_metadata(config: IdPConfig) -> str:
    """The identity provider's EntityDescriptor, as a federation member publishes it. pysaml2 adds a list
    of every algorithm xmlsec1 knows (md5 included) as entity extensions; real metadata has none."""
    descriptor = entity_descriptor(config)
    descriptor.extensions = None
    return str(descriptor)


def post_form_page(*, action: str, saml_response: str, relay_state: str | None) -> str:
    """The page that carries the response to the service provider, as identity providers send it: a form
    that submits itself, with a visible button for a browser without JavaScript."""
    relay = (f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
             if relay_state is not None else "")
    return f"""<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Skickar dig vidare</title></head>
<body onload="document.forms[0].submit()">
<main>
<h1>Skickar dig vidare</h1>
<form method="post" action="{html.escape(action)}">
<input type="hidden" name="SAMLResponse" value="{html.escape(saml_response)}">
{relay}
<button type="submit">Fortsätt</button>
</form>
</main>
</body>
</html>
"""


class IdentityProvider(Controlled):
    MODES = MODES

    def __init__(self, *, directory: Path, base: str, name: str, scope: str):
        self.directory = directory
        self.base = base
        self.entity_id = f"{base}/idp/metadata"
        self.name = name
        self.scope = scope
        self.key_file, self.cert_file = make_test_keys(directory, "idp", f"{name} (test identity provider)")
        maps = directory / "attributemaps"
        maps.mkdir(exist_ok=True)
        (maps / "skolfederation_uri.py").write_text(ATTRIBUTE_MAP)
        self.attribute_map_dir = str(maps)
        self.metadata_xml = idp_metadata(self.config())
        self.verifier = security_context(self.config())
        self.fetcher = LastGoodCopy()
        # One request at a time: the clock of pysaml2 is shifted for an expired response, and the state
        # is read and written by the test between requests.
        self.lock = threading.Lock()
        self.sources: list[dict] = []
        self.reset()

    def reset(self) -> None:
        self.user: dict | None = None
        self.mode = "normal"
        self.tamper_to: str | None = None
        self.authn_context = PASSWORD_CONTEXT
        self.last_request: dict | None = None
        self.last_response: str | None = None

    def config(self, metadata: list[str] | None = None) -> IdPConfig:
        return idp_config(entity_id=self.entity_id, base=self.base, name=self.name, scope=self.scope,
                          key_file=self.key_file, cert_file=self.cert_file, attribute_map_dir=self.attribute_map_dir,
                          metadata=metadata)

    # --- Metadata of the service providers ---------------------------------------------------------------

    def _accept(self, cert: str | None):
        def accept(body: bytes):
            if cert:
                self.verifier.verify_signature(body, cert_file=cert, node_name=ENTITIES_DESCRIPTOR)
            InMemoryMetaData(None, body).parse(body)  # refuses metadata past its validUntil

        return accept

    def server(self) -> Server:
        """A pysaml2 Server knowing the service providers of the metadata as fetched now (or the last good
        copies)."""
        documents = []
        for source in self.sources:
            body = self.fetcher.get(source["url"], self._accept(source.get("cert")))
            if body is not None:
                documents.append(body.decode())
        return Server(config=self.config(documents))

    # --- Responses ---------------------------------------------------------------------------------------

    def identity(self) -> dict[str, list[str]]:
        return {key: value if isinstance(value, list) else [value] for key, value in self.user.items()}

    def name_id(self, *, sp_entity_id: str, name_id_policy) -> NameID:
        wanted = getattr(name_id_policy, "format", None)
        if wanted == NAMEID_FORMAT_PERSISTENT:
            # Stable per person and service provider, and says nothing about the person.
            eppn = self.identity().get("eduPersonPrincipalName", [""])[0]
            value = hashlib.sha256(f"{self.entity_id}!{sp_entity_id}!{eppn}".encode()).hexdigest()[:40]
            return NameID(format=NAMEID_FORMAT_PERSISTENT, text=value, name_qualifier=self.entity_id,
                          sp_name_qualifier=sp_entity_id)
        return NameID(format=NAMEID_FORMAT_TRANSIENT, text=secrets.token_hex(20))

    def response_xml(self, idp: Server, *, in_response_to, destination, sp_entity_id, name_id_policy) -> str:
        signed = self.mode != "unsigned"
        shift = -EXPIRED_SHIFT if self.mode == "expired" else dt.timedelta(0)
        with clock_shifted(shift):
            xml = idp.create_authn_response(
                self.identity(), in_response_to, destination, sp_entity_id,
                name_id=self.name_id(sp_entity_id=sp_entity_id, name_id_policy=name_id_policy),
                authn={"class_ref": self.authn_context, "authn_auth": self.entity_id},
                sign_response=signed, sign_assertion=signed, best_effort=True,
            )
        xml = str(xml)
        if self.mode == "tamper":
            target = self.tamper_to or "x" + self.identity()["eduPersonPrincipalName"][0]
            xml, changed = EPPN_VALUE.subn(lambda m: m.group(1) + html.escape(target, quote=False), xml, count=1)
            assert changed, "the signed response carries no eduPersonPrincipalName to tamper with"
        self.last_response = xml
        return xml

    def answer(self, idp: Server, start_response, *, sp_entity_id, in_response_to, name_id_policy, relay_state,
               acs_url=None):
        if self.user is None:
            return text_reply(start_response, "No user is set: POST /_control {\"user\": {...}} first.\n",
                              "409 Conflict")
        try:
            if acs_url is None:
                acs_url = idp.config.metadata.assertion_consumer_service(sp_entity_id, BINDING_HTTP_POST)[0]["location"]
        except (IndexError, KeyError, UnknownPrincipal, UnknownSystemEntity) as error:
            return text_reply(start_response, f"Unknown service provider {sp_entity_id}: {error}\n", "403 Forbidden")
        xml = self.response_xml(idp, in_response_to=in_response_to, destination=acs_url, sp_entity_id=sp_entity_id,
                                name_id_policy=name_id_policy)
        page = post_form_page(action=acs_url, saml_response=base64.b64encode(xml.encode()).decode(),
                              relay_state=relay_state)
        return text_reply(start_response, page, "200 OK", "text/html; charset=utf-8")

    # --- HTTP ----------------------------------------------------------------------------------------------

    def sso(self, environ, start_response, binding):
        if binding == BINDING_HTTP_REDIRECT:
            params = parse_qs(environ.get("QUERY_STRING", ""))
        else:
            params = parse_qs(read_body(environ).decode())
        first = {key: values[0] for key, values in params.items()}
        if "SAMLRequest" not in first:
            return text_reply(start_response, "No SAMLRequest.\n", "400 Bad Request")
        idp = self.server()
        signed = "Signature" in first or b"<ds:Signature" in _decoded(first["SAMLRequest"], binding)
        try:
            request = idp.parse_authn_request(first["SAMLRequest"], binding, relay_state=first.get("RelayState"),
                                              sigalg=first.get("SigAlg"), signature=first.get("Signature"))
        except Exception as error:  # pysaml2 raises many kinds; each means: not a request we accept
            return text_reply(start_response, f"Refused AuthnRequest: {type(error).__name__}: {error}\n",
                              "403 Forbidden")
        if request is None:
            return text_reply(start_response, "Refused AuthnRequest (bad signature).\n", "403 Forbidden")
        message = request.message
        requested = message.requested_authn_context
        self.last_request = {
            "issuer": message.issuer.text,
            "id": message.id,
            "acs_url": message.assertion_consumer_service_url,
            "signed": signed,
            "binding": binding,
            "relay_state": first.get("RelayState"),
            "force_authn": message.force_authn,
            "requested_authn_context": [ref.text for ref in requested.authn_context_class_ref] if requested else [],
            "name_id_policy": getattr(message.name_id_policy, "format", None),
        }
        if message.issuer.text not in idp.metadata.service_providers():
            return text_reply(start_response, f"Unknown service provider {message.issuer.text}.\n", "403 Forbidden")
        try:
            # The ACS the request names must be one of the service provider's in its metadata.
            args = idp.response_args(message, [BINDING_HTTP_POST])
        except (SAMLError, UnknownPrincipal, UnsupportedBinding, UnknownSystemEntity) as error:
            return text_reply(start_response, f"Unknown service provider {message.issuer.text}: {error}\n",
                              "403 Forbidden")
        return self.answer(idp, start_response, sp_entity_id=args["sp_entity_id"],
                           in_response_to=args["in_response_to"], name_id_policy=args["name_id_policy"],
                           relay_state=first.get("RelayState"), acs_url=args["destination"])

    def initiated(self, environ, start_response):
        params = parse_qs(environ.get("QUERY_STRING", ""))
        if "sp" not in params:
            return text_reply(start_response, "Which service provider? ?sp=<entity id>\n", "400 Bad Request")
        idp = self.server()
        return self.answer(idp, start_response, sp_entity_id=params["sp"][0], in_response_to=None,
                           name_id_policy=None, relay_state=params.get("RelayState", [None])[0])

    def apply(self, change: dict) -> None:
        for key in ("user", "mode", "tamper_to", "authn_context"):
            if key in change:
                setattr(self, key, change[key])
        if "metadata" in change:
            self.sources = list(change["metadata"])

    def status(self) -> dict:
        return {
            "entity_id": self.entity_id, "user": self.user, "mode": self.mode, "tamper_to": self.tamper_to,
            "authn_context": self.authn_context, "metadata": self.sources, "last_request": self.last_request,
            "last_response": self.last_response, "metadata_failures": self.fetcher.failures,
        }

    def __call__(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        # Outside the lock: the federation asks for this while a sign-in request waits for the federation.
        if path == "/idp/metadata":
            return text_reply(start_response, self.metadata_xml, "200 OK", "application/samlmetadata+xml")
        if path == "/_health":
            return text_reply(start_response, "ok\n", "200 OK")
        with self.lock:
            if path == "/idp/sso/redirect" and method == "GET":
                return self.sso(environ, start_response, BINDING_HTTP_REDIRECT)
            if path == "/idp/sso/post" and method == "POST":
                return self.sso(environ, start_response, BINDING_HTTP_POST)
            if path == "/idp/initiated" and method == "GET":
                return self.initiated(environ, start_response)
            if path.startswith("/_control"):
                return self.control(environ, start_response)
        return text_reply(start_response, "Not found.\n", "404 Not Found")


def _decoded(saml_request: str, binding: str) -> bytes:
    """The AuthnRequest's XML, to see whether it carries an enveloped signature (HTTP-POST binding)."""
    if binding != BINDING_HTTP_POST:
        return b""
    try:
        return base64.b64decode(saml_request)
    except ValueError:
        return b""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, required=True, help="where keys, logs and ready.json go")
    parser.add_argument("--name", default="Teststad kommun", help="mdui:DisplayName")
    parser.add_argument("--scope", default="teststad.se", help="shibmd:Scope (the ePPN's domain)")
    args = parser.parse_args(argv)
    server = bind()
    base = f"http://127.0.0.1:{server.server_port}"
    idp = IdentityProvider(directory=args.dir, base=base, name=args.name, scope=args.scope)
    sys.stderr.write(f"identity provider {idp.entity_id} listening\n")
    serve(server, idp, args.dir, {"base": base, "entity_id": idp.entity_id, "metadata_url": f"{base}/idp/metadata",
                                  "cert": str(idp.cert_file), "name": args.name, "scope": args.scope})


if __name__ == "__main__":
    main()
