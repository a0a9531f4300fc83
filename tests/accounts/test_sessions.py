"""Sessions: recorded at login (password, second factor, federation), kept in step, ended by an
administrator (one, or all, also those never recorded), pruned when they no longer work."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.messages import get_messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from inspira.accounts import sessions, tasks
from inspira.accounts.models import SignIn
from inspira.core.models import AuditEvent
from tests.accounts.test_two_factor import code_for, enrolled, password_login
from tests.factories import PASSWORD, SignInFactory, UserFactory

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
IDP = "https://idp.stockholm.example/saml2/idp/metadata.php"
PROFILE = reverse("accounts:profile")
LOGIN = reverse("accounts:login")


def browser(user_agent=FIREFOX_WINDOWS) -> Client:
    return Client(HTTP_USER_AGENT=user_agent)


def logged_in(user, user_agent=FIREFOX_WINDOWS) -> Client:
    """A browser where ``user`` logged in with their password (the first step only for central roles)."""
    return password_login(user, browser(user_agent))


def key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_logged_out(client) -> bool:
    response = client.get(PROFILE)
    return response.status_code == 302 and response.url.startswith(LOGIN)


def sessions_url(person):
    return reverse("accounts:person_sessions", args=[person.pk])


def end_url(sign_in):
    return reverse("accounts:session_end", args=[sign_in.user_id, sign_in.pk])


def end_all_url(person):
    return reverse("accounts:sessions_end_all", args=[person.pk])


# --- Recording -------------------------------------------------------------------------------------------------

def test_a_password_login_is_recorded_with_the_new_session_key(staff):
    client = browser()
    client.get(LOGIN)  # an anonymous session first: login() gives it a new key
    client.session.save()
    before = key_of(client)
    password_login(staff, client)
    sign_in = SignIn.objects.get(user=staff)
    assert sign_in.session_key == key_of(client) != before
    assert (sign_in.method, sign_in.second_factor, sign_in.idp_entity_id) == (SignIn.Method.PASSWORD, False, "")
    assert (sign_in.browser, sign_in.operating_system) == ("Firefox 128", "Windows")
    assert sign_in.started_at is not None and sign_in.last_seen_at >= sign_in.started_at


def test_the_second_step_updates_the_record(administrator):
    device = enrolled(administrator)
    client = logged_in(administrator)
    assert SignIn.objects.get(user=administrator).second_factor is False
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 302
    sign_in = SignIn.objects.get(user=administrator)  # still one row, following the new key
    assert sign_in.second_factor is True
    assert sign_in.session_key == key_of(client)
    assert sign_in.method == SignIn.Method.PASSWORD


def _request_with_session(user_agent=SAFARI_IPHONE):
    request = RequestFactory().get("/", HTTP_USER_AGENT=user_agent)
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def test_a_federation_login_is_recorded_with_its_identity_provider(staff):
    # What inspira.federation does: the identity provider in the session, then login() with its backend.
    request = _request_with_session()
    request.session[sessions.FEDERATION_IDP_SESSION_KEY] = IDP
    login(request, staff, backend="inspira.federation.backends.FederationBackend")
    sign_in = SignIn.objects.get(user=staff)
    assert (sign_in.method, sign_in.idp_entity_id) == (SignIn.Method.FEDERATION, IDP)
    assert sign_in.session_key == request.session.session_key
    assert (sign_in.browser, sign_in.operating_system) == ("Safari 17", "iOS")


def test_a_password_login_in_a_session_that_came_through_the_federation_is_a_password_login(staff):
    request = _request_with_session()
    request.session[sessions.FEDERATION_IDP_SESSION_KEY] = IDP
    login(request, staff, backend="django.contrib.auth.backends.ModelBackend")
    assert SignIn.objects.get(user=staff).method == SignIn.Method.PASSWORD


def test_logging_out_removes_the_record(staff):
    client = logged_in(staff)
    other = logged_in(staff)
    client.post(reverse("accounts:logout"))
    assert list(SignIn.objects.values_list("session_key", flat=True)) == [key_of(other)]


@pytest.mark.parametrize("user_agent, expected", [
    (FIREFOX_WINDOWS, ("Firefox 128", "Windows")),
    (SAFARI_IPHONE, ("Safari 17", "iOS")),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36 Edg/126.0.2592.87", ("Edge 126", "Windows")),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 "
     "Mobile Safari/537.36", ("Chrome 126", "Android")),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", ("Safari 17", "macOS")),
    ("", ("", "")),
    ("curl/8.5.0", ("", "")),
])
def test_the_browser_is_summarised(user_agent, expected):
    assert sessions.summarise_user_agent(user_agent) == expected


# --- Kept in step ---------------------------------------------------------------------------------------------

def test_last_seen_is_written_at_most_every_few_minutes(staff, django_assert_num_queries):
    client = logged_in(staff)
    sign_in = SignIn.objects.get(user=staff)
    client.get(PROFILE)
    assert SignIn.objects.get(pk=sign_in.pk).last_seen_at == sign_in.last_seen_at
    # As if the last write were longer ago than TOUCH_EVERY.
    session = client.session
    session[sessions.SESSION_MARK]["seen"] -= int(sessions.TOUCH_EVERY.total_seconds()) + 1
    session.save()
    client.get(PROFILE)
    assert SignIn.objects.get(pk=sign_in.pk).last_seen_at > sign_in.last_seen_at


def test_keeping_in_step_costs_no_query_between_writes(rf, staff, django_assert_num_queries):
    client = logged_in(staff)
    request = rf.get("/")
    request.session = client.session
    request.session.load()
    request.session._session_cache = request.session.load()  # loaded, as the middleware finds it
    request.user = staff
    with django_assert_num_queries(0):
        sessions.sign_in_sync(request)
    with django_assert_num_queries(1):
        sessions.sign_in_sync(request, now=timezone.now() + sessions.TOUCH_EVERY)


def test_a_session_from_before_recording_is_recorded_at_its_next_request(staff):
    client = logged_in(staff)
    SignIn.objects.all().delete()
    session = client.session
    del session[sessions.SESSION_MARK]
    session.save()
    client.get(PROFILE)
    sign_in = SignIn.objects.get(user=staff)
    assert sign_in.session_key == key_of(client)
    assert sign_in.started_at is None and sign_in.browser == "Firefox 128"


def test_a_password_change_keeps_this_session_recorded_and_drops_the_others(staff):
    client = logged_in(staff)
    other = logged_in(staff)
    new = "a-new-long-passphrase-2026"
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert list(SignIn.objects.values_list("session_key", flat=True)) == [key_of(client)]
    assert not is_logged_out(client) and is_logged_out(other)


def test_generation_zero_keeps_djangos_hash_so_existing_sessions_survive_the_deployment(staff):
    assert staff.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(staff)
    staff.session_generation = 1
    assert staff.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(staff)


# --- The people page ------------------------------------------------------------------------------------------

def test_people_page_shows_how_each_person_signs_in(client_for, administrator, staff, principal, en):
    enrolled(principal)
    SignInFactory(user=staff, method=SignIn.Method.FEDERATION, idp_entity_id=IDP)
    no_password = UserFactory(name="Utan Lösenord")
    no_password.set_unusable_password()
    no_password.save()
    response = client_for(administrator).get(reverse("accounts:people"))
    rows = {person.pk: person.sign_in_methods for person in response.context["page_obj"]}
    assert rows[staff.pk].identity_providers == [IDP] and rows[staff.pk].password
    assert rows[principal.pk].second_factor and not rows[principal.pk].federation
    assert not rows[no_password.pk].password
    content = response.content.decode()
    assert '<th scope="col">Signs in with</th>' in content
    assert f"School federation: {IDP}" in content
    assert "Password and second factor" in content and "No password" in content


def test_people_page_query_count_does_not_grow_with_sessions(client_for, administrator, django_assert_num_queries):
    people = UserFactory.create_batch(30)
    for i, person in enumerate(people):
        SignInFactory.create_batch(2, user=person, method=SignIn.Method.FEDERATION, idp_entity_id=f"{IDP}/{i % 3}")
        if i % 2:
            enrolled(person)
    client = client_for(administrator)
    # session, person, two-factor device, count, page, memberships with their schools, how they sign in
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:people"))
    assert sum(p.sign_in_methods.federation for p in response.context["page_obj"]) == 24  # all but the administrator


# --- An administrator's page of a person's sessions -------------------------------------------------------------

def test_the_sessions_page_lists_them_without_the_key(client_for, administrator, staff, en):
    client = logged_in(staff)
    SignIn.objects.filter(user=staff).update(method=SignIn.Method.FEDERATION, idp_entity_id=IDP)
    admin = client_for(administrator)
    response = admin.get(sessions_url(staff))
    content = response.content.decode()
    assert response.status_code == 200
    assert key_of(client) not in content
    assert "Firefox 128, Windows" in content and f"School federation ({IDP})" in content
    sign_in = SignIn.objects.get(user=staff)
    assert f'action="{end_url(sign_in)}"' in content
    assert "End session<span class=\"visually-hidden\"> – started" in content
    assert '<th scope="col">Last seen</th>' in content


def test_the_sessions_page_has_an_empty_state(client_for, administrator, staff, en):
    response = client_for(administrator).get(sessions_url(staff))
    assert 'class="empty-state"' in response.content.decode()


def test_the_person_page_links_to_the_sessions(client_for, administrator, staff):
    response = client_for(administrator).get(reverse("accounts:person_edit", args=[staff.pk]))
    assert f'href="{sessions_url(staff)}"' in response.content.decode()


def test_an_administrator_ends_one_session_and_the_person_is_logged_out_there(client_for, administrator, staff, en):
    laptop, phone = logged_in(staff), logged_in(staff, SAFARI_IPHONE)
    sign_in = SignIn.objects.get(session_key=key_of(laptop))
    admin = client_for(administrator)
    response = admin.post(end_url(sign_in))
    assert response.status_code == 302 and response.url == sessions_url(staff)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The session is ended: {staff.name} is logged out of it."]
    assert is_logged_out(laptop)
    assert not is_logged_out(phone)
    assert not SignIn.objects.filter(pk=sign_in.pk).exists()
    assert not Session.objects.filter(session_key=sign_in.session_key).exists()
    event = AuditEvent.objects.get(action="session.ended")
    assert (event.actor, event.object_id) == (administrator, str(staff.pk))
    assert event.data["browser"] == "Firefox 128"
    assert sign_in.session_key not in str(event.data) + event.summary


def test_ending_all_sessions_also_ends_those_never_recorded(client_for, administrator, staff):
    laptop, phone = logged_in(staff), logged_in(staff, SAFARI_IPHONE)
    old = logged_in(staff)
    # A session from before sessions were recorded: no row, and no mark that would record it.
    SignIn.objects.filter(session_key=key_of(old)).delete()
    session = old.session
    del session[sessions.SESSION_MARK]
    session.save()
    response = client_for(administrator).post(end_all_url(staff))
    assert response.status_code == 302
    assert is_logged_out(laptop) and is_logged_out(phone) and is_logged_out(old)
    assert not SignIn.objects.filter(user=staff).exists()
    event = AuditEvent.objects.get(action="session.ended_all")
    assert (event.actor, event.object_id, event.data["recorded_sessions_ended"]) == (administrator, str(staff.pk), 2)
    # The person logs in again as usual.
    assert not is_logged_out(logged_in(staff))


def test_an_administrator_ending_all_own_sessions_stays_logged_in_here(client_for, administrator, en):
    here = client_for(administrator)
    elsewhere = Client()
    elsewhere.force_login(administrator)
    response = here.post(end_all_url(administrator))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your other sessions are ended. You are still logged in here."]
    assert is_logged_out(elsewhere)
    assert here.get(sessions_url(administrator)).status_code == 200
    assert list(SignIn.objects.values_list("session_key", flat=True)) == [key_of(here)]
    assert AuditEvent.objects.get(action="session.ended_all").data == {"recorded_sessions_ended": 1, "kept_own": True}


def test_an_administrator_cannot_end_the_session_in_use_but_is_told_how(client_for, administrator, en):
    client = client_for(administrator)
    current = SignIn.objects.get(session_key=key_of(client))
    page = client.get(sessions_url(administrator)).content.decode()
    assert f'action="{end_url(current)}"' not in page and "This session (yours now)" in page
    response = client.post(end_url(current))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This is the session you are using now. To end it, log out."]
    assert SignIn.objects.filter(pk=current.pk).exists()
    assert client.get(sessions_url(administrator)).status_code == 200
    assert not AuditEvent.objects.filter(action="session.ended").exists()


def test_a_session_of_another_person_is_not_ended_through_this_person(client_for, administrator, staff, principal,
                                                                          en):
    client = logged_in(staff)
    sign_in = SignIn.objects.get(user=staff)
    response = client_for(administrator).post(reverse("accounts:session_end", args=[principal.pk, sign_in.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["That session had already ended."]
    assert not is_logged_out(client)


# --- Who may --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["staff", "principal", "director", "finance"])
def test_only_administrators_see_and_end_sessions(request, who, administrator):
    person = request.getfixturevalue(who)
    victim_client = logged_in(administrator)
    victim = SignIn.objects.get(session_key=key_of(victim_client))
    client = Client()
    client.force_login(person)
    assert client.get(sessions_url(administrator)).status_code == 403
    assert client.post(end_url(victim)).status_code == 403
    assert client.post(end_all_url(administrator)).status_code == 403
    # Not even their own sessions through the administrators' pages.
    own = SignIn.objects.get(session_key=key_of(client))
    assert client.post(end_url(own)).status_code == 403
    assert SignIn.objects.filter(pk__in=[victim.pk, own.pk]).count() == 2
    assert not AuditEvent.objects.filter(action__startswith="session.").exists()
    administrator.refresh_from_db()
    assert administrator.session_generation == 0


def test_ending_needs_post(client_for, administrator, staff):
    sign_in = SignInFactory(user=staff)
    client = client_for(administrator)
    assert client.get(end_url(sign_in)).status_code == 405
    assert client.get(end_all_url(staff)).status_code == 405
    assert SignIn.objects.filter(pk=sign_in.pk).exists()


def test_ending_needs_the_csrf_token(administrator, staff):
    sign_in = SignInFactory(user=staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    assert client.post(end_url(sign_in)).status_code == 403
    assert client.post(end_all_url(staff)).status_code == 403
    assert SignIn.objects.filter(pk=sign_in.pk).exists()


def test_anonymous_is_sent_to_login(client, staff):
    response = client.get(sessions_url(staff))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_the_services_refuse_someone_else_who_is_no_administrator(staff, principal):
    sign_in = SignInFactory(user=principal)
    with pytest.raises(sessions.PermissionDenied):
        sessions.sign_in_end(sign_in=sign_in, actor=staff)
    with pytest.raises(sessions.PermissionDenied):
        sessions.sessions_end_all(person=principal, actor=staff)


# --- Pruning --------------------------------------------------------------------------------------------------

def test_the_daily_prune_removes_what_no_longer_works(staff, principal):
    live = logged_in(staff)
    expired = logged_in(staff)
    Session.objects.filter(session_key=key_of(expired)).update(expire_date=timezone.now() - timedelta(minutes=1))
    changed = logged_in(principal)
    principal.set_password("another-long-passphrase")
    principal.save()
    orphan = SignInFactory(user=staff)  # its session is gone
    assert tasks.prune_sessions() == {"removed": 3, "kept": 1}
    assert list(SignIn.objects.values_list("session_key", flat=True)) == [key_of(live)]
    assert not Session.objects.filter(session_key__in=[key_of(expired), key_of(changed)]).exists()
    assert not SignIn.objects.filter(pk=orphan.pk).exists()
    assert not is_logged_out(live)
    assert tasks.prune_sessions() == {"removed": 0, "kept": 1}  # runs twice safely


def test_the_prune_runs_daily(db):
    schedule = Schedule.objects.get(name="accounts-sessions-prune")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "inspira.accounts.tasks.prune_sessions", Schedule.DAILY, -1)


# --- Personal data ----------------------------------------------------------------------------------------------

def test_the_persons_download_lists_their_sessions_without_the_key(staff):
    from inspira.privacy.services import export_build
    from tests.privacy.test_export import unzip

    client = logged_in(staff)
    _name, content = export_build(user=staff)
    data, html = unzip(content)
    [row] = data["categories"]["sessions"]
    assert (row["browser"], row["operating_system"], row["signed_in_with"]) == ("Firefox 128", "Windows", "Lösenord")
    assert key_of(client) not in content.decode("latin-1") + html
    assert key_of(client) not in str(data)


def test_erasure_ends_the_persons_sessions_and_removes_their_records(staff, administrator):
    from inspira.privacy.services import person_erase

    client = logged_in(staff)
    result = person_erase(person=staff, actor=administrator)
    assert not SignIn.objects.filter(user=staff).exists()
    assert is_logged_out(client)
    assert result.counts["sessions_ended"] == 1
