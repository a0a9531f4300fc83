import re
import time
from unittest import mock

from django.contrib.auth import get_user
from django.core import mail
from django.urls import reverse

from inspira.accounts import services
from inspira.accounts.models import Membership
from inspira.core.models import OutboxItem
from tests.factories import PASSWORD, MembershipFactory, UserFactory


def later(seconds=120):
    """Sign as if ``seconds`` had passed, so a new link differs from the first."""
    return mock.patch("django.core.signing.time.time", return_value=time.time() + seconds)


def waiting_person(school, email="ny@example.se"):
    return services.signup_create(school=school, name="Nils Ny", email=email, password=PASSWORD)


def test_valid_link_activates_the_account(client, school):
    user = waiting_person(school)
    response = client.get(reverse("accounts:verify_email", args=[services.verification_token(user)]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active is True
    assert user.email_verified_at is not None
    assert len(list(response.context["messages"])) == 1


def test_the_link_in_the_email_works(client, school, outbox_emails):
    user = waiting_person(school)
    text = outbox_emails("verify-email:")[0].payload["text"]
    path = re.search(r"(/konto/verifiera/\S+/)", text).group(1)
    client.get(path)
    user.refresh_from_db()
    assert user.is_active is True


def test_verifying_twice_is_harmless(client, school):
    user = waiting_person(school)
    url = reverse("accounts:verify_email", args=[services.verification_token(user)])
    client.get(url)
    user.refresh_from_db()
    first = user.email_verified_at
    response = client.get(url)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at == first


def test_old_link_does_not_reactivate_a_deactivated_person(client, school):
    user = waiting_person(school)
    url = reverse("accounts:verify_email", args=[services.verification_token(user)])
    client.get(url)
    user.refresh_from_db()
    user.is_active = False  # an administrator deactivates the person
    user.save()
    client.get(url)
    user.refresh_from_db()
    assert user.is_active is False


def test_expired_link_explains_and_offers_a_new_one(client, school, settings):
    settings.EMAIL_VERIFICATION_MAX_AGE = 3600
    user = waiting_person(school)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3601):
        token = services.verification_token(user)
    response = client.get(reverse("accounts:verify_email", args=[token]))
    assert response.status_code == 400
    assert response.context["expired"] is True
    assert reverse("accounts:verify_resend") in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False


def test_link_within_max_age_still_works(client, school, settings):
    settings.EMAIL_VERIFICATION_MAX_AGE = 3600
    user = waiting_person(school)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3500):
        token = services.verification_token(user)
    client.get(reverse("accounts:verify_email", args=[token]))
    user.refresh_from_db()
    assert user.is_active is True


def test_tampered_link_is_refused(client, school):
    user = waiting_person(school)
    other = waiting_person(school, email="annan@example.se")
    token = services.verification_token(user)
    value, rest = token.split(":", 1)
    response = client.get(reverse("accounts:verify_email", args=[f"{other.pk}:{rest}"]))
    assert response.status_code == 400
    assert response.context["expired"] is False
    other.refresh_from_db()
    user.refresh_from_db()
    assert other.is_active is False and user.is_active is False


def test_token_for_another_purpose_is_refused(client, school):
    from django.core import signing

    user = waiting_person(school)
    token = signing.TimestampSigner(salt="something-else").sign(str(user.pk))
    assert client.get(reverse("accounts:verify_email", args=[token])).status_code == 400
    user.refresh_from_db()
    assert user.is_active is False


def test_verification_tells_the_principal(client, school, principal, outbox_emails):
    user = waiting_person(school)
    client.get(reverse("accounts:verify_email", args=[services.verification_token(user)]))
    emails = outbox_emails("membership-requested:")
    assert len(emails) == 1
    assert emails[0].payload["to"] == [principal.email]
    assert user.email in emails[0].payload["text"]


def test_principal_is_not_told_before_verification(school, principal, outbox_emails):
    waiting_person(school)
    assert outbox_emails("membership-requested:") == []


def test_email_is_sent_after_commit(client, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        waiting_person(school)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.se"]
    assert "/konto/verifiera/" in mail.outbox[0].body


# --- Asking for a new link --------------------------------------------------------------------

def test_resend_sends_a_new_link_to_a_waiting_person(client, school, outbox_emails):
    user = waiting_person(school)
    OutboxItem.objects.update(created_at=OutboxItem.objects.get().created_at.replace(year=2000))
    with later():
        response = client.post(reverse("accounts:verify_resend"), {"email": "NY@example.se"})
    assert response.status_code == 302
    assert len(outbox_emails(f"verify-email:{user.pk}:")) == 2


def test_resend_to_an_unknown_address_says_the_same(client, school, outbox_emails):
    waiting_person(school)
    OutboxItem.objects.update(created_at=OutboxItem.objects.get().created_at.replace(year=2000))
    with later():
        known = client.post(reverse("accounts:verify_resend"), {"email": "ny@example.se"}, follow=True)
    unknown = client.post(reverse("accounts:verify_resend"), {"email": "ingen@example.se"}, follow=True)
    known_messages = [str(m).replace("ny@example.se", "X") for m in known.context["messages"]]
    unknown_messages = [str(m).replace("ingen@example.se", "X") for m in unknown.context["messages"]]
    assert known_messages == unknown_messages
    assert len(outbox_emails()) == 2  # the sign-up's and the one resent


def test_resend_ignores_an_active_person(client, staff, outbox_emails):
    client.post(reverse("accounts:verify_resend"), {"email": staff.email})
    assert outbox_emails() == []


def test_resend_is_throttled(client, school, outbox_emails):
    waiting_person(school)
    client.post(reverse("accounts:verify_resend"), {"email": "ny@example.se"})
    client.post(reverse("accounts:verify_resend"), {"email": "ny@example.se"})
    assert len(outbox_emails("verify-email:")) == 1


def test_resent_link_activates(client, school, outbox_emails):
    user = waiting_person(school)
    OutboxItem.objects.update(created_at=OutboxItem.objects.get().created_at.replace(year=2000))
    with later():
        client.post(reverse("accounts:verify_resend"), {"email": "ny@example.se"})
    text = outbox_emails("verify-email:")[-1].payload["text"]
    client.get(re.search(r"(/konto/verifiera/\S+/)", text).group(1))
    user.refresh_from_db()
    assert user.is_active is True


# --- Logging in before and after -----------------------------------------------------------------

def test_login_before_verification_says_what_is_missing(client, school):
    waiting_person(school)
    response = client.post(reverse("accounts:login"), {"username": "ny@example.se", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "inactive")
    assert not get_user(client).is_authenticated


def test_login_before_verification_with_wrong_password_reveals_nothing(client, school):
    waiting_person(school)
    response = client.post(reverse("accounts:login"), {"username": "ny@example.se", "password": "wrong-password"})
    assert response.context["form"].has_error("__all__", "invalid_login")


def test_login_after_verification(client, school):
    user = waiting_person(school)
    client.get(reverse("accounts:verify_email", args=[services.verification_token(user)]))
    response = client.post(reverse("accounts:login"), {"username": "Ny@Example.se", "password": PASSWORD})
    assert response.status_code == 302
    assert get_user(client) == user
    # Logged in, but the membership still waits for the principal.
    assert Membership.objects.get(user=user).confirmed_at is None


def test_deactivated_person_is_not_told_to_verify(client, db):
    UserFactory(email="borta@example.se", is_active=False)
    response = client.post(reverse("accounts:login"), {"username": "borta@example.se", "password": PASSWORD})
    assert response.context["form"].has_error("__all__", "invalid_login")


def test_pending_membership_of_verified_person_is_listed_for_principal(client_for, school, principal):
    person = MembershipFactory(school=school, confirmed_at=None).user
    response = client_for(principal).get(reverse("accounts:school_members", args=[school.pk]))
    assert [m.user for m in response.context["waiting"]] == [person]
