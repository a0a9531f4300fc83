"""The harness's own tests use its fixtures; other test modules import them from fixtures.py likewise."""

from tests.federation.idp.fixtures import (  # noqa: F401
    saml_federation,
    saml_idp,
    saml_idp_process,
    saml_processes,
    saml_rogue_idp,
)
