"""A federation operator for the tests, as a process of its own: it signs a SAML metadata aggregate (an
EntitiesDescriptor) with its federation key and serves it over HTTP, as Skolfederation does.

    python -m tests.federation.idp.federation --dir DIR

At start-up it makes the federation's test key and certificate (``DIR/federation-cert.pem``, the file
a member configures to check the aggregate), binds a free port and writes ``DIR/ready.json``.

``GET /md/federation.xml`` is the aggregate of the members' metadata, each taken when the member
registers (``members`` below): fetched then from its URL (an identity provider's, the service
provider's ``/saml2/metadata/``), or given inline. Like a real federation, it does not fetch members'
metadata while serving the aggregate; it could not anyway, as a service provider that loads the
federation's metadata while answering for its own would wait on itself. The aggregate always holds
one more identity provider, "Exempelkommun", registered but not running (its sign-in address refuses
connections): what a discovery page lists besides the one the tests sign in with. The aggregate is
valid for 24 hours (``validUntil``) and signed (rsa-sha256) with xmlsec1 through pysaml2's security
context. ``GET /md/federation.pem`` is the federation's certificate.

The test sets what the aggregate's URL answers through ``POST /_control`` (JSON; keys left out keep
their value):

    {"mode": "ok" | "error" | "bad_signature" | "unsigned" | "expired" | "slow",
     "delay": 30,
     "members": [{"url": "http://127.0.0.1:PORT/saml2/metadata/"}, {"xml": "<md:EntityDescriptor ..."}]}

``members`` replaces the list; a member with only a URL is fetched now (the answer is 502 if it cannot
be), one with ``xml`` is taken as is (``GET /_control`` returns both, to add to the list).

- ok: the signed aggregate.
- error: HTTP 500.
- bad_signature: the signed aggregate, then the running identity provider's sign-in address changed
  to an attacker's, so the signature no longer verifies.
- unsigned: the aggregate with no signature at all (pysaml2's loader accepts unsigned metadata even
  when given a certificate: a member must insist on the signature itself).
- expired: signed, but ``validUntil`` an hour past.
- slow: the signed aggregate after ``delay`` seconds (a fetch without a timeout hangs).

A refused connection needs no mode: the fixtures give a URL on a port where nothing listens.
``POST /_control/reset`` goes back to ``ok``, keeping the members.
"""

import argparse
import re
import sys
import threading
import time
import urllib.request
from pathlib import Path

from saml2 import md
from saml2.config import Config
from saml2.sigver import pre_signature_part, security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from tests.federation.idp.common import (
    FETCH_TIMEOUT,
    XMLSEC1,
    Controlled,
    bind,
    make_test_keys,
    serve,
    text_reply,
)
from tests.federation.idp.server import idp_config, idp_metadata

MODES = ("ok", "error", "bad_signature", "unsigned", "expired", "slow")
AGGREGATE_PATH = "/md/federation.xml"
CERT_PATH = "/md/federation.pem"
FEDERATION_NAME = "https://fed.test.inspira/md/federation.xml"  # the aggregate's Name, as Skolfederation sets one
VALID_HOURS = 24
# The identity provider that is registered but not running: port 9 (discard) has no listener here.
OFFLINE_IDP = {"entity_id": "https://idp.exempelkommun.se/idp/metadata", "base": "http://127.0.0.1:9",
               "name": "Exempelkommun", "scope": "exempelkommun.se"}
SSO_LOCATION = re.compile(r'(<(?:\w+:)?SingleSignOnService\b[^>]*\bLocation=")([^"]+)(")')
ATTACKER_SSO = "https://attacker.example/idp/sso"


class FederationOperator(Controlled):
    MODES = MODES

    def __init__(self, *, directory: Path, base: str):
        self.directory = directory
        self.base = base
        self.key_file, self.cert_file = make_test_keys(directory, "federation", "Test federation metadata signer")
        self.security = security_context(Config().load({
            "entityid": base + AGGREGATE_PATH, "key_file": str(self.key_file), "cert_file": str(self.cert_file),
            "xmlsec_binary": XMLSEC1,
        }))
        offline_key, offline_cert = make_test_keys(directory, "exempelkommun", OFFLINE_IDP["name"])
        self.offline_idp_xml = idp_metadata(idp_config(
            entity_id=OFFLINE_IDP["entity_id"], base=OFFLINE_IDP["base"], name=OFFLINE_IDP["name"],
            scope=OFFLINE_IDP["scope"], key_file=offline_key, cert_file=offline_cert))
        self.lock = threading.Lock()
        self.members: list[dict] = []
        self.reset()

    def reset(self) -> None:
        self.mode = "ok"
        self.delay = 30.0
        self.served = dict.fromkeys(MODES, 0)

    # --- The aggregate -------------------------------------------------------------------------------------

    def aggregate(self, *, valid_hours: float, sign: bool) -> str:
        entities = [_entity(member["xml"]) for member in self.members] + [_entity(self.offline_idp_xml)]
        for entity in entities:
            entity.signature = None  # a member's own signature: the aggregate's covers them all
        aggregate = md.EntitiesDescriptor(
            entity_descriptor=entities, name=FEDERATION_NAME, id=f"_federation{time.time_ns()}",
            valid_until=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + valid_hours * 3600)))
        if not sign:
            return str(aggregate)
        return _sign(aggregate, self.security)

    def answer(self, start_response):
        mode = self.mode
        self.served[mode] += 1
        if mode == "error":
            return text_reply(start_response, "Internal Server Error\n", "500 Internal Server Error")
        if mode == "slow":
            time.sleep(self.delay)
        xml = self.aggregate(valid_hours=-1 if mode == "expired" else VALID_HOURS, sign=mode != "unsigned")
        if mode == "bad_signature":
            xml, changed = SSO_LOCATION.subn(lambda m: m.group(1) + ATTACKER_SSO + m.group(3), xml, count=1)
            assert changed, "the aggregate has no SingleSignOnService to change"
        return text_reply(start_response, xml, "200 OK", "application/samlmetadata+xml")

    # --- HTTP ----------------------------------------------------------------------------------------------

    def apply(self, change: dict) -> None:
        members = [_registered(member) for member in change.get("members", [])]  # all fetched, or none taken
        if "mode" in change:
            self.mode = change["mode"]
        if "delay" in change:
            self.delay = float(change["delay"])
        if "members" in change:
            self.members = members

    def status(self) -> dict:
        return {"mode": self.mode, "delay": self.delay, "members": self.members,
                "served": self.served,
                "offline_idp": OFFLINE_IDP["entity_id"]}

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == AGGREGATE_PATH and environ["REQUEST_METHOD"] == "GET":
            return self.answer(start_response)  # not under the lock: a slow answer must not hold the others
        if path == CERT_PATH:
            return text_reply(start_response, self.cert_file.read_text(), "200 OK", "application/x-pem-file")
        if path == "/_health":
            return text_reply(start_response, "ok\n", "200 OK")
        if path.startswith("/_control"):
            with self.lock:
                return self.control(environ, start_response)
        return text_reply(start_response, "Not found.\n", "404 Not Found")


def _registered(member: dict) -> dict:
    """A member as registered: its metadata's XML (fetched now if only its URL is given) and entity id."""
    xml = member.get("xml")
    if xml is None:
        with urllib.request.urlopen(member["url"], timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (test URLs)
            xml = response.read().decode()
    return {**member, "xml": xml, "entity_id": _entity(xml).entity_id}


def _entity(xml: str) -> md.EntityDescriptor:
    entity = md.entity_descriptor_from_string(xml)
    if entity is None or not entity.entity_id:
        raise ValueError("not a SAML EntityDescriptor")
    return entity


def _sign(aggregate: md.EntitiesDescriptor, security) -> str:
    """The aggregate signed as a whole (enveloped signature, rsa-sha256, sha256 digests)."""
    aggregate.signature = pre_signature_part(aggregate.id, security.my_cert, 1, sign_alg=SIG_RSA_SHA256,
                                             digest_alg=DIGEST_SHA256)
    return security.sign_statement(str(aggregate), "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, required=True, help="where keys, logs and ready.json go")
    args = parser.parse_args(argv)
    server = bind()
    base = f"http://127.0.0.1:{server.server_port}"
    operator = FederationOperator(directory=args.dir, base=base)
    sys.stderr.write(f"federation metadata at {base}{AGGREGATE_PATH}\n")
    serve(server, operator, args.dir, {"base": base, "metadata_url": base + AGGREGATE_PATH,
                                       "cert": str(operator.cert_file), "offline_idp": OFFLINE_IDP})


if __name__ == "__main__":
    main()
