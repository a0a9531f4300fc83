"""The federation's metadata aggregate: fetched, checked and kept on disk; read for the discovery page.

The aggregate is one signed XML document (md:EntitiesDescriptor) listing every identity provider of the
federation with its keys. A fetch is accepted only if its signature verifies against the federation's
certificate (xmlsec1, through pysaml2), the signature covers the whole document, and its validUntil is
in the future. Then it replaces the cached copy atomically (a new file renamed over the old). Anything
else keeps the last good copy: a dead URL or a broken file must not stop people signing in.
"""

import logging
import os
import tempfile
import threading
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

log = logging.getLogger(__name__)

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
MDUI = "urn:oasis:names:tc:SAML:metadata:ui"
SHIBMD = "urn:mace:shibboleth:metadata:1.0"
NS = {"md": MD, "ds": DS, "mdui": MDUI, "shibmd": SHIBMD}
# Larger than any federation's aggregate; a bigger answer is refused unread.
MAX_BYTES = 64 * 1024 * 1024


class MetadataError(Exception):
    """Why a fetched aggregate was refused (English: it goes to the log and the audit trail)."""


# --- Fetching and checking ----------------------------------------------------------------------------------

def fetch(url: str, *, timeout: int) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise MetadataError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "Inspira metadata fetch"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            body = response.read(MAX_BYTES + 1)
    except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
        raise MetadataError(f"fetching {url} failed: {exc}") from exc
    if len(body) > MAX_BYTES:
        raise MetadataError(f"{url} answered with more than {MAX_BYTES} bytes")
    return body


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=False)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MetadataError(f"not well-formed XML: {exc}") from exc


def _valid_until(root) -> datetime:
    text = root.get("validUntil")
    if not text:
        raise MetadataError("the aggregate has no validUntil: an old copy could be replayed for ever")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MetadataError(f"validUntil {text!r} is not a date and time") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def verify(xml: bytes, *, cert_file: str, now=None) -> datetime:
    """Check a fetched aggregate; returns its validUntil. Raises ``MetadataError``."""
    from saml2.sigver import CryptoBackendXmlSec1, SignatureError

    now = now or timezone.now()
    root = _parse(xml)
    if root.tag != f"{{{MD}}}EntitiesDescriptor":
        raise MetadataError(f"the document is a {root.tag}, not an md:EntitiesDescriptor")
    # xmlsec1 checks the first signature in the document. It must be the root's own, and refer to the
    # root, or a signed part could be wrapped in an unsigned document (signature wrapping).
    signatures = root.iter(f"{{{DS}}}Signature")
    first = next(signatures, None)
    if first is None or first.getparent() is not root:
        raise MetadataError("the aggregate is not signed as a whole")
    references = first.findall("ds:SignedInfo/ds:Reference", NS)
    root_id = root.get("ID")
    if len(references) != 1 or references[0].get("URI") not in ({f"#{root_id}"} if root_id else {""}):
        raise MetadataError("the signature does not cover the whole aggregate")
    if not cert_file or not Path(cert_file).is_file():
        raise MetadataError(f"the federation's certificate is missing: {cert_file!r}")
    crypto = CryptoBackendXmlSec1(settings.INSPIRA_SAML_XMLSEC1)
    try:
        valid = crypto.validate_signature(xml, cert_file=cert_file, cert_type="pem",
                                          node_name=f"{MD}:EntitiesDescriptor", node_id=None)
    except SignatureError as exc:
        raise MetadataError("the signature does not verify against the federation's certificate") from exc
    if not valid:
        raise MetadataError("the signature does not verify against the federation's certificate")
    until = _valid_until(root)
    if until <= now:
        raise MetadataError(f"the aggregate expired at {until.isoformat()}")
    return until


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- Reading the cached copy --------------------------------------------------------------------------------

@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    name: str
    scopes: tuple[tuple[str, bool], ...] = ()


def _localised(elements, language: str) -> str:
    texts = {el.get("{http://www.w3.org/XML/1998/namespace}lang", ""): (el.text or "").strip() for el in elements}
    texts = {lang: text for lang, text in texts.items() if text}
    for lang in (language, "sv", "en", ""):
        if texts.get(lang):
            return texts[lang]
    return next(iter(texts.values()), "")


_cache_lock = threading.Lock()
_cache: dict = {"key": None, "providers": {}}


def _file_key(path: Path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def identity_providers(language: str = "sv") -> dict[str, IdentityProvider]:
    """Entity id -> the identity providers in the cached aggregate, read again only when the file changes."""
    path = Path(settings.INSPIRA_SAML_METADATA_CACHE)
    key = (_file_key(path), language)
    with _cache_lock:
        if _cache["key"] == key:
            return _cache["providers"]
    providers = {}
    if key[0] is not None:
        try:
            root = _parse(path.read_bytes())
        except (OSError, MetadataError):
            log.exception("The cached federation metadata cannot be read: %s", path)
            root = None
        entities = [] if root is None else (
            [root] if root.tag == f"{{{MD}}}EntityDescriptor" else root.iter(f"{{{MD}}}EntityDescriptor"))
        for entity in entities:
            idp = entity.find("md:IDPSSODescriptor", NS)
            entity_id = entity.get("entityID")
            if idp is None or not entity_id:
                continue
            name = (_localised(idp.findall("md:Extensions/mdui:UIInfo/mdui:DisplayName", NS), language)
                    or _localised(entity.findall("md:Organization/md:OrganizationDisplayName", NS), language)
                    or entity_id)
            scopes = tuple(((scope.text or "").strip(), (scope.get("regexp") or "").lower() in ("true", "1"))
                           for scope in [*entity.findall("md:Extensions/shibmd:Scope", NS),
                                         *idp.findall("md:Extensions/shibmd:Scope", NS)]
                           if (scope.text or "").strip())
            providers[entity_id] = IdentityProvider(entity_id=entity_id, name=name, scopes=scopes)
    with _cache_lock:
        _cache.update(key=key, providers=providers)
    return providers
