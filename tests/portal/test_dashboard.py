"""The dashboard tells each person what to do next: the principal of a new site to appoint a site
contact, the site's people about their site, and the administration and the director how much work
waits for them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspira.accounts.models import Membership
from inspira.certification.models import Application
from inspira.core.models import OutboxItem
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.portal.sites import certify


def dashboard(client_for, user) -> str:
    response = client_for(user).get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_principal_of_a_new_site_is_told_to_appoint_a_site_contact(client_for, principal, school):
    certify(school)
    page = dashboard(client_for, principal)
    assert "Utse en kontaktperson" in page
    assert reverse("accounts:school_members", args=[school.pk]) in page
    assert f"{school.name} är en inspirationsplats" in page


def test_principal_with_a_site_contact_is_not_asked_again(client_for, principal, school):
    certify(school)
    MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT)
    page = dashboard(client_for, principal)
    assert "Utse en kontaktperson" not in page
    assert f"{school.name} är en inspirationsplats" in page


def test_staff_and_site_contact_see_their_site_but_only_the_contact_manages_it(client_for, staff, school):
    site = certify(school)
    contact = MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT).user
    page = dashboard(client_for, staff)
    assert f"{school.name} är en inspirationsplats" in page
    assert reverse("catalogue:site", args=[site.pk]) in page
    assert reverse("visits:site_occasions", args=[site.pk]) not in page
    assert "Utse en kontaktperson" not in page
    page = dashboard(client_for, contact)
    assert reverse("visits:site_occasions", args=[site.pk]) in page
    assert "Utse en kontaktperson" not in page


def test_no_site_no_notice(client_for, principal):
    assert "inspirationsplats</h2>" not in dashboard(client_for, principal)


def _waiting_work(school):
    for status in (Application.Status.SUBMITTED, Application.Status.IN_PREPARATION):
        Application.objects.create(school=school, applicant=UserFactory(), status=status, area_title="A")
    for _ in range(3):
        Application.objects.create(school=school, applicant=UserFactory(),
                                   status=Application.Status.SENT_TO_DIRECTOR, area_title="B")
    MembershipFactory(school=school, confirmed_at=None)
    OutboxItem.objects.create(kind="email", key=f"failed-{school.pk}", payload={}, state=OutboxItem.State.FAILED)


def test_administrator_sees_counts_of_what_waits(client_for, administrator, school):
    _waiting_work(school)
    page = dashboard(client_for, administrator)
    assert "Väntar på dig" in page
    assert f'<a href="{reverse("certification:queue")}">Ansökningar att förbereda</a>: <strong>2</strong>' in page
    assert "Medlemskap att bekräfta</a>: <strong>1</strong>" in page
    assert (f'<a href="{reverse("core:outbox")}?state=failed">Misslyckade utskick</a>: <strong>1</strong>'
            in page)
    assert "Beslut att fatta" not in page


def test_director_sees_the_decisions_to_take(client_for, director, school):
    _waiting_work(school)
    page = dashboard(client_for, director)
    assert f'<a href="{reverse("certification:decisions")}">Beslut att fatta</a>: <strong>3</strong>' in page
    assert "Ansökningar att förbereda" not in page
    assert "Misslyckade utskick" not in page


def test_school_people_see_no_counts(client_for, staff):
    assert "Väntar på dig" not in dashboard(client_for, staff)


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:dashboard")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["principal", "administrator", "director"])
def test_dashboard_queries_do_not_grow_with_the_data(client, role, request):
    user = request.getfixturevalue(role)
    schools = [SchoolFactory() for _ in range(3)]
    if role == "principal":
        schools = [request.getfixturevalue("school"), *schools]
        for school in schools[1:]:
            MembershipFactory(user=user, school=school, role=Membership.Role.PRINCIPAL)
    certify(schools[0])
    _waiting_work(schools[0])
    few = _queries(client, user)
    for school in schools[1:]:
        certify(school)
        _waiting_work(school)
        MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT)
    assert _queries(client, user) == few
    assert few <= 12
