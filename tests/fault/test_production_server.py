"""Inspira as it runs in production, in separate processes: DEBUG off, static files collected,
gunicorn with two workers (gunicorn.conf.py), a django-q2 cluster on Redis, PostgreSQL.

The processes get a production environment (docs/deploy.md), not the test settings. Two things
differ, because this machine has neither: no SMTP server (emails go to files, as Inspira does
when EMAIL_HOST is unset) and no TLS in front of gunicorn. HTTPS stays required
(SECURE_SSL_REDIRECT, secure cookies, HSTS); the tests speak to gunicorn as nginx does, with
``X-Forwarded-Proto: https`` and TRUSTED_PROXY_COUNT=1. When nginx is installed, the last tests
put deploy/nginx-inspira.conf itself in front, with a self-signed certificate.
"""

import email
import email.policy
import gzip
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli
import pytest
import redis
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.utils import timezone
from PIL import Image

from inspira.catalogue import media
from inspira.certification.models import ApplicationImage
from inspira.core.models import OutboxItem
from tests.billing.conftest import make_certification
from tests.factories import SchoolFactory, UserFactory
from tests.fault.conftest import database_url, wait_until

pytestmark = pytest.mark.fault
# For the tests that write rows the servers must see: committed, then flushed afterwards. The others
# leave the test database alone.
committed = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
HASHED_STATIC = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(css|js)$")
# WhiteNoise gives files with a hash in their name ten years, and says they never change.
FOREVER_IMMUTABLE = "max-age=315360000, public, immutable"
HTTPS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def cookies(self) -> dict[str, str]:
        return dict(c.split(";", 1)[0].split("=", 1) for c in self.headers.get_all("Set-Cookie") or [])


def fetch(base: str, path: str, *, method: str = "GET", headers: dict | None = None, body: bytes | None = None,
          ) -> Reply:
    """One request, no redirects followed, no cookie jar (the cookies are Secure, the line is not)."""
    url = urlsplit(base)
    if url.scheme == "https":
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=30,
                                           context=ssl._create_unverified_context())  # noqa: S323 (self-signed)
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def post_form(base: str, path: str, data: dict, *, headers: dict, referer_origin: str) -> Reply:
    """GET the form for its CSRF token and cookie, then POST it as a browser would."""
    page = fetch(base, path, headers=headers)
    assert page.status == 200, page.status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    cookie = page.cookies()["csrftoken"]
    return fetch(base, path, method="POST", body=urlencode({**data, "csrfmiddlewaretoken": token}).encode(), headers={
        **headers, "Cookie": f"csrftoken={cookie}", "Referer": f"{referer_origin}{path}",
        "Content-Type": "application/x-www-form-urlencoded",
    })


class Production:
    """gunicorn and a django-q2 cluster with a production environment, in process groups of their own."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.static = root / "static"
        self.media = root / "shared" / "media"
        self.private = root / "shared" / "private"
        self.mail = root / "mail"
        self.access_log = root / "access.log"
        self.redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        for folder in (self.media, self.private, self.mail, root / "var"):
            folder.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen] = []
        self.env = {
            # Nothing of the test run's environment (DEBUG=1, DJANGO_ALLOW_ASYNC_UNSAFE, ...).
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(root),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://127.0.0.1",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis_url,
            "INSPIRA_VAR_DIR": str(root / "var"),
            "STATIC_ROOT": str(self.static),
            "MEDIA_ROOT": str(self.media),
            "PRIVATE_MEDIA_ROOT": str(self.private),
            "EMAIL_FILE_PATH": str(self.mail),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": str(self.access_log),
        }

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = self.root / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and programs)
                args, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        process.log = log
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "".join(f"\n--- {p.log.name} ---\n{p.log.read_text(errors='replace')[-3000:]}" for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            # A moment to stop on SIGTERM (gunicorn does), then SIGKILL: how they stop is not under test.
            for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 10)):
                try:
                    os.killpg(process.pid, sig)
                    process.wait(timeout=wait)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.clear_queue()

    def clear_queue(self) -> None:
        client = redis.from_url(self.redis_url)
        keys = list(client.scan_iter(match=f"django_q:{django_settings.Q_CLUSTER['name']}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        server = Production(tmp_path_factory.mktemp("production"))
    server.clear_queue()
    try:
        cluster = server.start("qcluster", [sys.executable, "manage.py", "qcluster"])
        collect = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=server.env,
            capture_output=True, text=True, timeout=180)
        assert collect.returncode == 0, collect.stdout + collect.stderr
        # Started after collectstatic: WhiteNoise indexes STATIC_ROOT when a worker starts.
        web = server.start("gunicorn", [str(VENV_BIN / "gunicorn"), "inspira.wsgi"])

        def up():
            for process in (web, cluster):
                if process.poll() is not None:
                    pytest.fail(f"{process.log.name} exited with {process.returncode}" + server.logs())
            try:
                return fetch(server.base, "/health/").status == 200
            except OSError:
                return False

        wait_until(up, timeout=60, what="gunicorn to answer")
        yield server
    finally:
        server.stop()


def test_pages_need_https_and_carry_the_security_headers(production):
    plain = fetch(production.base, "/")
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://127.0.0.1:{production.port}/"

    page = fetch(production.base, "/", headers=HTTPS)
    assert page.status == 200
    assert '<html lang="sv">' in page.text
    assert "<h1>Utveckla undervisningen tillsammans</h1>" in page.text  # the home page, in Swedish
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    csrf_cookie = next(c for c in page.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "Secure" in csrf_cookie and "HttpOnly" in csrf_cookie


def test_static_files_have_hashed_names_are_cached_for_good_and_sent_compressed(production):
    page = fetch(production.base, "/", headers=HTTPS).text
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert linked and all(HASHED_STATIC.match(path) for path in linked), linked
    css = next(path for path in linked if "/bootstrap.min." in path and path.endswith(".css"))
    original = (production.static / css.removeprefix("/static/")).read_bytes()

    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress), (None, lambda body: body)):
        reply = fetch(production.base, css, headers={**HTTPS, **({"Accept-Encoding": encoding} if encoding else {})})
        assert reply.status == 200
        assert reply.headers["Cache-Control"] == FOREVER_IMMUTABLE
        assert reply.headers.get("Content-Encoding") == encoding
        assert decode(reply.body) == original
        if encoding:
            assert len(reply.body) < len(original) / 4


def test_health_answers_a_load_balancer_over_plain_http(production):
    reply = fetch(production.base, "/health/")
    assert reply.status == 200
    report = json.loads(reply.body)
    assert report["status"] == "ok"
    assert report["database"] == "ok"
    assert report["broker"] == "redis"
    assert isinstance(report["queue_depth"], int) and report["queue_depth"] >= 0
    assert isinstance(report["outbox_waiting"], int) and isinstance(report["outbox_failed"], int)


def test_an_unknown_address_gets_the_swedish_404_page_not_the_debug_page(production):
    reply = fetch(production.base, "/finns-inte/", headers=HTTPS)
    assert reply.status == 404
    assert "<h1>Sidan finns inte</h1>" in reply.text
    assert 'href="/"' in reply.text  # a way back
    assert "URLconf" not in reply.text and "Traceback" not in reply.text and "DEBUG" not in reply.text


def _sent_to(folder: Path, address: str) -> email.message.EmailMessage | None:
    for path in folder.glob("*.log"):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                if message["To"] == address:
                    return message
    return None


@committed
def test_a_password_reset_email_is_sent_by_the_cluster_on_redis(production):
    UserFactory(email="rut.rektor@example.se", name="Rut Rektor")
    reply = post_form(production.base, "/konto/losenord/", {"email": "rut.rektor@example.se"},
                      headers=HTTPS, referer_origin=f"https://127.0.0.1:{production.port}")
    assert reply.status == 302, reply.text[:2000]
    assert reply.headers["Location"] == "/konto/losenord/skickat/"

    message = wait_until(lambda: _sent_to(production.mail, "rut.rektor@example.se"), timeout=30,
                         what="the cluster to send the email")
    assert OutboxItem.objects.get(key__startswith="password-reset:").state == OutboxItem.State.DONE
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https://127\.0\.0\.1(/konto/losenord/nytt/[^/\s]+/([^/\s]+)/)", text)
    assert link, text

    # The link works, and the access log does not keep its secret.
    assert fetch(production.base, link.group(1), headers=HTTPS).status == 302
    log = wait_until(lambda: "/konto/losenord/nytt/" in (text := production.access_log.read_text()) and text,
                     timeout=5, what="the access log line")
    assert link.group(2) not in log
    assert re.search(r'"GET /konto/losenord/nytt/[^/ ]+/\[secret\]/ HTTP/1.1" 302 \S+ \d+ms', log)


@committed
def test_login_throttling_sees_the_address_the_proxy_wrote_not_one_the_client_sent(production):
    reply = post_form(production.base, "/konto/logga-in/", {"username": "lars@example.se", "password": "fel"},
                      headers={**HTTPS, "X-Forwarded-For": "198.51.100.66, 203.0.113.7"},
                      referer_origin=f"https://127.0.0.1:{production.port}")
    assert reply.status == 200  # the form again, with an error
    assert AccessAttempt.objects.get(username="lars@example.se").ip_address == "203.0.113.7"


@committed
def test_a_catalogue_picture_is_read_from_the_shared_private_folder(production):
    today = timezone.localdate()
    certification = make_certification(school=SchoolFactory(), starts_on=today - timedelta(days=30),
                                       ends_on=today + timedelta(days=700))
    picture = BytesIO()
    Image.new("RGB", (800, 600), (10, 79, 138)).save(picture, "JPEG")
    name = f"certification/applications/{uuid.uuid4().hex}.jpg"
    # Pictures are private (they may show pupils); the catalogue's view serves a current site's.
    (production.private / name).parent.mkdir(parents=True, exist_ok=True)
    (production.private / name).write_bytes(picture.getvalue())
    image = ApplicationImage.objects.create(application=certification.application, image=name, width=800,
                                            height=600, alt_text="Elever mäter skolgården")

    page = fetch(production.base, f"/inspirationsplatser/{certification.pk}/", headers=HTTPS)
    assert page.status == 200
    thumb = f"/inspirationsplatser/bild/{image.pk}/thumb/"
    assert html.escape(thumb) in page.text or thumb in page.text
    reply = fetch(production.base, thumb, headers=HTTPS)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/jpeg"
    assert "public" in reply.headers["Cache-Control"]
    assert Image.open(BytesIO(reply.body)).size == (media.THUMBNAIL_SIDE, 360)
    # Made by a web worker, into the shared private folder, where every other machine finds it.
    assert (production.private / media.thumbnail_name(name)).exists()
    assert not (production.media / media.thumbnail_name(name)).exists()


# --- The same, behind deploy/nginx-inspira.conf ---------------------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SHIPPED = BASE_DIR / "deploy" / "nginx-inspira.conf"


def _substitute(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert old in text, f"deploy/nginx-inspira.conf no longer contains {old!r}: update this test"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def proxy(production, tmp_path_factory):
    """nginx with the shipped site file, changed only where it names machines, ports and paths."""
    if not NGINX:
        pytest.skip("nginx is not installed (Debian package nginx)")
    root = tmp_path_factory.mktemp("nginx")
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True, timeout=30)
    http_port, https_port = free_port(), free_port()
    site = _substitute(SHIPPED.read_text(), [
        ("server 10.0.0.11:8000", f"server 127.0.0.1:{production.port}"),
        ("server 10.0.0.12:8000", f"server 127.0.0.1:{production.port}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/certs/inspira.example.se.pem", str(root / "cert.pem")),
        ("/etc/ssl/private/inspira.example.se.key", str(root / "key.pem")),
        ("/srv/inspira/shared/media/", f"{production.media}/"),
        ("/var/log/nginx/inspira.access.log", str(root / "access.log")),
    ])
    (root / "site.conf").write_text(site)
    for name in ("mime.types", "proxy_params"):
        shutil.copy(f"/etc/nginx/{name}", root / name)
    temp = "".join(f" {kind}_temp_path {root}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                    "scgi"))
    (root / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\n"  # workers must read the test's private folders
        f"daemon off;\nworker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n include mime.types;\n default_type application/octet-stream;\n sendfile on;\n{temp}"
        " access_log off;\n include site.conf;\n}\n")
    check = subprocess.run([NGINX, "-t", "-p", str(root), "-c", str(root / "nginx.conf")],  # noqa: S603
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    with (root / "nginx.out").open("wb") as out:
        process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(root / "nginx.conf")],  # noqa: S603
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"https://127.0.0.1:{https_port}"

    def up():
        if process.poll() is not None:
            pytest.fail("nginx exited: " + (root / "error.log").read_text())
        try:
            return fetch(base, "/health/").status == 200
        except OSError:
            return False

    try:
        wait_until(up, timeout=20, what="nginx to answer")
        yield {"base": base, "http": f"http://127.0.0.1:{http_port}", "root": root}
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_nginx_sends_http_to_https_and_tells_django_the_request_was_https(proxy):
    redirect = fetch(proxy["http"], "/inspirationsplatser/?q=1")
    assert redirect.status == 301
    assert redirect.headers["Location"] == "https://127.0.0.1/inspirationsplatser/?q=1"
    page = fetch(proxy["base"], "/")
    assert page.status == 200  # no redirect loop: Django saw X-Forwarded-Proto: https
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page.text).group(1)
    static = fetch(proxy["base"], css, headers={"Accept-Encoding": "br"})
    assert static.status == 200 and static.headers["Cache-Control"] == FOREVER_IMMUTABLE


def test_nginx_serves_films_in_ranges_from_the_shared_folder_and_never_the_private_one(production, proxy):
    film = os.urandom(300_000)
    name = f"catalogue/films/{uuid.uuid4().hex}.mp4"
    (production.media / name).parent.mkdir(parents=True, exist_ok=True)
    (production.media / name).write_bytes(film)
    part = fetch(proxy["base"], f"/media/{name}", headers={"Range": "bytes=1000-1999"})
    assert part.status == 206
    assert part.headers["Content-Range"] == "bytes 1000-1999/300000"
    assert part.headers["Content-Type"] == "video/mp4"
    assert part.headers["X-Content-Type-Options"] == "nosniff"
    assert part.body == film[1000:2000]

    secret = production.private / "billing" / "invoices" / "faktura.pdf"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"%PDF-1.7 secret invoice")
    for path in ("/media/../private/billing/invoices/faktura.pdf", "/media/..%2fprivate/billing/invoices/faktura.pdf",
                 "/private/billing/invoices/faktura.pdf"):
        reply = fetch(proxy["base"], path)
        assert reply.status in (400, 403, 404), (path, reply.status)
        assert b"secret invoice" not in reply.body


@committed
def test_behind_nginx_login_throttling_sees_the_real_client_not_the_one_it_claims(proxy):
    reply = post_form(proxy["base"], "/konto/logga-in/", {"username": "eva@example.se", "password": "fel"},
                      headers={"X-Forwarded-For": "198.51.100.66"}, referer_origin="https://127.0.0.1")
    assert reply.status == 200
    assert AccessAttempt.objects.get(username="eva@example.se").ip_address == "127.0.0.1"


def test_nginx_access_log_keeps_no_secret_of_an_emailed_link(proxy):
    token = "eyJ1c2VyIjo0Mn0:1vQx2b:" + secrets.token_urlsafe(32)
    fetch(proxy["base"], f"/konto/verifiera/{token}/")
    log = wait_until(lambda: "/konto/verifiera/" in (text := (proxy["root"] / "access.log").read_text()) and text,
                     timeout=5, what="nginx's access log line")
    assert token not in log and "/konto/verifiera/[secret] HTTP/1.1" in log
