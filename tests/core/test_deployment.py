"""What production leans on besides the code: error pages, deployment checks, the files in deploy/
and their documentation. The production server itself runs in tests/fault/test_production_server.py."""

import importlib.util
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import get_resolver
from django.views.defaults import permission_denied

from inspira.accounts.models import User
from inspira.accounts.services import verification_token
from inspira.catalogue.media import VIDEO_MAX_BYTES
from inspira.certification.models import Endorsement
from inspira.certification.services import endorsement_token
from inspira.core.checks import private_media_outside_media_root
from inspira.core.errors import server_error
from inspira.visits.models import Booking
from inspira.visits.services import feedback_token

ROOT = Path(__file__).resolve().parents[2]


def test_the_500_page_is_swedish_and_needs_no_database():
    # No db fixture: pytest-django fails the test if the page touches the database.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Något gick fel</h1>" in page
    assert 'href="/"' in page and "mailto:" in page
    assert get_resolver().resolve_error_handler(500) is server_error


def test_unknown_addresses_get_the_swedish_404_page(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in response.content.decode()


def test_a_refusal_gets_the_swedish_403_page(db):
    request = RequestFactory().get("/ekonomi/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Ingen behörighet</h1>" in page and "/konto/logga-in/?next=/ekonomi/" in page


def test_private_files_inside_the_public_upload_folder_are_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "media" / "private")
    assert [error.id for error in private_media_outside_media_root(None)] == ["inspira.E001"]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "media")
    assert [error.id for error in private_media_outside_media_root(None)] == ["inspira.E001"]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    assert private_media_outside_media_root(None) == []
    settings.PRIVATE_MEDIA_ROOT = None
    assert private_media_outside_media_root(None) == []


def _environment_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


def test_the_example_environment_passes_the_deploy_check():
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
           **_environment_file(ROOT / "deploy" / "inspira.env.example"),
           "SECRET_KEY": secrets.token_urlsafe(50)}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = (
    "import django; django.setup(); from django.test import RequestFactory; "
    "from axes.helpers import get_client_ip_address as ip; rf = RequestFactory(); "
    "print(*[ip(rf.get('/', HTTP_X_FORWARDED_FOR=xff, REMOTE_ADDR='10.0.0.10')) for xff in "
    "('203.0.113.7', '198.51.100.66, 203.0.113.7', '203.0.113.7, 10.0.0.9', '198.51.100.66, 203.0.113.7, 10.0.0.9')])"
)


@pytest.mark.parametrize(("proxies", "expected"), [
    # nginx appends the address it was reached from; what a client wrote in front never counts.
    (1, ["203.0.113.7", "203.0.113.7", "10.0.0.9", "10.0.0.9"]),
    # A load balancer, then nginx: the load balancer's entry is the client.
    (2, ["None", "198.51.100.66", "203.0.113.7", "203.0.113.7"]),
])
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_wrote(proxies, expected):
    env = {**os.environ, "TRUSTED_PROXY_COUNT": str(proxies), "DJANGO_SETTINGS_MODULE": "inspira.settings"}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


def test_every_setting_read_from_the_environment_is_documented():
    settings_py = (ROOT / "inspira" / "settings.py").read_text()
    names = set(re.findall(r'\benv(?:_bool|_int|_list)?\("([A-Z0-9_]+)"', settings_py))
    readme = (ROOT / "README.md").read_text()
    assert sorted(name for name in names if f"`{name}`" not in readme) == []
    gunicorn = set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', (ROOT / "gunicorn.conf.py").read_text()))
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert gunicorn and sorted(name for name in gunicorn if f"`{name}`" not in readme + deploy) == []


def test_the_upload_limit_of_nginx_fits_the_largest_film():
    limit = re.search(r"client_max_body_size (\d+)m;", (ROOT / "deploy" / "nginx-inspira.conf").read_text())
    assert int(limit.group(1)) * 1024 * 1024 > VIDEO_MAX_BYTES


def test_the_access_log_hides_every_kind_of_emailed_secret_and_nothing_else():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    person = User(pk=4711, email="rut@example.se", password="argon2$x")
    for path in (f"/konto/losenord/nytt/NDcxMQ/{default_token_generator.make_token(person)}/",
                 f"/konto/verifiera/{verification_token(person)}/",
                 f"/ansokan/tillstyrkan/{endorsement_token(Endorsement(pk=12, round=2))}/",
                 f"/besok/aterkoppling/{feedback_token(Booking(pk=345))}/"):
        secret = path.rstrip("/").rsplit("/", 1)[1]
        logged = conf._SECRET_SEGMENT.sub("[secret]", f"GET {path} HTTP/1.1")
        assert secret not in logged and logged.endswith("/[secret]/ HTTP/1.1"), logged
    for line in ("GET /inspirationsplatser/12/dokumentation/bilder/ HTTP/1.1",
                 "GET /static/vendor/bootstrap/bootstrap.bundle.min.05f96d70ccae.js HTTP/1.1",
                 "GET /media/catalogue/films/0123456789abcdef0123456789abcdef.mp4 HTTP/1.1"):
        assert conf._SECRET_SEGMENT.sub("[secret]", line) == line


def test_gunicorn_workers_draw_their_restart_points_far_apart():
    # With a jitter of a tenth, busy workers reached their request limits within a second of each
    # other and all restarted together (the benchmark saw the server stand still for seconds).
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.max_requests > 0 and conf.max_requests_jitter >= conf.max_requests // 2
