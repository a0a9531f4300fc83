from pathlib import Path

import pytest
from django.utils import translation

from tests.federation.idp.fixtures import saml_keys_fixture, saml_settings_fixture  # noqa: F401 (fixtures)
from tests.federation.inprocess import Federation


@pytest.fixture
def federation(saml_settings, saml_keys):
    """A federation whose signed aggregate is the cached metadata Inspira signs in with."""
    from saml2.metadata import entity_descriptor

    from inspira.federation.config import sp_config
    from inspira.federation.metadata import write_atomically

    fed = Federation(saml_keys, str(entity_descriptor(sp_config())))
    write_atomically(Path(saml_settings.INSPIRA_SAML_METADATA_CACHE), fed.aggregate())
    return fed


@pytest.fixture
def saml_login(client, federation):
    """Start a sign-in at Inspira and post the identity provider's answer: ``saml_login(ava, **answer_kw)``.

    Returns (response to the answer, the answer as posted) so a test can post it again."""
    from urllib.parse import urlencode

    def login(ava, *, next_url="/konto/profil/", idp=None, **answer_kw):
        idp = idp or federation.idp_id
        start = client.get("/saml2/login/?" + urlencode({"idp": idp, "next": next_url}))
        assert start.status_code == 302, start.content[:500]
        answer = federation.answer(start["Location"], **({"ava": ava} | answer_kw))
        return client.post("/saml2/acs/", {"SAMLResponse": answer, "RelayState": next_url}), answer

    return login


@pytest.fixture(autouse=True)
def _english(en):
    """Pages in English, so the assertions read the msgids (the Swedish is the catalogue's)."""
    yield
    # Requests activate their language in the worker's thread (inspira.core.middleware.LanguageMiddleware) and
    # leave it: the next test of the worker starts from the default again.
    translation.deactivate()
