"""Signing in through the federation: a new person, a returning one, an address that has an account."""

import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse

from inspira.accounts.models import User
from inspira.core.models import AuditEvent
from inspira.federation.models import FederatedIdentity
from inspira.federation.views import SESSION_IDP, SESSION_PENDING
from tests.factories import PASSWORD, UserFactory
from tests.federation.inprocess import staff_ava

pytestmark = pytest.mark.django_db


def _actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_a_new_person_gets_an_account_and_is_signed_in(client, saml_login, federation):
    response, _answer = saml_login(staff_ava())

    assert response.status_code == 302 and response["Location"] == "/konto/profil/"
    user = User.objects.get(email="anna.larare@kommun.example")
    assert user.name == "Anna Lärare" and user.email_verified_at is not None
    assert not user.has_usable_password() and user.role == ""
    identity = FederatedIdentity.objects.get()
    assert (identity.user, identity.idp_entity_id, identity.eppn) == (user, federation.idp_id,
                                                                     "anna.larare@kommun.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_IDP] == federation.idp_id
    assert _actions() == ["federation.account_created", "federation.signed_in"]
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_answer_is_taken_without_inspiras_csrf_token_as_a_cross_site_post(federation):
    """The identity provider's page posts the answer from another site, with no CSRF token or cookie of
    Inspira's: the assertion consumer must be exempt (SAML's own checks stand in), under Django's real
    CSRF checks, which the test client skips unless asked."""
    from urllib.parse import urlencode

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    start = browser.get("/saml2/login/?" + urlencode({"idp": federation.idp_id, "next": "/konto/profil/"}))
    answer = federation.answer(start["Location"], ava=staff_ava())
    response = browser.post("/saml2/acs/", {"SAMLResponse": answer, "RelayState": "/konto/profil/"},
                            HTTP_ORIGIN="https://idp.kommun.example")

    assert response.status_code == 302 and response["Location"] == "/konto/profil/"
    assert browser.session["_auth_user_id"] == str(User.objects.get(email="anna.larare@kommun.example").pk)


def test_the_name_comes_from_given_name_and_surname_without_a_display_name(saml_login):
    ava = staff_ava()
    del ava["displayName"]
    saml_login(ava)
    assert User.objects.get().name == "Anna Lärare"


def test_a_returning_person_signs_in_to_the_same_account(client, saml_login):
    saml_login(staff_ava())
    client.logout()
    response, _answer = saml_login(staff_ava(displayName=["Anna Andersson"]))

    assert response.status_code == 302
    assert User.objects.count() == 1 and FederatedIdentity.objects.count() == 1
    assert FederatedIdentity.objects.get().last_login_at is not None
    assert _actions()[-1] == "federation.signed_in"


def test_a_login_at_another_provider_with_the_same_eppn_is_another_login(saml_login, federation):
    saml_login(staff_ava())
    assert FederatedIdentity.objects.filter(idp_entity_id=federation.idp_id).count() == 1
    assert not FederatedIdentity.objects.filter(idp_entity_id=federation.other_id).exists()


def test_an_eppn_outside_the_providers_scope_is_refused(client, saml_login):
    response, _answer = saml_login(staff_ava(eduPersonPrincipalName=["anna@annan.example"]))

    assert response.status_code == 403
    assert "outside its own domain" in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


@pytest.mark.parametrize(("missing", "said"), [("eduPersonPrincipalName", "eduPersonPrincipalName is missing"),
                                               ("mail", "did not give your email address")])
def test_an_answer_without_what_inspira_needs_is_refused(client, saml_login, missing, said):
    ava = staff_ava()
    del ava[missing]
    response, _answer = saml_login(ava)
    assert response.status_code == 403 and said in response.content.decode()
    assert not User.objects.exists()


# --- An existing account -----------------------------------------------------------------------------------

@pytest.fixture
def existing(db):
    return UserFactory(email="anna.larare@kommun.example", name="Anna Lärare")


def test_an_existing_account_is_linked_only_after_its_password(client, saml_login, existing, federation):
    response, _answer = saml_login(staff_ava())

    assert response.status_code == 302 and response["Location"] == reverse("federation:link")
    assert "_auth_user_id" not in client.session and not FederatedIdentity.objects.exists()
    page = client.get(reverse("federation:link"))
    assert "anna.larare@kommun.example" in page.content.decode() and "Testkommunen" in page.content.decode()

    wrong = client.post(reverse("federation:link"), {"password": "not-the-password"})
    assert wrong.status_code == 200 and "The password is not right." in wrong.content.decode()
    assert not FederatedIdentity.objects.exists()

    right = client.post(reverse("federation:link"), {"password": PASSWORD})
    assert right.status_code == 302 and right["Location"] == "/konto/profil/"
    identity = FederatedIdentity.objects.get()
    assert identity.user == existing and User.objects.count() == 1
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert client.session[SESSION_IDP] == federation.idp_id and SESSION_PENDING not in client.session
    assert _actions() == ["federation.linked", "federation.signed_in"]


def test_the_link_is_made_once(client, saml_login, existing):
    saml_login(staff_ava())
    client.post(reverse("federation:link"), {"password": PASSWORD})
    client.logout()

    response, _answer = saml_login(staff_ava())
    assert response.status_code == 302 and response["Location"] == "/konto/profil/"
    assert client.session["_auth_user_id"] == str(existing.pk)


def test_the_link_page_without_a_waiting_sign_in_sends_back(client, saml_settings, existing):
    response = client.post(reverse("federation:link"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("federation:discovery")
    assert not FederatedIdentity.objects.exists() and "_auth_user_id" not in client.session


def test_wrong_passwords_on_the_link_page_lock_out_as_the_login_page_does(client, saml_login, existing, settings):
    settings.AXES_FAILURE_LIMIT = 2
    saml_login(staff_ava())
    for _attempt in range(2):
        client.post(reverse("federation:link"), {"password": "not-the-password"})
    locked = client.post(reverse("federation:link"), {"password": PASSWORD})
    assert locked.status_code in (200, 429) and not FederatedIdentity.objects.exists()


@pytest.mark.parametrize("state", ["unverified", "inactive"])
def test_an_account_that_cannot_be_used_is_not_linked(client, saml_login, state):
    fields = {"email_verified_at": None, "is_active": False} if state == "unverified" else {"is_active": False}
    UserFactory(email="anna.larare@kommun.example", **fields)
    response, _answer = saml_login(staff_ava())
    assert response.status_code == 403 and "contact the administration" in response.content.decode()
    assert not FederatedIdentity.objects.exists()


def test_a_closed_account_cannot_sign_in_through_its_login(client, saml_login):
    saml_login(staff_ava())
    client.logout()
    User.objects.update(is_active=False)
    response, _answer = saml_login(staff_ava())
    assert response.status_code == 403 and "_auth_user_id" not in client.session


# --- The personal identity number --------------------------------------------------------------------------------

PERSONAL_NUMBER = "197001011234"


def _everything_stored() -> str:
    """Every row of every table (sessions decoded), as text."""
    texts = []
    for model in apps.get_models():
        for row in model.objects.all().values():
            texts.append(json.dumps(row, default=str, ensure_ascii=False))
    for session in Session.objects.all():
        texts.append(json.dumps(session.get_decoded(), default=str, ensure_ascii=False))
    return "\n".join(texts)


def test_a_personal_identity_number_sent_unasked_is_never_stored(client, saml_login):
    response, _answer = saml_login(staff_ava(**{
        "norEduPersonNIN": [PERSONAL_NUMBER],
        "schacPersonalUniqueID": [f"urn:schac:personalUniqueID:se:NIN:{PERSONAL_NUMBER}"],
        "urn:oid:1.2.752.29.4.13": [PERSONAL_NUMBER],
    }))
    assert response.status_code == 302 and User.objects.exists()
    client.get(reverse("accounts:profile"))
    stored = _everything_stored()
    assert "anna.larare@kommun.example" in stored  # the search reaches the rows the sign-in wrote
    assert PERSONAL_NUMBER not in stored


def test_the_sp_metadata_asks_for_no_personal_identity_number(client, saml_settings):
    from inspira.federation.attributes import PERSONAL_NUMBER_ATTRIBUTES

    xml = client.get("/saml2/metadata/").content.decode()
    assert "urn:oid:1.3.6.1.4.1.5923.1.1.1.6" in xml  # eduPersonPrincipalName is requested
    assert "http://testserver/saml2/acs/" in xml and 'entityID="http://testserver/saml2/metadata/"' in xml
    assert not [name for name in PERSONAL_NUMBER_ATTRIBUTES if name in xml]


def test_the_sp_metadata_requests_every_attribute_read_by_its_oid_and_friendly_name(client, saml_settings):
    """An identity provider that filters by the SP's metadata (pysaml2's, Shibboleth's) releases only what
    is requested, matched by the attribute's name: the OID. sisSchoolUnitCode is in no pysaml2 map, so
    without Inspira's own entry it was requested as the bare name "sisSchoolUnitCode", which a real
    identity provider does not release."""
    from lxml import etree

    from inspira.federation.attributes import REQUESTED

    root = etree.fromstring(client.get("/saml2/metadata/").content)
    requested = {(el.get("Name"), el.get("FriendlyName"), el.get("isRequired"))
                 for el in root.iter("{urn:oasis:names:tc:SAML:2.0:metadata}RequestedAttribute")}
    assert requested == {(oid, name, str(required).lower()) for name, oid, required in REQUESTED}
    assert ("urn:oid:1.2.752.194.10.2.4", "sisSchoolUnitCode", "false") in requested


def test_school_unit_codes_sent_by_oid_arrive_under_the_friendly_name(saml_settings):
    from saml2.attribute_converter import list_to_local
    from saml2.saml import NAME_FORMAT_URI, Attribute, AttributeValue

    from inspira.federation.attributes import read_assertion
    from inspira.federation.config import sp_config

    attribute = Attribute(name="urn:oid:1.2.752.194.10.2.4", name_format=NAME_FORMAT_URI,
                          attribute_value=[AttributeValue(text="12345678")])
    ava = list_to_local(sp_config().attribute_converters, [attribute], allow_unknown_attributes=True)
    assert ava == {"sisSchoolUnitCode": ["12345678"]}
    assert read_assertion(ava).school_codes == ("12345678",)
