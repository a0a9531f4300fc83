"""The embedded and the production paths are both real: these run manage.py in a subprocess
with the environment a newcomer or an operator would set."""

import os
import subprocess
import sys
from pathlib import Path

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


def test_production_settings_pass_the_deploy_check():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "inspira.example.se",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env,
                     env_drop=("DJANGO_ALLOW_ASYNC_UNSAFE",))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
