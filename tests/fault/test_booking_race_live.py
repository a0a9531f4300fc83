"""50 teachers book the last places of one occasion at the same moment, against a live server.

tests/visits/test_race.py races the booking service in threads of the test process. This test
races the whole stack instead: a gunicorn server in a process group of its own (4 workers x 8
threads, DEBUG off, collected static files, Redis as the job broker) on the pytest-django test
database in PostgreSQL, and 50 HTTP clients, each with its own logged-in session, CSRF cookie and
one-time form key. Each client first GETs the booking page; then all of them POST at once (a
barrier across 55 threads: five of the clients double-click, sending their form twice). Every
school books 1, 2 or 3 participants, 100 in all, on an occasion with 10 places; every other school
needs its principal's approval, so held and confirmed bookings compete for the same places.

Checked with the lock: the booking rows (not a counter) add up to exactly the capacity (it must be
exact: 17 schools book a single place, so the last free place is always taken); every 302
points at a booking in the database and every booking in the database was answered with a 302;
every refused client got a 200 page saying the occasion is full or how few places are left; a
double-click got one answer for both requests; no school has two bookings; no 5xx and no traceback
in the server's log.

The control run starts the same server with ``BOOKING_RACE_NO_LOCK=1`` (tests/fault/booking_race_wsgi.py
reads the occasion without ``SELECT ... FOR UPDATE``) and must overbook: proof that the test can fail.
Both servers sleep ``WINDOW_MS`` (50 ms) between counting the places and writing the booking (the
service's ``_race_window`` hook, as tests/visits/test_race.py uses it). Without the sleep the window is
the few milliseconds between one query and the next, and whether the requests overlap inside it
depends on how busy the two cores are: the 55 requests reach it spread over several seconds when
other test runs share the machine. Unlocked runs here overbooked by 9 places with no sleep, by 7-13
with 10 ms, by only 2-22 with 20 ms, and by 11-32 with 50 ms. The sleep makes the control fail by a
wide margin instead of by luck, and with the lock on it shows the lock holds even when the window is
wide; there the sleeps are taken one request at a time, which costs 55 x 50 ms = 2.75 s.

``-s`` prints each run's figures: requests by status class, bookings, participants, seconds per
phase (data, server start, the 50 GETs, the race). Measured with the two cores shared by several
other test runs (load 6-17): 12-27 s per run, of which the race itself took 3-9 s.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from inspira.accounts.models import Membership
from inspira.visits import services
from inspira.visits.models import Booking, SchoolVisitSettings
from tests.factories import SchoolFactory
from tests.visits.builders import make_certification, make_occasion, member

pytestmark = pytest.mark.fault

BASE_DIR = Path(__file__).resolve().parents[2]
CLIENTS = 50
DOUBLE_CLICKERS = 5  # the first clients send their form twice, at the same moment
CAPACITY = 10
WINDOW_MS = 50
WORKERS, THREADS = 4, 8
START_TIMEOUT = 60  # generous: two cores shared with other test runs can be very slow


def participants_of(i: int) -> int:
    return 1 + i % 3


# --- The server ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Collected static files: with DEBUG off the manifest storage needs them to render any page.
    The admin's files are left out; no page of the race uses them (saves ~6 s)."""
    root = tmp_path_factory.mktemp("booking-race-static")
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "collectstatic", "STATIC_ROOT": str(root),
           "INSPIRA_VAR_DIR": str(root / "var")}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "-i", "admin"],
                   cwd=BASE_DIR, env=env, check=True, timeout=60)
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    """DATABASE_URL with the test database's name: the server must see the rows the test commits."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    queue: str

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _stop(server: Server) -> None:
    """Kill the server's process group (master and workers), then delete its Redis keys. SIGKILL: the
    race is over and nothing is left to finish; gunicorn's own shutdown took ~4 s here."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait(timeout=10)
    client = redis.from_url(_redis_url())
    keys = list(client.scan_iter(match=f"django_q:{server.queue}:*"))
    if keys:
        client.delete(*keys)


def _wait_for_connections_to_close(timeout: float = 10) -> None:
    """The test database is flushed after the test and dropped at the end: the server's
    connections must be gone first."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                           [connection.settings_dict["NAME"]])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture
def start_server(transactional_db, static_root, tmp_path):
    """Start gunicorn on the test database: ``start_server(no_lock=False)``. Depends on
    ``transactional_db`` so that it stops before the database is flushed."""
    if connection.vendor != "postgresql":
        pytest.fail("The live booking race runs a server against PostgreSQL: set DATABASE_URL=postgres://...")
    servers: list[Server] = []

    def start(*, no_lock: bool) -> Server:
        port = _free_port()
        label = "nolock" if no_lock else "lock"
        queue = f"booking-race-{label}-{uuid.uuid4().hex[:8]}"
        env = {key: value for key, value in os.environ.items() if key not in {"Q_SYNC", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        env.update({
            "DJANGO_SETTINGS_MODULE": "inspira.settings",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": _redis_url(),
            "DEBUG": "0",
            # The test writes the sessions, so the server must sign and check them with the same key.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "STATIC_ROOT": str(static_root),
            "INSPIRA_VAR_DIR": str(tmp_path / f"var-{label}"),
            "LOG_LEVEL": "WARNING",
            "BOOKING_RACE_WINDOW_MS": str(WINDOW_MS),
            "BOOKING_RACE_NO_LOCK": "1" if no_lock else "0",
            "BOOKING_RACE_QUEUE": queue,
        })
        log = tmp_path / f"gunicorn-{label}.log"
        # gunicorn also reads the project's gunicorn.conf.py (the working directory): production
        # logging and limits. The flags override its worker model: production runs a few sync
        # workers; 4 x 8 threads put 32 bookings in flight at once, a harder race.
        command = [
            str(Path(sys.executable).with_name("gunicorn")), "tests.fault.booking_race_wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "gthread",
            "--threads", str(THREADS), "--preload", "--timeout", "30", "--graceful-timeout", "3",
            "--chdir", str(BASE_DIR), "--error-logfile", "-", "--log-level", "warning",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, our own arguments)
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        server = Server(port=port, process=process, log=log, queue=queue)
        servers.append(server)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{server.log_text()}")
            try:
                if _request(port, "GET", "/health/").status == 200:
                    return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /health/ within {START_TIMEOUT} s:\n{server.log_text()}")
            time.sleep(0.1)

    yield start
    for server in servers:
        _stop(server)
    _wait_for_connections_to_close()


# --- The clients --------------------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    location: str
    body: str
    cookies: dict[str, str]


def _request(port: int, method: str, path: str, *, cookies: dict | None = None,
             data: dict | None = None) -> Response:
    """One request on its own connection; redirects are not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        set_cookies = {}
        for header in resp.headers.get_all("Set-Cookie") or []:
            set_cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return Response(resp.status, resp.headers.get("Location", ""), resp.read().decode(), set_cookies)
    finally:
        conn.close()


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


@dataclass
class Visitor:
    index: int
    school_id: int
    email: str
    name: str
    cookies: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)

    @property
    def participants(self) -> int:
        return participants_of(self.index)


def _log_in(user) -> str:
    """A server-side session, as ``login()`` would write it (the server checks it with the same key)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@transaction.atomic  # one commit, not hundreds: the server only needs to see the result
def _setup():
    host = SchoolFactory(name="Värdskolan")
    certification = make_certification(school=host)
    member(host, Membership.Role.SITE_CONTACT)
    occasion = make_occasion(certification=certification, capacity=CAPACITY)
    visitors = []
    for i in range(CLIENTS):
        school = SchoolFactory(name=f"Besöksskola {i:02d}")
        if i % 2:
            SchoolVisitSettings.objects.create(school=school, requires_principal_approval=True)
            member(school, Membership.Role.PRINCIPAL)
        user = member(school)
        visitors.append(Visitor(index=i, school_id=school.pk, email=user.email, name=user.name,
                                cookies={"sessionid": _log_in(user)}))
    return occasion, visitors


def _in_threads(func, items) -> list:
    """``func`` on every item, each in a thread of its own; any thread's exception fails the test."""
    results, errors = [None] * len(items), []

    def run(n, item):
        try:
            results[n] = func(item)
        except BaseException as e:  # noqa: BLE001 - reported below, with the others
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=run, args=(n, item)) for n, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors or any(thread.is_alive() for thread in threads):
        pytest.fail(f"{len(errors)} client threads failed: {errors[:5]}")
    return results


def _open_forms(port: int, path: str, visitors: list[Visitor]) -> None:
    """Every client GETs the booking page: CSRF cookie, CSRF token, the one-time form key."""
    def get(visitor: Visitor):
        response = _request(port, "GET", path, cookies=visitor.cookies)
        assert response.status == 200, (response.status, response.location)
        visitor.cookies.update(response.cookies)
        parser = _HiddenInputs()
        parser.feed(response.body)
        visitor.form = parser.values

    _in_threads(get, visitors)
    for visitor in visitors:
        assert {"csrfmiddlewaretoken", "idempotency_key", "school"} <= visitor.form.keys(), visitor.form
        assert visitor.form["school"] == str(visitor.school_id)
        assert "csrftoken" in visitor.cookies


@dataclass
class Answer:
    visitor: Visitor
    status: int
    booking_id: int | None = None
    refused: bool = False
    seconds: float = 0.0
    snippet: str = ""


def _refusals() -> list[str]:
    """The page's words for "full" and "only n places left", as the server renders them."""
    with translation.override(settings.LANGUAGE_CODE):
        return [escape(services._full_message(free)) for free in range(CAPACITY + 1)]


def _race(port: int, path: str, visitors: list[Visitor]) -> tuple[list[Answer], float]:
    senders = visitors + visitors[:DOUBLE_CLICKERS]
    barrier = threading.Barrier(len(senders), timeout=60)
    refusals = _refusals()
    booking_url = re.compile(re.escape(reverse("visits:booking", args=[999999])).replace("999999", r"(\d+)") + "$")

    def post(visitor: Visitor) -> Answer:
        data = {**visitor.form, "participants": visitor.participants, "contact_name": visitor.name,
                "contact_email": visitor.email}
        barrier.wait()
        started = time.monotonic()
        response = _request(port, "POST", path, cookies=visitor.cookies, data=data)
        answer = Answer(visitor, response.status, seconds=time.monotonic() - started)
        found = booking_url.search(response.location)
        if response.status == 302 and found:
            answer.booking_id = int(found[1])
        elif response.status == 200 and any(message in response.body for message in refusals):
            answer.refused = True
        else:
            answer.snippet = f"{response.location} {response.body[:300]}"
        return answer

    started = time.monotonic()
    answers = _in_threads(post, senders)
    return answers, time.monotonic() - started


def _active(occasion):
    return Booking.objects.filter(occasion=occasion, status__in=Booking.ACTIVE_STATUSES)


def _report(label: str, answers: list[Answer], seconds: float, occasion, server: Server) -> dict:
    classes = Counter(f"{answer.status // 100}xx" for answer in answers)
    figures = {
        "requests": len(answers), "2xx": classes["2xx"], "3xx": classes["3xx"], "4xx": classes["4xx"],
        "5xx": classes["5xx"], "bookings": _active(occasion).count(),
        "held": _active(occasion).filter(status=Booking.Status.HELD).count(),
        "participants": _active(occasion).aggregate(n=Sum("participants"))["n"] or 0,
        "capacity": CAPACITY, "race_seconds": round(seconds, 2),
        "slowest_request": round(max(answer.seconds for answer in answers), 2),
        "queued_jobs": _queued_jobs(server),
    }
    print(f"\n[live booking race, {label}] " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return figures


def _queued_jobs(server: Server) -> int:
    return redis.from_url(_redis_url()).llen(f"django_q:{server.queue}:q")


def _run(start_server, *, no_lock: bool):
    phases, last = {}, time.monotonic()

    def lap(name):
        nonlocal last
        now = time.monotonic()
        phases[name], last = round(now - last, 2), now

    occasion, visitors = _setup()
    lap("data")
    server = start_server(no_lock=no_lock)
    lap("server_start")
    path = reverse("visits:book", args=[occasion.pk])
    _open_forms(server.port, path, visitors)
    lap("forms")
    answers, seconds = _race(server.port, path, visitors)
    lap("race")
    figures = _report("lock off (control)" if no_lock else "lock on", answers, seconds, occasion, server)
    print("[live booking race] seconds per phase: " + " ".join(f"{k}={v}" for k, v in phases.items())
          + f" total={sum(phases.values()):.2f}")
    return occasion, answers, figures, server


# --- The tests ----------------------------------------------------------------------------------------------

def test_fifty_clients_never_overbook_a_live_server(start_server):
    occasion, answers, figures, server = _run(start_server, no_lock=False)

    odd = [(a.visitor.index, a.status, a.snippet) for a in answers if a.booking_id is None and not a.refused]
    assert odd == [], odd
    assert figures["5xx"] == 0
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]

    # Exactly full, counted from the booking rows.
    assert figures["participants"] == CAPACITY, figures

    # Every "booked" answer is a booking in the database, of the client's own school, and back.
    bookings = {b.pk: b for b in _active(occasion)}
    answered = {a.booking_id for a in answers if a.booking_id is not None}
    assert answered == set(bookings), (answered, set(bookings))
    for answer in answers:
        if answer.booking_id is not None:
            booking = bookings[answer.booking_id]
            assert booking.school_id == answer.visitor.school_id
            assert booking.participants == answer.visitor.participants
            expected = Booking.Status.HELD if answer.visitor.index % 2 else Booking.Status.CONFIRMED
            assert booking.status == expected

    # A double click is one booking or one refusal, never both.
    by_client: dict[int, set] = {}
    for answer in answers:
        by_client.setdefault(answer.visitor.index, set()).add(answer.booking_id if answer.booking_id else "refused")
    assert all(len(outcomes) == 1 for outcomes in by_client.values()), by_client
    assert sum(1 for outcomes in by_client.values() if outcomes != {"refused"}) == len(bookings)

    # One booking per school on the occasion (cancelled ones aside, there are none).
    per_school = Booking.objects.filter(occasion=occasion).values("school").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_school) == 1
    assert Booking.objects.filter(occasion=occasion).count() == len(bookings)


def test_control_without_the_lock_the_live_server_overbooks(start_server):
    occasion, answers, figures, server = _run(start_server, no_lock=True)

    assert figures["participants"] > CAPACITY, (
        f"without the row lock the server must overbook, or the race test proves nothing: {figures}")
