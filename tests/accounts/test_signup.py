import re

import factory
import pytest
from django.urls import reverse

from inspira.accounts import services
from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
from tests.factories import PASSWORD, SchoolFactory, UserFactory

GOOD_PASSWORD = "Blåbärssoppa-vid-Vasaloppet"


def signup_data(**overrides):
    return {
        "name": "Sara Svensson",
        "email": "Sara.Svensson@Example.se",
        "phone": "070-123 45 67",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **overrides,
    }


# --- Step 1: choose a school ------------------------------------------------------------------

def test_choose_school_finds_by_name(client, db):
    SchoolFactory(name="Vasaskolan")
    SchoolFactory(name="Katarina Norra skola")
    response = client.get(reverse("accounts:signup"), {"q": "vasa"})
    assert response.status_code == 200
    assert list(response.context["schools"]) == [SchoolFactory._meta.model.objects.get(name="Vasaskolan")]


def test_choose_school_finds_by_unit_code(client, db):
    school = SchoolFactory(name="Vasaskolan", unit_code="12345678")
    SchoolFactory(name="Annan skola", unit_code="87654321")
    response = client.get(reverse("accounts:signup"), {"q": "12345678"})
    assert list(response.context["schools"]) == [school]


def test_choose_school_links_each_result_to_step_two(client, db):
    school = SchoolFactory(name="Vasaskolan")
    response = client.get(reverse("accounts:signup"), {"q": "Vasa"})
    assert reverse("accounts:signup_form", args=[school.pk]) in response.content.decode()


def test_choose_school_without_match_shows_empty_state(client, db):
    SchoolFactory(name="Vasaskolan")
    response = client.get(reverse("accounts:signup"), {"q": "Hogwarts"})
    assert response.context["schools"] == []
    assert 'class="empty-state"' in response.content.decode()


def test_choose_school_without_query_lists_nothing(client, db):
    SchoolFactory(name="Vasaskolan")
    response = client.get(reverse("accounts:signup"))
    assert response.context["schools"] == []
    assert 'class="empty-state"' not in response.content.decode()


def test_choose_school_shows_at_most_twenty(client, db):
    SchoolFactory.create_batch(23, name=factory.Sequence(lambda n: f"Skola nummer {n}"))
    response = client.get(reverse("accounts:signup"), {"q": "Skola"})
    assert len(response.context["schools"]) == 20
    assert response.context["more"] is True


def test_choose_school_sends_logged_in_person_to_join_school(client_for, staff):
    response = client_for(staff).get(reverse("accounts:signup"), {"q": "Vasa"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:join_school") + "?q=Vasa"


# --- Step 2: the person's details ---------------------------------------------------------------

def test_signup_creates_inactive_person_with_pending_membership_and_one_email(client, school, outbox_emails):
    response = client.post(reverse("accounts:signup_form", args=[school.pk]), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "sara.svensson@example.se"
    assert user.name == "Sara Svensson"
    assert user.phone == "070-123 45 67"
    assert user.is_active is False
    assert user.email_verified_at is None
    assert user.check_password(GOOD_PASSWORD)
    membership = Membership.objects.get()
    assert (membership.user, membership.school, membership.role) == (user, school, Membership.Role.STAFF)
    assert membership.confirmed_at is None
    emails = outbox_emails()
    assert len(emails) == 1
    assert emails[0].payload["to"] == ["sara.svensson@example.se"]
    assert emails[0].key.startswith(f"verify-email:{user.pk}:")


def test_signup_email_carries_an_absolute_verification_link(client, school, outbox_emails, settings):
    settings.SITE_URL = "https://inspira.example.se"
    client.post(reverse("accounts:signup_form", args=[school.pk]), signup_data())
    text = outbox_emails("verify-email:")[0].payload["text"]
    link = re.search(r"https://inspira\.example\.se/konto/verifiera/\S+/", text)
    assert link, text
    # The signed token itself never appears in the key that administrators see.
    token = link.group(0).rstrip("/").rsplit("/", 1)[1]
    assert token not in outbox_emails("verify-email:")[0].key


def test_signup_with_registered_email_shows_error_at_the_field(client, school):
    UserFactory(email="sara.svensson@example.se")
    response = client.post(reverse("accounts:signup_form", args=[school.pk]), signup_data())
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("email", "email_taken")
    assert "Det finns redan" in response.content.decode() or "already an account" in response.content.decode()
    assert User.objects.count() == 1
    assert not Membership.objects.exists()


def test_signup_with_weak_password_saves_nothing(client, school, outbox_emails):
    response = client.post(
        reverse("accounts:signup_form", args=[school.pk]), signup_data(password1="12345678", password2="12345678")
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("password1")
    assert not User.objects.exists()
    assert not Membership.objects.exists()
    assert outbox_emails() == []


def test_signup_password_errors_are_in_swedish(client, school):
    response = client.post(
        reverse("accounts:signup_form", args=[school.pk]), signup_data(password1="12345678", password2="12345678")
    )
    assert "lösenordet är för kort" in response.content.decode()


def test_signup_password_like_the_name_is_refused(client, school):
    response = client.post(
        reverse("accounts:signup_form", args=[school.pk]),
        signup_data(name="Sara Svenssonsdotter", password1="svenssonsdotter", password2="svenssonsdotter"),
    )
    assert response.context["form"].has_error("password1", "password_too_similar")
    assert not User.objects.exists()


def test_signup_with_different_passwords_saves_nothing(client, school):
    response = client.post(reverse("accounts:signup_form", args=[school.pk]), signup_data(password2="something-else"))
    assert response.context["form"].has_error("password2", "password_mismatch")
    assert not User.objects.exists()


def test_signup_shows_the_chosen_school(client, school):
    response = client.get(reverse("accounts:signup_form", args=[school.pk]))
    assert school.name in response.content.decode()


def test_signup_at_unknown_school_is_404(client, db):
    assert client.get(reverse("accounts:signup_form", args=[999])).status_code == 404


def test_signup_service_refuses_a_second_account_for_the_same_address(school):
    services.signup_create(school=school, name="A", email="a@example.se", password=PASSWORD)
    with pytest.raises(services.AccountError):
        services.signup_create(school=school, name="A", email="A@example.se", password=PASSWORD)
    assert User.objects.count() == 1


def test_signup_is_recorded_in_the_audit_trail(school):
    user = services.signup_create(school=school, name="A", email="a@example.se", password=PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.signup", actor=user).exists()


def test_signup_done_tells_where_the_email_went(client, school):
    client.post(reverse("accounts:signup_form", args=[school.pk]), signup_data())
    response = client.get(reverse("accounts:signup_done"))
    assert "sara.svensson@example.se" in response.content.decode()
