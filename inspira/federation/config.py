"""Inspira as a SAML service provider: the pysaml2 configuration djangosaml2 asks for (SAML_CONFIG_LOADER).

Built from the settings and the cached federation metadata (inspira/federation/metadata.py). Parsing the
aggregate takes a while, so a configuration is kept per process until the cached file changes.
"""

import fcntl
import os
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from inspira.federation.attributes import ALIASES, REQUESTED

_lock = threading.Lock()
_built: dict = {"key": None, "config": None}


def base_url() -> str:
    """The address Inspira is reached at (SITE_URL, as links in emails use)."""
    return settings.SITE_URL.rstrip("/")


def entity_id() -> str:
    return base_url() + reverse("saml2_metadata")


def key_pair() -> tuple[str, str]:
    """(key file, certificate file) of Inspira's SAML key pair. Without settings naming them (demo, tests,
    a developer's machine), a pair is made in <INSPIRA_VAR_DIR>/saml/ at first use, never committed."""
    if settings.INSPIRA_SAML_KEY_FILE and settings.INSPIRA_SAML_CERT_FILE:
        return settings.INSPIRA_SAML_KEY_FILE, settings.INSPIRA_SAML_CERT_FILE
    folder = Path(settings.VAR_DIR) / "saml"
    key, cert = folder / "sp-key.pem", folder / "sp-cert.pem"
    if not (key.is_file() and cert.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        # Several processes may start at once (test workers, gunicorn): one makes the pair.
        with open(folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (key.is_file() and cert.is_file()):
                _generate_pair(key, cert)
    return str(key), str(cert)


def _generate_pair(key_path: Path, cert_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Inspira SAML (generated, not for production)")])
    now = timezone.now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650)).sign(key, hashes.SHA256()))
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def config_dict() -> dict:
    """The pysaml2 SP configuration as a dict."""
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT

    key_file, cert_file = key_pair()
    base = base_url()
    metadata = Path(settings.INSPIRA_SAML_METADATA_CACHE)
    contact = {"given_name": "Inspira", "email_address": [f"mailto:{settings.INSPIRA_SAML_CONTACT_EMAIL}"]}
    return {
        "entityid": entity_id(),
        "xmlsec_binary": settings.INSPIRA_SAML_XMLSEC1,
        "allow_unknown_attributes": True,
        # A clock a little off at the identity provider must not refuse everyone.
        "accepted_time_diff": 60,
        "service": {
            "sp": {
                "name": "Inspira",
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [(base + reverse("saml2_acs"), BINDING_HTTP_POST)],
                },
                "required_attributes": [name for name, _oid, required in REQUESTED if required],
                "optional_attributes": [name for name, _oid, required in REQUESTED if not required],
                "requested_attribute_name_format": NAME_FORMAT_URI,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                # Only answers to a request this browser sent count: an unsolicited or replayed answer
                # has no outstanding request in djangosaml2's session and is refused.
                "allow_unsolicited": False,
                "signing_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
                "ui_info": {"display_name": [{"text": "Inspira", "lang": "sv"}, {"text": "Inspira", "lang": "en"}]},
            },
        },
        "metadata": {"local": [str(metadata)]} if metadata.is_file() else {},
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "organization": {"name": [("Inspira", "sv")], "display_name": [(settings.MUNICIPALITY_NAME, "sv")],
                         "url": [(base + "/", "sv")]},
        "contact_person": [{**contact, "contact_type": "technical"}, {**contact, "contact_type": "support"}],
        # Only HTTP-Redirect and HTTP-POST are used; SOAP (artifact, attribute queries) is never called.
        "preferred_binding": {"single_sign_on_service": [BINDING_HTTP_REDIRECT, BINDING_HTTP_POST]},
    }


def _name_unmapped_attributes(config) -> None:
    """Teach pysaml2's URI-format attribute converters the attributes of ``ALIASES`` its maps lack
    (sisSchoolUnitCode, from the SIS schema): the SP metadata then requests it by its OID with its friendly
    name, as identity providers match requests (one that filters by the metadata releases only what is
    requested, by OID), and an assertion's value arrives under the friendly name."""
    from saml2.saml import NAME_FORMAT_URI

    for converter in config.attribute_converters:
        if converter.name_format != NAME_FORMAT_URI:
            continue
        for friendly, *names in ALIASES.values():
            oid = next((name for name in names if name.startswith("urn:oid:")), None)
            if oid and friendly.lower() not in converter._to:
                converter._to[friendly.lower()] = oid
                converter._fro[oid.lower()] = friendly


def sp_config(request=None):
    """djangosaml2's SAML_CONFIG_LOADER: a pysaml2 ``SPConfig``, kept until the metadata file changes."""
    from saml2.config import SPConfig

    metadata = Path(settings.INSPIRA_SAML_METADATA_CACHE)
    try:
        stat = metadata.stat()
        file_key = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        file_key = None
    key = (file_key, str(metadata), settings.SITE_URL, settings.INSPIRA_SAML_KEY_FILE, settings.INSPIRA_SAML_CERT_FILE,
           str(settings.VAR_DIR))
    with _lock:
        if _built["key"] == key:
            return _built["config"]
    config = SPConfig()
    config.load(config_dict())
    _name_unmapped_attributes(config)
    with _lock:
        _built.update(key=key, config=config)
    return config
