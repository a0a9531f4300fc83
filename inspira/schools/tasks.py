"""The schools' scheduled job: the nightly import from Skolverket's school-unit register."""

import logging

from django.conf import settings

from inspira.schools.models import RegisterImport
from inspira.schools.register import register_import
from inspira.schools.register_source import RegisterError, source_for

log = logging.getLogger(__name__)


def register_import_nightly() -> dict:
    """Nightly (schedule "schools-register-import-nightly", made by a data migration): import the
    municipality's units from ``SCHOOL_REGISTER_URL``. Safe to run again: a second run finds nothing to
    change. A refusal is recorded (and logged) for the administrators, and the data stays as it was."""
    location = settings.SCHOOL_REGISTER_URL
    if not location:
        return {"outcome": "off"}
    try:
        source = source_for(location, timeout=settings.SCHOOL_REGISTER_TIMEOUT)
        run = register_import(source=source, municipality_code=settings.SCHOOL_REGISTER_MUNICIPALITY,
                              trigger=RegisterImport.Trigger.SCHEDULE)
    except RegisterError as exc:
        # register_import has recorded and logged it; only an address that is no web address gets here first.
        log.error("The nightly import from the school-unit register did not go through: %s", exc.text())
        return {"outcome": RegisterImport.Outcome.REFUSED}
    return {"outcome": run.outcome, "added": run.added, "changed": run.changed, "closed": run.closed,
            "unlisted": run.unlisted}
