"""What the audit trail says about people and roles: the words of the pages, not the stored codes."""

from django.urls import reverse
from django.utils import translation

from inspira.accounts import services
from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
from tests.factories import SchoolFactory, UserFactory


def test_a_role_change_shows_the_roles_names_in_the_swedish_trail(client_for, administrator, principal, staff,
                                                                   school):
    membership = staff.memberships.get(school=school)
    with translation.override("sv"):
        services.membership_set_role(membership=membership, role=Membership.Role.SITE_CONTACT, actor=principal)
    html = client_for(administrator).get(reverse("core:audit")).content.decode()
    assert "larare@example.se vid Vasaskolan: Skolpersonal → Kontaktperson för inspirationsplatsen" in html
    assert "staff -&gt; site_contact" not in html and "site_contact" not in html.split("<pre")[0]


def test_an_added_member_and_a_central_role_are_named_too(administrator):
    person = UserFactory(email="ny@example.se")
    with translation.override("sv"):
        services.membership_add(person=person, school=SchoolFactory(name="Ekskolan"), role=Membership.Role.PRINCIPAL,
                                actor=administrator)
        services.person_update(person=person, role=User.Role.FINANCE, is_active=False, actor=administrator)
    summaries = list(AuditEvent.objects.order_by("pk").values_list("summary", flat=True))
    assert "ny@example.se lades till vid Ekskolan som Rektor" in summaries
    assert "ny@example.se: central roll Ingen central roll → Ekonomi, får logga in: ja → nej" in summaries


def test_a_sign_up_and_its_confirmation_are_written_in_the_language_of_the_trail(principal, school):
    with translation.override("sv"):
        person = services.signup_create(school=school, name="Nils Ny", email="nils@example.se",
                                        password="a-long-enough-password")
        services.email_verify(user=person)
        services.membership_confirm(membership=person.memberships.get(), actor=principal)
    assert list(AuditEvent.objects.order_by("pk").values_list("summary", flat=True)) == [
        "nils@example.se skapade ett konto vid Vasaskolan",
        "nils@example.se bekräftade sin e-postadress",
        "nils@example.se bekräftades vid Vasaskolan",
    ]
