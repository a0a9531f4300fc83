"""The discovery page, the login page's link, the administrators' trust pages, and everything off when
sign-in through the federation is off."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.federation.models import IdentityProviderTrust

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_discovery_page_lists_the_providers_by_display_name(client, federation):
    page = client.get(reverse("federation:discovery") + "?next=/konto/profil/").content.decode()
    assert "<h1>Log in with Skolfederation</h1>" in page
    assert page.index("Testkommunen") < page.index("Ålstads skolor")  # Å sorts last, as in Swedish
    assert "/saml2/login/?idp=https%3A%2F%2Fidp.kommun.example%2Fidp&amp;next=%2Fkonto%2Fprofil%2F" in page
    assert reverse("accounts:login") in page  # password login stays


def test_the_filter_works_without_script_and_folds_letters(client, federation):
    response = client.get(reverse("federation:discovery"), {"q": "ÅLSTAD"})
    page = response.content.decode()
    assert "Ålstads skolor" in page and "Testkommunen" not in page
    assert 'method="get"' in page and 'role="search"' in page and 'for="id_q"' in page
    assert 'aria-describedby="id_q_helptext"' in page
    nothing = client.get(reverse("federation:discovery"), {"q": "Malmö"}).content.decode()
    assert "No login service matches “Malmö”." in nothing


def test_next_may_only_lead_within_inspira(client, federation):
    page = client.get(reverse("federation:discovery") + "?next=https://evil.example/").content.decode()
    assert 'href="/saml2/login/?idp=https%3A%2F%2Fidp.kommun.example%2Fidp"' in page
    assert "next=https%3A%2F%2Fevil" not in page


def test_without_metadata_the_discovery_page_says_so(client, saml_settings):
    page = client.get(reverse("federation:discovery")).content.decode()
    assert "The list of login services is not available right now." in page


def test_the_login_page_links_to_the_federation_and_keeps_the_password(client, saml_settings):
    page = client.get(reverse("accounts:login") + "?next=/konto/profil/").content.decode()
    assert f'href="{reverse("federation:discovery")}?next=/konto/profil/"' in page or \
        f'href="{reverse("federation:discovery")}?next=%2Fkonto%2Fprofil%2F"' in page
    assert 'name="password"' in page


def test_a_link_from_the_list_starts_a_signed_request_to_the_provider(client, federation):
    response = client.get(reverse("saml2_login"), {"idp": federation.idp_id, "next": "/"})
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://idp.kommun.example/idp/sso/redirect"
    assert {"SAMLRequest", "Signature", "SigAlg", "RelayState"} <= set(query)
    cookie = response.cookies["inspira_saml"]
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]


@pytest.mark.parametrize("url", ["/saml2/metadata/", "/saml2/login/", "/konto/skolfederationen/"])
def test_everything_answers_404_while_the_federation_is_off(client, settings, url):
    settings.INSPIRA_SAML_ENABLED = False
    assert client.get(url).status_code == 404
    assert "Skolfederation" not in client.get(reverse("accounts:login")).content.decode()


# --- Trust ---------------------------------------------------------------------------------------------------------

def test_the_administrator_sees_every_provider_and_its_trust(client_for, administrator, federation):
    IdentityProviderTrust.objects.create(entity_id=federation.idp_id, trust_mfa=True)
    IdentityProviderTrust.objects.create(entity_id="https://gone.example/idp", name="Nedlagda kommunen")
    page = client_for(administrator).get(reverse("federation:providers")).content.decode()
    assert "Testkommunen" in page and "Ålstads skolor" in page
    assert "Nedlagda kommunen" in page and "no longer in the federation" in page


def test_the_administrator_changes_what_a_provider_is_trusted_for(client_for, administrator, federation):
    client = client_for(administrator)
    edit = reverse("federation:provider_edit")
    page = client.get(edit, {"idp": federation.idp_id}).content.decode()
    assert "Trust in Testkommunen" in page and "REFEDS MFA" in page

    response = client.post(edit, {"idp": federation.idp_id, "trust_school_codes": "on", "trust_mfa": "on"},
                           follow=True)
    assert "The trust in Testkommunen is saved." in response.content.decode()
    trust = IdentityProviderTrust.objects.get()
    assert trust.trust_school_codes and trust.trust_mfa and not trust.trust_affiliation
    assert AuditEvent.objects.filter(action="federation.trust_changed", actor=administrator).count() == 1


def test_a_provider_nobody_knows_cannot_be_trusted(client_for, administrator, federation):
    response = client_for(administrator).post(reverse("federation:provider_edit"),
                                              {"idp": "https://evil.example/idp", "trust_mfa": "on"})
    assert response.status_code == 302 and not IdentityProviderTrust.objects.exists()


def test_only_administrators_reach_the_trust_pages(client_for, director, staff, federation):
    for person in (director, staff):
        client = client_for(person)
        assert client.get(reverse("federation:providers")).status_code == 403
        assert client.post(reverse("federation:provider_edit"),
                           {"idp": federation.idp_id, "trust_mfa": "on"}).status_code == 403
    assert not IdentityProviderTrust.objects.exists()


# --- Production ------------------------------------------------------------------------------------------------------

def _deploy_check(extra: dict) -> subprocess.CompletedProcess:
    env_file = dict(line.split("=", 1) for line in (ROOT / "deploy" / "inspira.env.example").read_text().splitlines()
                    if line and not line.startswith("#"))
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env_file,
           "SECRET_KEY": secrets.token_urlsafe(50), **extra}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],  # noqa: S603
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_deploy_check_is_clean_with_the_federation_on(saml_keys):
    result = _deploy_check({
        "INSPIRA_SAML_ENABLED": "1", "INSPIRA_SAML_FEDERATION_METADATA_URL": "https://md.example/skolfederation.xml",
        "INSPIRA_SAML_FEDERATION_CERT": saml_keys.federation[1],
        "INSPIRA_SAML_KEY_FILE": saml_keys.sp[0], "INSPIRA_SAML_CERT_FILE": saml_keys.sp[1]})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_refuses_a_generated_key_pair_and_a_missing_federation():
    result = _deploy_check({"INSPIRA_SAML_ENABLED": "1"})
    assert result.returncode != 0
    assert "inspira.E020" in result.stderr + result.stdout and "inspira.E022" in result.stderr + result.stdout


# --- The people page: how each person signs in -------------------------------------------------------------

def test_the_people_page_shows_linked_logins_by_the_providers_name(client_for, administrator, federation):
    from inspira.accounts.models import SignIn
    from inspira.federation.models import FederatedIdentity
    from tests.factories import SignInFactory, UserFactory

    linked = UserFactory(name="Kopplad Person")
    linked.set_unusable_password()
    linked.save()
    # Linked at two providers, one of them also in a recorded session: each named once, by display name.
    FederatedIdentity.objects.create(user=linked, idp_entity_id=federation.idp_id, eppn="k@kommun.example")
    FederatedIdentity.objects.create(user=linked, idp_entity_id=federation.other_id, eppn="k@annan.example")
    SignInFactory(user=linked, method=SignIn.Method.FEDERATION, idp_entity_id=federation.idp_id)
    # A provider that has left the federation's metadata is named by its entity id.
    gone = UserFactory(name="Lämnad Person")
    FederatedIdentity.objects.create(user=gone, idp_entity_id="https://idp.borta.example/idp", eppn="l@borta.example")

    response = client_for(administrator).get(reverse("accounts:people"))
    rows = {person.pk: person.sign_in_methods for person in response.context["page_obj"]}
    assert rows[linked.pk].identity_providers == ["Testkommunen", "Ålstads skolor"]
    assert not rows[linked.pk].password
    assert rows[gone.pk].identity_providers == ["https://idp.borta.example/idp"] and rows[gone.pk].password
    assert not rows[administrator.pk].federation
    content = response.content.decode()
    assert "School federation: Testkommunen" in content and "School federation: Ålstads skolor" in content
    assert "School federation: https://idp.borta.example/idp" in content


def test_linked_logins_add_no_query_to_the_people_page(client_for, administrator, federation,
                                                       django_assert_num_queries):
    from inspira.accounts.models import SignIn
    from inspira.federation.models import FederatedIdentity
    from tests.factories import SignInFactory, UserFactory

    client = client_for(administrator)
    client.get(reverse("accounts:people"))  # the metadata file is read once per process, not per page
    for i, person in enumerate(UserFactory.create_batch(30)):
        idp = federation.idp_id if i % 2 else federation.other_id
        FederatedIdentity.objects.create(user=person, idp_entity_id=idp, eppn=f"p{i}@kommun.example")
        if i % 3 == 0:
            SignInFactory(user=person, method=SignIn.Method.FEDERATION, idp_entity_id=idp)
    # As tests/accounts/test_sessions.py counts it: session, person, two-factor device, count, page,
    # memberships with their schools, how they sign in (sessions, devices and linked logins in one union).
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:people"))
    shown = [p for p in response.context["page_obj"] if p != administrator]
    assert len(shown) >= 20 and all(p.sign_in_methods.federation for p in shown)
