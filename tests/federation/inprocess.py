"""A SAML identity provider and a federation in the test process (pysaml2's ``Server``), for unit tests.

The browser tests run against a real identity provider process (tests/federation/idp/); these build the
same messages in memory: the federation's signed metadata aggregate, the identity provider's answer to
Inspira's request, signed with its own key, and variants of it (tampered, expired, for someone else).
"""

import base64
import copy
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md, samlp
from saml2.assertion import Policy
from saml2.config import IdPConfig
from saml2.extension import mdui, shibmd
from saml2.metadata import entities_descriptor, entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT
from saml2.server import Server
from saml2.sigver import security_context

from tests.federation.idp.common import make_test_keys

XMLSEC = "/usr/bin/xmlsec1"
SITE = "http://testserver"
SP_ENTITY_ID = f"{SITE}/saml2/metadata/"
ACS = f"{SITE}/saml2/acs/"
OTHER_SP = "https://other-service.example/metadata"
PASSWORD_CTX = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CTX = "https://refeds.org/profile/mfa"


def key_pair(folder: Path, name: str, common_name: str) -> tuple[str, str]:
    """(key file, certificate file): the harness's test keys (tests/federation/idp/common.py)."""
    key_file, cert_file = make_test_keys(folder, name, common_name)
    return str(key_file), str(cert_file)


@dataclass
class Keys:
    folder: Path
    sp: tuple[str, str]
    idp: tuple[str, str]
    other_idp: tuple[str, str]
    federation: tuple[str, str]
    impostor: tuple[str, str]


def make_keys(folder: Path) -> Keys:
    return Keys(folder=folder, sp=key_pair(folder, "sp", "Inspira test SP"),
                idp=key_pair(folder, "idp", "Test IdP"), other_idp=key_pair(folder, "other", "Other IdP"),
                federation=key_pair(folder, "federation", "Test federation"),
                impostor=key_pair(folder, "impostor", "Not the federation"))


def idp_config(entity_id: str, keys: tuple[str, str], sp_metadata: list[str], *, display_name: str,
               scope: str) -> IdPConfig:
    base = entity_id.rstrip("/")
    config = IdPConfig()
    config.load({
        "entityid": entity_id,
        "xmlsec_binary": XMLSEC,
        "key_file": keys[0], "cert_file": keys[1],
        "metadata": {"local": sp_metadata},
        "allow_unknown_attributes": True,
        "service": {"idp": {
            "name": display_name,
            "endpoints": {"single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT),
                                                     (f"{base}/sso/post", BINDING_HTTP_POST)]},
            "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None,
                                   "name_form": NAME_FORMAT_URI}},
            "ui_info": {"display_name": [{"text": display_name, "lang": "sv"}]},
        }},
    })
    config.scope = scope
    return config


class Federation:
    """A federation with identity providers, Inspira's SP registered with them, and its signed aggregate."""

    def __init__(self, keys: Keys, sp_metadata_xml: str):
        self.keys = keys
        sp_md = keys.folder / "sp-metadata.xml"
        sp_md.write_text(sp_metadata_xml)
        # Another service registered in the federation (same addresses, another entity id): answers meant for it.
        other_sp_md = keys.folder / "other-sp-metadata.xml"
        other_sp_md.write_text(sp_metadata_xml.replace(f'entityID="{SP_ENTITY_ID}"', f'entityID="{OTHER_SP}"'))
        self.idp_id = "https://idp.kommun.example/idp"
        self.other_id = "https://idp.annan.example/idp"
        services = [str(sp_md), str(other_sp_md)]
        self.idp = Server(config=idp_config(self.idp_id, keys.idp, services, display_name="Testkommunen",
                                            scope="kommun.example"))
        self.other = Server(config=idp_config(self.other_id, keys.other_idp, services,
                                              display_name="Ålstads skolor", scope="annan.example"))

    # --- The aggregate -------------------------------------------------------------------------------------
    def aggregate(self, *, valid_hours: int = 48, signer: tuple[str, str] | None = None,
                  include_other: bool = True) -> bytes:
        descriptors = []
        for server, scope in ((self.idp, "kommun.example"), (self.other, "annan.example")):
            if server is self.other and not include_other:
                continue
            ed = entity_descriptor(server.config)
            ed.extensions = md.Extensions()
            ed.extensions.add_extension_element(shibmd.Scope(text=scope, regexp="false"))
            descriptors.append(ed)
        signer = signer or self.keys.federation
        secc = security_context(_sign_config(signer))
        _ident, signed = entities_descriptor(descriptors, valid_hours, "test-federation", "agg", True, secc)
        return str(signed).encode() if not isinstance(signed, bytes) else signed

    # --- Answers -------------------------------------------------------------------------------------------
    def answer(self, request_url: str, *, ava: dict, server: Server | None = None, mfa: bool = False,
               audience: str = SP_ENTITY_ID, lifetime_minutes: int = 15, in_response_to: str | None = None) -> str:
        """The identity provider's signed answer (base64, as POSTed) to the request in ``request_url``."""
        server = server or self.idp
        query = parse_qs(urlsplit(request_url).query)
        request_id = in_response_to
        if request_id is None:
            parsed = self.idp.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
            request_id = parsed.message.id
        policy = server.config.getattr("policy", "idp")
        if lifetime_minutes != 15:  # an assertion that expires (or expired) this many minutes from now
            server.config.setattr("idp", "policy", Policy({"default": {
                "lifetime": {"minutes": lifetime_minutes}, "attribute_restrictions": None,
                "name_form": NAME_FORMAT_URI}}))
        try:
            response = self._create(server, ava, request_id, audience, mfa)
        finally:
            server.config.setattr("idp", "policy", policy)
        return base64.b64encode(str(response).encode()).decode()

    @staticmethod
    def _create(server, ava, request_id, audience, mfa):
        return server.create_authn_response(
            identity=copy.deepcopy(ava), in_response_to=request_id, destination=ACS, sp_entity_id=audience,
            name_id_policy=samlp.NameIDPolicy(format=NAMEID_FORMAT_TRANSIENT, allow_create="true"),
            userid=ava.get("eduPersonPrincipalName", ["x"])[0],
            authn={"class_ref": MFA_CTX if mfa else PASSWORD_CTX, "authn_auth": server.config.entityid},
            sign_assertion=True, sign_response=True,
        )


def _sign_config(keys: tuple[str, str]):
    from saml2.config import Config

    config = Config()
    config.load({"entityid": "https://federation.example/", "xmlsec_binary": XMLSEC,
                 "key_file": keys[0], "cert_file": keys[1]})
    return config


def staff_ava(**overrides) -> dict:
    ava = {
        "eduPersonPrincipalName": ["anna.larare@kommun.example"],
        "mail": ["anna.larare@kommun.example"],
        "displayName": ["Anna Lärare"],
        "givenName": ["Anna"],
        "sn": ["Lärare"],
        "eduPersonScopedAffiliation": ["staff@kommun.example"],
    }
    ava.update(overrides)
    return ava


__all__ = ["Federation", "Keys", "make_keys", "staff_ava", "mdui"]
