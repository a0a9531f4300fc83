"""The harness's own tests use its fixtures; other test modules import them from fixtures.py likewise."""

from tests.federation.idp.fixtures import (  # noqa: F401
    saml_federation_fixture,
    saml_idp_fixture,
    saml_idp_process_fixture,
    saml_processes_fixture,
    saml_rogue_idp_fixture,
)
