"""The scheduled refresh of the federation's metadata (a django-q2 schedule, migration 0002)."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inspira.core.audit import audit_record
from inspira.federation import metadata

log = logging.getLogger(__name__)


def refresh_metadata(*, url: str | None = None, now=None) -> bool:
    """Fetch the aggregate, check it and replace the cached copy. Returns True if the copy was replaced.

    On any failure the last good copy stays, the failure is logged and written to the audit trail: one
    dead metadata URL must not stop people signing in. Running twice is harmless.
    """
    if not settings.INSPIRA_SAML_ENABLED:
        return False
    url = url if url is not None else settings.INSPIRA_SAML_FEDERATION_METADATA_URL
    now = now or timezone.now()
    try:
        if not url:
            raise metadata.MetadataError("INSPIRA_SAML_FEDERATION_METADATA_URL is not set")
        xml = metadata.fetch(url, timeout=settings.INSPIRA_SAML_METADATA_TIMEOUT)
        valid_until = metadata.verify(xml, cert_file=settings.INSPIRA_SAML_FEDERATION_CERT, now=now)
        metadata.write_atomically(settings.INSPIRA_SAML_METADATA_CACHE, xml)
    except (metadata.MetadataError, OSError) as exc:
        log.error("Federation metadata not refreshed, the last good copy stays: %s", exc)
        with transaction.atomic():
            audit_record(actor=None, action="federation.metadata_refresh_failed",
                         summary=f"Federation metadata not refreshed: {exc}"[:300],
                         data={"url": url, "error": str(exc)[:1000]})
        return False
    log.info("Federation metadata refreshed from %s, valid until %s", url, valid_until.isoformat())
    return True
