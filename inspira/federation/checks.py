"""Deployment checks for sign-in through Skolfederation (``manage.py check --deploy``)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(deploy=True)
def production_saml(app_configs, **kwargs):
    if not settings.INSPIRA_SAML_ENABLED:
        return []
    errors = []
    if not settings.DEBUG and not (settings.INSPIRA_SAML_KEY_FILE and settings.INSPIRA_SAML_CERT_FILE):
        errors.append(checks.Error(
            "INSPIRA_SAML_KEY_FILE and INSPIRA_SAML_CERT_FILE are not set: Inspira would sign with a key pair "
            "generated on this machine, which the federation does not know and another machine does not share.",
            hint="Make a key pair for Inspira, register its certificate with the federation (docs/deploy.md, "
                 "Skolfederation) and name both files.",
            id="inspira.E020",
        ))
    for name in ("INSPIRA_SAML_KEY_FILE", "INSPIRA_SAML_CERT_FILE", "INSPIRA_SAML_FEDERATION_CERT"):
        value = getattr(settings, name)
        if value and not Path(value).is_file():
            errors.append(checks.Error(f"{name} names no file: {value!r}.", id="inspira.E021"))
    if not settings.INSPIRA_SAML_FEDERATION_METADATA_URL or not settings.INSPIRA_SAML_FEDERATION_CERT:
        errors.append(checks.Error(
            "INSPIRA_SAML_FEDERATION_METADATA_URL and INSPIRA_SAML_FEDERATION_CERT must both be set: without them "
            "Inspira knows no identity provider, or cannot check the federation's signature.",
            hint="Take both from the federation's technical documentation (docs/deploy.md, Skolfederation).",
            id="inspira.E022",
        ))
    if not Path(settings.INSPIRA_SAML_XMLSEC1).is_file() and not shutil.which(settings.INSPIRA_SAML_XMLSEC1):
        errors.append(checks.Error(
            f"xmlsec1 is not installed ({settings.INSPIRA_SAML_XMLSEC1}): no signature could be checked.",
            hint="apt-get install xmlsec1", id="inspira.E023",
        ))
    return errors
