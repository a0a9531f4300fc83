"""Two-factor sign-in for the central roles, tested through the login form (not force_login,
which tests/conftest.py makes pass the second step for everyone else's tests)."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspira.accounts import two_factor
from inspira.accounts.models import User
from inspira.core.models import AuditEvent
from tests.factories import PASSWORD

CENTRAL = ["administrator", "director", "finance"]
VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")
RECOVERY = reverse("accounts:two_factor_recovery")
CODES = reverse("accounts:two_factor_codes")
CODES_NEW = reverse("accounts:two_factor_codes_new")
DASHBOARD = reverse("core:dashboard")


def password_login(user, client=None) -> Client:
    """Log in with email and password through the login form: the first step only."""
    client = client or Client()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return client


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    """What an authenticator app shows now, or ``steps`` time steps off (a phone clock that is off)."""
    if time.time() % device.step > device.step - 2:
        time.sleep(2)  # not at the edge of a step, so the server checks the same one
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps):06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def throttle_delay_passes(user) -> None:
    """As if the wait after wrong codes were over."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def redirect_path(response) -> str:
    assert response.status_code == 302, response.status_code
    return urlsplit(response["Location"]).path


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- Who must pass the second step ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", CENTRAL)
def test_central_role_without_device_is_sent_to_enrol_from_every_page(request, who):
    user = request.getfixturevalue(who)
    client = password_login(user)
    for name in ["core:dashboard", "certification:queue", "schools:list", "accounts:people", "accounts:profile",
                 "billing:overview", "accounts:two_factor_codes", "accounts:two_factor_codes_new"]:
        response = client.get(reverse(name))
        assert redirect_path(response) == ENROL, name
        assert parse_qs(urlsplit(response["Location"]).query)["next"] == [reverse(name)]
    # Changes too: a POST is sent to the second step, not to the view.
    assert redirect_path(client.post(reverse("accounts:profile"), {"name": "Inkräktare"})) == ENROL
    user.refresh_from_db()
    assert user.name != "Inkräktare"
    # The Django admin is no way around it.
    assert redirect_path(client.get("/django-admin/")) == ENROL
    # Nor are the pages for those who have set up an app.
    assert redirect_path(client.get(VERIFY)) == ENROL
    assert redirect_path(client.get(RECOVERY)) == ENROL


def test_staff_are_not_asked_for_a_second_step(staff, principal):
    for person in (staff, principal):
        client = password_login(person)
        assert client.get(DASHBOARD).status_code == 200
        assert client.get(reverse("accounts:profile")).status_code == 200
        assert "Tvåstegsverifiering" not in client.get(reverse("accounts:profile")).content.decode()
        # The two-factor pages are not theirs.
        for url in (VERIFY, ENROL, RECOVERY, CODES, CODES_NEW):
            assert client.get(url).status_code == 403, url
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("access", [{"is_staff": True}, {"is_staff": True, "is_superuser": True}])
def test_django_admin_users_without_a_central_role_pass_the_second_step_too(db, access):
    from tests.factories import UserFactory

    person = UserFactory(email="tekniker@example.se", **access)
    client = password_login(person)
    for url in ("/django-admin/", reverse("admin:accounts_user_changelist"),
                reverse("admin:auth_group_add"), DASHBOARD):
        assert redirect_path(client.get(url)) == ENROL, url
    # Not by the Django admin's own login form either.
    other = Client()
    assert other.post(reverse("admin:login"), {"username": person.email, "password": PASSWORD}).status_code == 302
    assert redirect_path(other.get(reverse("admin:index"))) == ENROL
    # The enrolment page is theirs, and once they have an app they are asked for its code.
    assert client.get(ENROL).status_code == 200
    device = enrolled(person)
    assert redirect_path(client.get("/django-admin/")) == VERIFY
    assert redirect_path(client.post(VERIFY, {"code": code_for(device)})) == DASHBOARD
    assert client.get("/django-admin/").status_code == 200
    assert client.get(ENROL).status_code == 302  # already set up


def test_a_superuser_needs_the_second_step_even_without_django_admin_access(db):
    from tests.factories import UserFactory

    assert two_factor.required_for(UserFactory(is_superuser=True))
    assert not two_factor.required_for(UserFactory(is_superuser=True, is_active=False))


def test_the_person_page_tells_an_administrator_that_django_admin_users_need_the_second_step(client_for, administrator):
    from tests.factories import UserFactory

    person = UserFactory(email="tekniker@example.se", is_staff=True)
    content = client_for(administrator).get(reverse("accounts:person_edit", args=[person.pk])).content.decode()
    assert "Inte aktiverad än." in content


def test_a_new_central_role_takes_effect_at_the_next_request(client_for, staff, administrator):
    client = password_login(staff)
    assert client.get(DASHBOARD).status_code == 200
    client_for(administrator).post(reverse("accounts:person_edit", args=[staff.pk]),
                                   {"form": "person", "person-role": "finance", "person-is_active": "on"})
    assert redirect_path(client.get(DASHBOARD)) == ENROL


def test_the_health_check_language_switch_and_logout_stay_open(administrator):
    client = password_login(administrator)
    assert client.get(reverse("core:health")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": ENROL})
    assert redirect_path(response) == ENROL
    assert redirect_path(client.post(reverse("accounts:logout"))) == reverse("core:home")


def test_the_menu_hides_pages_that_would_lead_back_to_the_second_step(administrator):
    content = password_login(administrator).get(ENROL).content.decode()
    assert f'href="{reverse("schools:list")}"' not in content
    assert f'href="{reverse("accounts:people")}"' not in content
    assert reverse("accounts:logout") in content  # the way out


# --- Enrolment ----------------------------------------------------------------------------------------------

def test_the_enrolment_page_shows_a_qr_code_and_the_key_in_blocks(administrator):
    client = password_login(administrator)
    response = client.get(ENROL)
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    assert '<img src="data:image/svg+xml' in content and 'alt="QR-kod' in content
    assert response.context["secret"] == two_factor.secret_text(device)
    blocks = response.context["secret"].split(" ")
    assert len(blocks) == 8 and all(len(block) == 4 for block in blocks)
    assert "Microsoft Authenticator" in content and "Google Authenticator" in content
    # A code field people can use: a label, digits on a phone's keyboard, filled in by the browser.
    assert 'for="id_code"' in content and "Kod från appen" in content
    assert 'inputmode="numeric"' in content and 'autocomplete="one-time-code"' in content
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    # A reload shows the same key, so a code scanned before it still works.
    assert client.get(ENROL).context["secret"] == response.context["secret"]
    assert TOTPDevice.objects.filter(user=administrator).count() == 1


def test_the_qr_code_carries_the_setup_link(administrator):
    device = two_factor.enrolment_device(administrator)
    assert device.config_url.startswith("otpauth://totp/Inspira%3Aadmin%40example.se?secret=")
    assert two_factor.qr_svg_data_uri(device).startswith("data:image/svg+xml")


def test_a_wrong_code_at_enrolment_is_an_error_on_the_field_and_verifies_nothing(administrator):
    client = password_login(administrator)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=administrator)
    response = client.post(ENROL, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Koden stämmer inte. Kontrollera att du skrev koden som appen visar just nu och försök igen."]
    content = response.content.decode()
    assert 'aria-invalid="true"' in content and 'aria-describedby="id_code_helptext id_code_error"' in content
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_verified(client)
    assert redirect_path(client.get(DASHBOARD)) == ENROL


def test_a_code_that_is_not_six_digits_is_refused_before_it_is_tried(administrator):
    client = password_login(administrator)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "12a"})
    assert response.context["form"].errors["code"] == ["Ange de sex siffror som appen visar, till exempel 123456."]
    assert TOTPDevice.objects.get(user=administrator).throttling_failure_count == 0


def test_the_right_code_enrols_verifies_and_shows_recovery_codes_once(administrator):
    client = password_login(administrator)
    schools = reverse("schools:list")
    client.get(ENROL, {"next": schools})
    device = TOTPDevice.objects.get(user=administrator)
    response = client.post(ENROL, {"code": code_for(device)[:3] + " " + code_for(device)[3:], "next": schools})
    assert redirect_path(response) == CODES
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client)

    shown = client.get(CODES)
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert {c.replace("-", "") for c in codes} == set(StaticToken.objects.values_list("token", flat=True))
    assert f'href="{schools}"' in shown.content.decode()  # continue to the page asked for
    assert "no-store" in shown["Cache-Control"]
    assert client.get(CODES).context["codes"] == []  # shown once
    assert client.get(schools).status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.enrolled", actor=administrator).count() == 1


def test_someone_enrolled_cannot_enrol_again_to_skip_the_code(administrator):
    device = enrolled(administrator)
    client = password_login(administrator)
    assert redirect_path(client.get(ENROL)) == VERIFY
    assert redirect_path(client.post(ENROL, {"code": code_for(device)})) == VERIFY
    assert not is_verified(client)
    assert TOTPDevice.objects.filter(user=administrator).count() == 1
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.enrolment_confirm(user=administrator, device=TOTPDevice.objects.create(
            user=administrator, confirmed=False), code="123456")


# --- Entering the code ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", CENTRAL)
def test_an_enrolled_person_enters_the_code_after_the_password(request, who):
    user = request.getfixturevalue(who)
    device = enrolled(user)
    client = password_login(user)
    response = client.get(DASHBOARD)
    assert redirect_path(response) == VERIFY
    page = client.get(response["Location"])
    content = page.content.decode()
    assert 'inputmode="numeric"' in content and 'autocomplete="one-time-code"' in content
    assert f'href="{RECOVERY}?next=' in content

    response = client.post(VERIFY, {"code": code_for(device), "next": DASHBOARD})
    assert redirect_path(response) == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_wrong_code_is_an_error_on_the_field(administrator):
    device = enrolled(administrator)
    client = password_login(administrator)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.context["form"].errors["code"][0]
    assert not is_verified(client)
    assert redirect_path(client.get(DASHBOARD)) == VERIFY


def test_a_code_one_step_off_is_accepted_for_a_phone_clock_that_is_off(administrator):
    device = enrolled(administrator)
    client = password_login(administrator)
    assert redirect_path(client.post(VERIFY, {"code": code_for(device, steps=-1)})) == DASHBOARD


def test_a_code_is_accepted_only_once(administrator):
    device = enrolled(administrator)
    code = code_for(device)
    first = password_login(administrator)
    assert redirect_path(first.post(VERIFY, {"code": code})) == DASHBOARD
    second = password_login(administrator)
    response = second.post(VERIFY, {"code": code})
    assert "Koden stämmer inte" in response.context["form"].errors["code"][0]
    assert not is_verified(second)


def test_one_wrong_code_is_called_wrong_and_the_right_code_works_at_once(administrator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a throttle, if there were one, would still be on
    device = enrolled(administrator)
    client = password_login(administrator)
    for _try in range(two_factor.FREE_WRONG_CODES):
        response = client.post(VERIFY, {"code": wrong_code(device)})
        assert response.context["form"].errors["code"] == [
            "Koden stämmer inte. Kontrollera att du skrev koden som appen visar just nu och försök igen."]
    assert redirect_path(client.post(VERIFY, {"code": code_for(device)})) == DASHBOARD


def test_repeated_wrong_codes_are_throttled_even_for_the_right_code(administrator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # minutes after the failures, so the test does not race the clock
    device = enrolled(administrator)
    client = password_login(administrator)
    for _try in range(two_factor.FREE_WRONG_CODES + 1):
        client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code_for(device)})
    error = response.context["form"].errors["code"][0]
    assert error.startswith("För många felaktiga koder i rad. Av säkerhetsskäl behöver du vänta till kl. ")
    assert not is_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == two_factor.FREE_WRONG_CODES + 1  # a refused try is not another failure


def test_the_throttle_lifts_after_its_delay(administrator, settings):
    device = enrolled(administrator)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=3)  # no timestamp: long ago
    client = password_login(administrator)
    assert redirect_path(client.post(VERIFY, {"code": code_for(device)})) == DASHBOARD
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_only_pages_of_this_site_are_followed_after_the_code(administrator):
    device = enrolled(administrator)
    client = password_login(administrator)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert redirect_path(response) == DASHBOARD
    assert urlsplit(response["Location"]).netloc == ""


# --- Recovery codes ---------------------------------------------------------------------------------------

def test_a_recovery_code_works_once_only(administrator):
    device = enrolled(administrator)
    codes = two_factor._new_recovery_codes(administrator)
    client = password_login(administrator)
    assert client.get(VERIFY).status_code == 200
    response = client.post(RECOVERY, {"code": two_factor.recovery_code_display(codes[0]).upper()})
    assert redirect_path(response) == DASHBOARD
    assert is_verified(client)
    assert client.get(DASHBOARD).status_code == 200
    assert two_factor.recovery_codes_left(administrator) == 9
    assert AuditEvent.objects.filter(action="two_factor.recovery_code_used").count() == 1

    again = password_login(administrator)
    response = again.post(RECOVERY, {"code": codes[0]})
    assert response.context["form"].errors["code"] == ["Reservkoden stämmer inte, eller så har den redan använts."]
    assert not is_verified(again)
    throttle_delay_passes(administrator)
    assert redirect_path(again.post(RECOVERY, {"code": codes[1]})) == DASHBOARD
    assert TOTPDevice.objects.filter(pk=device.pk).exists()  # the app still works too


def test_recovery_codes_are_throttled_too(administrator, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 60
    enrolled(administrator)
    codes = two_factor._new_recovery_codes(administrator)
    client = password_login(administrator)
    for _try in range(two_factor.FREE_WRONG_CODES + 1):
        client.post(RECOVERY, {"code": "aaaaaaaa"})
    response = client.post(RECOVERY, {"code": codes[0]})
    assert response.context["form"].errors["code"][0].startswith("För många felaktiga koder")
    assert two_factor.recovery_codes_left(administrator) == 10


def test_a_person_sees_two_factor_on_their_page_and_makes_new_recovery_codes(client_for, administrator):
    client = client_for(administrator)  # verified with a device, see tests/conftest.py
    device = TOTPDevice.objects.get(user=administrator)
    old = two_factor._new_recovery_codes(administrator)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Tvåstegsverifiering är på sedan" in profile
    assert "Du har 10 oanvända reservkoder." in profile
    assert f'href="{CODES_NEW}"' in profile

    response = client.post(CODES_NEW, {"code": wrong_code(device)})
    assert "Koden stämmer inte" in response.context["form"].errors["code"][0]
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)

    throttle_delay_passes(administrator)
    response = client.post(CODES_NEW, {"code": code_for(device)})
    assert redirect_path(response) == CODES
    new = [c.replace("-", "") for c in client.get(CODES).context["codes"]]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert StaticDevice.objects.filter(user=administrator).count() == 1
    assert AuditEvent.objects.filter(action="two_factor.recovery_codes_renewed").count() == 1


def test_new_recovery_codes_keep_a_session_verified_with_a_recovery_code(administrator):
    device = enrolled(administrator)
    codes = two_factor._new_recovery_codes(administrator)
    client = password_login(administrator)
    assert redirect_path(client.post(RECOVERY, {"code": codes[0]})) == DASHBOARD
    assert redirect_path(client.post(CODES_NEW, {"code": code_for(device)})) == CODES
    assert len(client.get(CODES).context["codes"]) == 10
    assert client.get(DASHBOARD).status_code == 200


# --- Administrators reset a lost phone --------------------------------------------------------------------

def test_an_administrator_resets_another_persons_two_factor(client_for, administrator, director):
    device = enrolled(director)
    two_factor._new_recovery_codes(director)
    director_client = password_login(director)
    director_client.post(VERIFY, {"code": code_for(device)})
    assert director_client.get(DASHBOARD).status_code == 200

    admin_client = client_for(administrator)
    person_page = admin_client.get(reverse("accounts:person_edit", args=[director.pk])).content.decode()
    assert reverse("accounts:two_factor_reset", args=[director.pk]) in person_page
    response = admin_client.post(reverse("accounts:two_factor_reset", args=[director.pk]))
    assert redirect_path(response) == reverse("accounts:person_edit", args=[director.pk])
    assert not TOTPDevice.objects.filter(user=director).exists()
    assert not StaticDevice.objects.filter(user=director).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == administrator and event.object_id == str(director.pk)

    # Their session, verified before, must set up a new app at once; so must a new login.
    assert redirect_path(director_client.get(DASHBOARD)) == ENROL
    assert redirect_path(password_login(director).get(DASHBOARD)) == ENROL


@pytest.mark.parametrize("who", ["director", "finance", "staff", "principal"])
def test_only_administrators_may_reset_two_factor(request, client_for, administrator, who):
    enrolled(administrator)
    client = client_for(request.getfixturevalue(who))
    assert client.post(reverse("accounts:two_factor_reset", args=[administrator.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=administrator).exists()


def test_an_administrator_cannot_reset_their_own_two_factor(client_for, administrator):
    client = client_for(administrator)
    page = client.get(reverse("accounts:person_edit", args=[administrator.pk])).content.decode()
    assert reverse("accounts:two_factor_reset", args=[administrator.pk]) not in page
    response = client.post(reverse("accounts:two_factor_reset", args=[administrator.pk]), follow=True)
    assert "Du kan inte återställa din egen tvåstegsverifiering" in response.content.decode()
    assert TOTPDevice.objects.filter(user=administrator).exists()
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_the_person_page_says_when_two_factor_is_not_set_up(client_for, administrator, director):
    director.refresh_from_db()
    page = client_for(administrator).get(reverse("accounts:person_edit", args=[director.pk])).content.decode()
    assert "Inte aktiverad än" in page
    assert reverse("accounts:two_factor_reset", args=[director.pk]) not in page


# --- The session ----------------------------------------------------------------------------------------------

def test_logging_out_ends_the_verification(administrator):
    device = enrolled(administrator)
    client = password_login(administrator)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(DASHBOARD).status_code == 200
    client.post(reverse("accounts:logout"))
    assert not is_verified(client)
    password_login(administrator, client)
    assert redirect_path(client.get(DASHBOARD)) == VERIFY


def test_the_session_key_changes_when_the_code_is_accepted(administrator):
    device = enrolled(administrator)
    client = password_login(administrator)
    before = client.session.session_key
    client.post(VERIFY, {"code": code_for(device)})
    assert client.session.session_key != before


def test_an_inactive_central_person_gets_no_two_factor_pages(administrator):
    client = password_login(administrator)
    User.objects.filter(pk=administrator.pk).update(is_active=False)
    # Django logs out a person who is no longer active; nothing of theirs is reachable.
    assert urlsplit(client.get(ENROL)["Location"]).path == reverse("accounts:login")


def test_the_django_admin_never_shows_anyones_authenticator_key(db, client):
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=UserFactory(), name="Telefon", confirmed=True)
    client.force_login(superuser)  # tests/conftest.py: force_login passes the second step
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        assert client.get(reverse(name, args=[device.pk])).status_code == 403, name
    # A stale address answers the same, not with a server error.
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk + 1000])).status_code == 403
