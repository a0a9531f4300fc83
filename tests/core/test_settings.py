"""The embedded and the production paths are both real: these run manage.py in a subprocess
with the environment a newcomer or an operator would set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from inspira.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra=None, env_drop=()):
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(env_extra or {})
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_secret_key_is_required_without_debug():
    result = _manage("check", env_extra={"DEBUG": "0"}, env_drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PROBE = (
    "from django.conf import settings; from django_q.brokers import get_broker; b = get_broker(); "
    "print(type(b).__name__, b.ping(), settings.EMAIL_BACKEND.rsplit('.', 2)[-2])"
)


def test_without_redis_url_jobs_use_the_orm_broker_and_mail_goes_to_files():
    result = _manage("shell", "-v", "0", "-c", PROBE, env_drop=("REDIS_URL", "EMAIL_HOST", "DATABASE_URL"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ORM", "True", "filebased"]


def test_with_redis_url_jobs_use_redis_and_smtp_when_configured():
    env = {"EMAIL_HOST": "smtp.example.invalid", "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")}
    result = _manage("shell", "-v", "0", "-c", PROBE, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Redis", "True", "smtp"]


def test_django_q_configuration_passes_its_own_checks(settings):
    q = settings.Q_CLUSTER
    assert q["timeout"] < q["retry"]
    assert 0 < q["max_attempts"] < 10
    assert settings.OUTBOX_STALE_AFTER > q["timeout"]


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "inspira.example.se",
    "SITE_URL": "https://inspira.example.se",
    "DATABASE_URL": "postgres://inspira:secret@db.example.invalid:5432/inspira",
    "REDIS_URL": "redis://redis.example.invalid:6379/0",
    "EMAIL_HOST": "smtp.example.invalid",
}
# What each variable, when missing, would quietly fall back to, and the check that refuses it.
PRODUCTION_CHECKS = {
    "DATABASE_URL": "inspira.E010",
    "SITE_URL": "inspira.E011",
    "EMAIL_HOST": "inspira.E012",
    "REDIS_URL": "inspira.E013",
}


def _deploy_check(env_extra, env_drop=()):
    # Nothing in os.environ (a developer's DEBUG=1, a test DATABASE_URL) may complete the environment.
    drop = ("DJANGO_ALLOW_ASYNC_UNSAFE", "WEB_CONCURRENCY", *PRODUCTION, *env_drop)
    env = {k: v for k, v in env_extra.items() if k not in env_drop}
    return _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env, env_drop=drop)


def test_production_settings_pass_the_deploy_check():
    result = _deploy_check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", sorted(PRODUCTION_CHECKS))
def test_a_missing_production_variable_is_an_error_of_the_deploy_check(name):
    result = _deploy_check(PRODUCTION, env_drop=(name,))
    assert result.returncode != 0
    errors = result.stdout + result.stderr
    assert f"({PRODUCTION_CHECKS[name]}) {name} is not set" in errors, errors
    others = set(PRODUCTION_CHECKS.values()) - {PRODUCTION_CHECKS[name]}
    assert not any(other in errors for other in others), errors


def test_one_web_process_may_do_without_redis_but_several_may_not():
    assert _deploy_check({**PRODUCTION, "WEB_CONCURRENCY": "1"}, env_drop=("REDIS_URL",)).returncode == 0
    several = _deploy_check({**PRODUCTION, "WEB_CONCURRENCY": "3"}, env_drop=("REDIS_URL",))
    assert several.returncode != 0
    assert "inspira.E013" in several.stdout + several.stderr


def test_the_development_defaults_stay_allowed_with_debug_on():
    result = _manage("check", "--deploy", env_extra={"DEBUG": "1"},
                     env_drop=("DJANGO_ALLOW_ASYNC_UNSAFE", *PRODUCTION_CHECKS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(check_id in result.stdout + result.stderr for check_id in PRODUCTION_CHECKS.values())


@pytest.mark.parametrize("value", ["ture", "of", "2", "enabled"])
def test_a_yes_or_no_setting_refuses_a_value_it_does_not_understand(monkeypatch, value):
    monkeypatch.setenv("SECURE_COOKIES", value)
    with pytest.raises(ImproperlyConfigured, match="SECURE_COOKIES"):
        env_bool("SECURE_COOKIES", True)


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("Yes", True), (" on ", True), ("TRUE", True),
                                                 ("0", False), ("no", False), ("Off", False), ("false", False),
                                                 ("", True)])
def test_a_yes_or_no_setting_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("SECURE_COOKIES", value)
    assert env_bool("SECURE_COOKIES", True) is expected


def test_a_number_setting_names_itself_when_it_is_not_a_number(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT"):
        env_int("AXES_FAILURE_LIMIT", 5)


def test_a_misspelt_debug_stops_the_start_with_its_name():
    result = _manage("check", env_extra={"DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG='ture' is not understood" in result.stderr


CACHE_PROBE = (
    "from django.core.cache import caches; cache = caches['default']; cache.set('probe', 42, 10); "
    "print(type(cache).__name__, cache.get('probe'))"
)


def test_with_redis_url_every_process_shares_one_cache_in_redis():
    # Several web machines must drop a public page's copies together (inspira/core/pagecache.py).
    env = {"REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")}
    result = _manage("shell", "-v", "0", "-c", CACHE_PROBE, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "42"]


def test_without_redis_url_each_process_caches_in_memory():
    result = _manage("shell", "-v", "0", "-c", CACHE_PROBE, env_drop=("REDIS_URL",))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["LocMemCache", "42"]
