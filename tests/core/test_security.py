"""Security headers and login throttling, as a browser sees them."""

from django.contrib.auth import get_user
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def _attempt(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_login_locks_the_account_and_address_after_repeated_failures(client, db, settings):
    user = UserFactory(email="lars@example.se")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _attempt(client, user.email, "wrong-password").status_code == 200
    locked = _attempt(client, user.email, "wrong-password")
    assert locked.status_code == 429
    assert "För många försök" in locked.content.decode()
    # Even the right password is refused from that address during the cool-off ...
    assert _attempt(client, user.email, PASSWORD).status_code == 429
    # ... but the same person from another address, and another person from the same
    # address, are not locked out.
    assert _attempt(client, user.email, PASSWORD, ip="10.0.0.2").status_code == 302
    other = UserFactory(email="eva@example.se")
    client.logout()
    assert _attempt(client, other.email, PASSWORD).status_code == 302


def _casings(email: str, count: int) -> list[str]:
    """``count`` spellings of ``email`` that differ only in letter case (and surrounding space)."""
    spellings = [email.upper(), email.title(), " " + email.swapcase() + " ", email.capitalize(), email]
    spellings += ["".join(ch.upper() if i % (n + 2) == 0 else ch for i, ch in enumerate(email)) for n in range(count)]
    return spellings[:count]


def test_failed_logins_in_any_letter_case_count_towards_one_lock(client, db, settings):
    user = UserFactory(email="lars@example.se")
    tries = _casings("Lars@Example.se", settings.AXES_FAILURE_LIMIT)
    for spelling in tries[:-1]:
        assert _attempt(client, spelling, "wrong-password").status_code == 200
    assert _attempt(client, tries[-1], "wrong-password").status_code == 429
    # Locked for every spelling of the address, the right password included.
    for spelling in [user.email, "LARS@EXAMPLE.SE", "lArS@ExAmPlE.sE", " Lars@example.se "]:
        assert _attempt(client, spelling, PASSWORD).status_code == 429, spelling
    assert not get_user(client).is_authenticated


def test_lock_out_lifts_after_the_cool_off(client, db, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    user = UserFactory(email="lars@example.se")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, user.email, "wrong-password")
    assert _attempt(client, user.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(hours=1))
    assert _attempt(client, user.email, PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(db, settings):
    from inspira import settings as production_settings

    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = UserFactory()
    assert user.password.startswith("argon2")


def test_a_form_without_csrf_token_gets_a_swedish_page_with_a_way_back(db):
    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@example.se", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Formuläret kunde inte skickas" in body
    assert f'href="{reverse("core:home")}"' in body
    assert "CSRF verification failed" not in body
