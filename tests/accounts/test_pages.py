"""Every accounts page renders, in Swedish and in English, and the dashboard's links lead to them."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import MembershipFactory


@pytest.fixture(params=["sv", "en"])
def language(request, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    return request.param


def test_anonymous_pages_render(client, school, language):
    for url in [
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("accounts:signup") + "?q=Vasa",
        reverse("accounts:signup") + "?q=Ingen",
        reverse("accounts:signup_form", args=[school.pk]),
        reverse("accounts:signup_done"),
        reverse("accounts:verify_resend"),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
        reverse("accounts:password_reset_complete"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
        assert response.content.decode().count("<h1") == 1, url


def test_administrator_pages_render(client_for, administrator, principal, school, language):
    MembershipFactory(school=school, confirmed_at=None)
    client = client_for(administrator)
    for url in [
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        reverse("accounts:join_school") + "?q=Vasa",
        reverse("accounts:school_members", args=[school.pk]),
        reverse("accounts:people"),
        reverse("accounts:people") + "?q=Rut",
        reverse("accounts:person_edit", args=[principal.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_dashboard_links_lead_to_accounts_pages(client_for, principal, school):
    MembershipFactory(school=school, confirmed_at=None)
    client = client_for(principal)
    content = client.get(reverse("core:dashboard")).content.decode()
    members = reverse("accounts:school_members", args=[school.pk])
    assert members in content
    assert client.get(members).status_code == 200
    assert client.get(reverse("accounts:join_school")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200
