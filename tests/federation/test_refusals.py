"""Answers that are refused: each shows a page that says why (never a server error) and logs nobody in."""

import base64
from urllib.parse import urlencode

import pytest

from inspira.accounts.models import User
from tests.federation.inprocess import OTHER_SP, staff_ava

pytestmark = pytest.mark.django_db


def _refused(client, response, text: str) -> None:
    page = response.content.decode()
    assert response.status_code in (400, 403), response.status_code
    assert "<h1>Signing in did not work</h1>" in page and text in page
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def _start(client, federation, idp=None) -> str:
    response = client.get("/saml2/login/?" + urlencode({"idp": idp or federation.idp_id, "next": "/"}))
    assert response.status_code == 302
    return response["Location"]


def test_a_tampered_answer_is_refused(client, federation):
    answer = base64.b64decode(federation.answer(_start(client, federation), ava=staff_ava())).decode()
    tampered = answer.replace("anna.larare@kommun.example", "rektor@kommun.example")
    assert tampered != answer
    response = client.post("/saml2/acs/", {"SAMLResponse": base64.b64encode(tampered.encode()).decode()})
    _refused(client, response, "could not be verified")


def test_an_expired_answer_is_refused(client, federation):
    answer = federation.answer(_start(client, federation), ava=staff_ava(), lifetime_minutes=-30)
    _refused(client, client.post("/saml2/acs/", {"SAMLResponse": answer}), "no longer valid")


def test_an_answer_from_an_unknown_identity_provider_is_refused(client, federation, saml_settings):
    from inspira.federation.metadata import write_atomically

    # The other provider's answer, signed with its own key, once the federation's aggregate no longer lists it.
    location = _start(client, federation)
    write_atomically(saml_settings.INSPIRA_SAML_METADATA_CACHE, federation.aggregate(include_other=False))
    answer = federation.answer(location, ava=staff_ava(eduPersonPrincipalName=["anna@annan.example"]),
                               server=federation.other)
    _refused(client, client.post("/saml2/acs/", {"SAMLResponse": answer}), "not one Inspira knows")


def test_an_answer_meant_for_another_service_is_refused(client, federation):
    answer = federation.answer(_start(client, federation), ava=staff_ava(),
                               audience=OTHER_SP)
    response = client.post("/saml2/acs/", {"SAMLResponse": answer})
    _refused(client, response, "not meant for Inspira")


def test_a_replayed_answer_is_refused(client, federation, settings):
    answer = federation.answer(_start(client, federation), ava=staff_ava())
    first = client.post("/saml2/acs/", {"SAMLResponse": answer})
    assert first.status_code == 302 and User.objects.count() == 1
    client.logout()  # drops every cookie of the test client, the language's too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    User.objects.all().delete()

    again = client.post("/saml2/acs/", {"SAMLResponse": answer})
    _refused(client, again, "has been used already")


def test_an_answer_to_no_request_of_this_browser_is_refused(client, federation):
    from django.test import Client

    location = _start(Client(), federation)  # another browser asked
    answer = federation.answer(location, ava=staff_ava())
    _refused(client, client.post("/saml2/acs/", {"SAMLResponse": answer}), "has been used already")


def test_an_empty_post_to_the_assertion_consumer_is_not_a_server_error(client, saml_settings):
    assert client.post("/saml2/acs/").status_code == 400


def test_starting_at_an_unknown_identity_provider_is_refused(client, federation):
    response = client.get("/saml2/login/?" + urlencode({"idp": "https://evil.example/idp"}))
    assert response.status_code == 404 and "does not know that login service" in response.content.decode()


def test_starting_without_an_identity_provider_shows_the_list(client, federation):
    response = client.get("/saml2/login/?next=/konto/profil/")
    assert response.status_code == 302 and response["Location"] == "/konto/skolfederationen/?next=%2Fkonto%2Fprofil%2F"
