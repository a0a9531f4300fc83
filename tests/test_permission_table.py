"""Every URL pattern, as every role, with GET and POST: the answer must be the one the table in
tests/permission_table.py gives. A pattern without a row fails, so a new view cannot go unchecked."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory
from tests.permission_fixtures import ADMINISTRATOR, ANONYMOUS, DIRECTOR, FINANCE, ROLES, STAFF, build_world
from tests.permission_table import (
    DJANGO_ADMIN_RULE,
    EXCLUDED_NAMES,
    EXCLUDED_NAMESPACES,
    EXCLUDED_UNNAMED_VIEWS,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    TABLE,
)

METHODS = ("GET", "POST")
OUTCOMES = {OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED}


def _view_path(callback) -> str:
    view = getattr(callback, "view_class", callback)
    return f"{view.__module__}.{view.__qualname__}"


def walk_patterns():
    """Every URL pattern of the project as (full name or None, namespaces, view path, route)."""

    def walk(patterns, namespaces, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespaces + [pattern.namespace] if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, inner, route)
            else:
                name = ":".join([*namespaces, pattern.name]) if pattern.name else None
                yield name, tuple(namespaces), _view_path(pattern.callback), route

    yield from walk(get_resolver().url_patterns, [], "")


def checked_patterns():
    """The patterns the table must cover: (names, problems) where problems are unnamed patterns."""
    names, problems = [], []
    for name, namespaces, view, route in walk_patterns():
        if EXCLUDED_NAMESPACES.keys() & set(namespaces):
            continue
        if name is None:
            if view not in EXCLUDED_UNNAMED_VIEWS:
                problems.append(f"/{route} ({view}) has no name, so the permission table cannot name it")
            continue
        if name in EXCLUDED_NAMES:
            continue
        names.append(name)
    return names, problems


def outcome(response, path: str) -> str:
    """What the table calls the response; see the outcomes in tests/permission_table.py."""
    status = response.status_code
    if 300 <= status < 400:
        location = urlsplit(response["Location"])
        if location.path == resolve_url(settings.LOGIN_URL) and parse_qs(location.query).get("next") == [path]:
            return LOGIN
        return OK
    if 200 <= status < 300:
        return OK
    return str(status)


def answer(user, method: str, url: str, data: dict) -> str:
    """Ask ``url`` as ``user`` (None: anonymous) in a savepoint that is rolled back afterwards."""
    try:
        with transaction.atomic():
            client = Client()
            if user is not None:
                client.force_login(user)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data)
            transaction.set_rollback(True)
    except Exception as exc:  # the test client re-raises what a view raised: that is a 500
        return f"500 ({type(exc).__name__}: {exc})"
    return outcome(response, url)


@pytest.fixture
def world(db):
    return build_world()


# Access is decided in the views, whatever the database engine: bin/test walks the table once, on PostgreSQL.
@pytest.mark.permissions
@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_role_gets_the_answer_the_table_gives(name, world):
    row = TABLE[name]
    url = reverse(name, kwargs=row.kwargs(world) or None)
    post_data = row.data(world)
    mismatches, server_errors = [], []
    for method in METHODS:
        expected = getattr(row, method)
        for role in ROLES:
            got = answer(world.users[role], method, url, post_data if method == "POST" else {})
            if got.startswith("5"):
                server_errors.append(f"{method} as {role}: {got}")
            elif got != expected[role]:
                mismatches.append(f"{method} as {role}: table says {expected[role]}, got {got}")
    assert not server_errors, f"{name} ({url}) answered with a server error:\n  " + "\n  ".join(server_errors)
    assert not mismatches, f"{name} ({url}):\n  " + "\n  ".join(mismatches)


def test_every_url_pattern_has_a_row_in_the_table():
    names, unnamed = checked_patterns()
    missing = sorted(set(names) - set(TABLE))
    assert not unnamed, "\n".join(unnamed)
    assert not missing, f"Add a row to tests/permission_table.py for: {', '.join(missing)}"


def test_url_names_are_unique_so_each_pattern_is_reached():
    names, _unnamed = checked_patterns()
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_the_table_names_only_urls_that_exist():
    names, _unnamed = checked_patterns()
    gone = sorted(set(TABLE) - set(names))
    assert not gone, f"Remove the rows of URLs that no longer exist: {', '.join(gone)}"


def test_the_exclusions_still_name_something():
    patterns = list(walk_patterns())
    namespaces = {ns for _name, nss, _view, _route in patterns for ns in nss}
    names = {name.rsplit(":", 1)[-1] for name, *_rest in patterns if name}
    assert set(EXCLUDED_NAMESPACES) <= namespaces
    assert set(EXCLUDED_NAMES) <= names


def test_the_table_gives_every_role_a_known_answer_for_both_methods():
    for name, row in TABLE.items():
        for method in METHODS:
            answers = getattr(row, method)
            assert set(answers) == set(ROLES), (name, method)
            assert set(answers.values()) <= OUTCOMES, (name, method, answers)


# --- The Django admin: one rule for every pattern (DJANGO_ADMIN_RULE) ------------------------------------------

# Arguments that make each admin pattern resolve; the objects need not exist, as the second step is
# asked for before the view runs.
_ADMIN_ARGUMENTS = {"app_label": "accounts", "object_id": "1", "content_type_id": "1"}


def django_admin_urls() -> list[str]:
    urls = []
    for name, namespaces, _view, route in walk_patterns():
        if "admin" not in namespaces or name is None:
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
        kwargs = {a or b: _ADMIN_ARGUMENTS.get(a or b, "1") for a, b in params}
        try:
            urls.append(reverse(name, kwargs=kwargs or None))
        except NoReverseMatch:
            urls.append(reverse(name, args=list(kwargs.values())))
    return sorted(set(urls))


def _password_only(person) -> Client:
    """Logged in through the login form: the password step done, the second step not."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.permissions
def test_the_django_admin_answers_by_one_rule(world):
    urls = django_admin_urls()
    assert reverse("admin:index") in urls and reverse("admin:accounts_user_changelist") in urls
    enrol, verify = reverse("accounts:two_factor_enrol"), reverse("accounts:two_factor_verify")
    staff_user = UserFactory(email="tekniker@example.se", is_staff=True)
    superuser = UserFactory(email="superanvandare@example.se", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    unverified = {enrol: _password_only(staff_user), verify: _password_only(superuser)}
    verified = Client()
    verified.force_login(superuser)  # tests/conftest.py: force_login passes the second step
    others = {}
    for role in (ANONYMOUS, STAFF, ADMINISTRATOR, DIRECTOR, FINANCE):
        others[role] = Client()
        if world.users[role] is not None:
            others[role].force_login(world.users[role])
    admin_login = reverse("admin:login")
    wrong = []
    for url in urls:
        for step, client in unverified.items():
            for method in METHODS:
                response = client.get(url) if method == "GET" else client.post(url, {})
                if response.status_code != 302 or urlsplit(response["Location"]).path != step:
                    wrong.append(f"{method} {url} without the second step: {response.status_code}, not sent to {step}")
        response = verified.get(url)
        if response.status_code >= 500 or (response.status_code == 302
                                           and urlsplit(response["Location"]).path in (enrol, verify)):
            wrong.append(f"GET {url} after the second step: {response.status_code}")
        for role, client in others.items():
            response = client.get(url)
            if 200 <= response.status_code < 300 and url != admin_login:
                wrong.append(f"GET {url} as {role}: {response.status_code}, a page of the Django admin")
    assert not wrong, f"{DJANGO_ADMIN_RULE}\n  " + "\n  ".join(wrong)
