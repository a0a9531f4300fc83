"""A rig for fault tests: django-q2 clusters as separate processes on the test's own database.

The test's rows are committed (``transaction=True``) so the clusters see them. Each cluster is
``manage.py qcluster`` in a session of its own: killing its process group kills the sentinel, pusher,
monitor and workers at once, as a crash of the machine would. The test process enqueues onto the
same queue (django-q2's configuration is switched to the rig's broker and cluster name), so the
jobs go the real way: the outbox row commits, ``on_commit`` enqueues, a cluster picks it up.

Teardown kills every process group the test started, even when an assertion failed, and removes
the test's Redis keys (all named ``django_q:<cluster name>:...``).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django_q.conf import Conf

from inspira.core import outbox
from inspira.core.models import OutboxItem

BASE_DIR = Path(django_settings.BASE_DIR)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
POLL = 0.2


def database_url() -> str:
    """The URL of the database this test uses (pytest-django's ``test_<name>``), for the clusters."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("Fault tests run separate processes against PostgreSQL: set DATABASE_URL=postgres://...")
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str, rig=None):
    """Poll ``predicate`` until it returns something true; fail with the clusters' logs if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what}" + (rig.log_tails() if rig else ""))
        time.sleep(POLL)


class Rig:
    def __init__(self, *, broker: str, tmp_path: Path):
        self.broker = broker
        self.name = f"fault-{uuid.uuid4().hex[:10]}"
        self.redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
        self.root = tmp_path
        self.mail = tmp_path / "mail"
        self.media = tmp_path / "media"
        self.private = tmp_path / "private"
        self.markers = tmp_path / "markers"
        self.logs = tmp_path / "logs"
        for folder in (self.mail, self.media, self.private, self.markers, self.logs, tmp_path / "var"):
            folder.mkdir(exist_ok=True)
        self.processes: list[subprocess.Popen] = []
        self.cpu_of_killed = 0.0

    # --- Processes -----------------------------------------------------------------------------------

    def env(self, **extra) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "EMAIL_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.fault.settings",
            DATABASE_URL=database_url(),
            SECRET_KEY=Conf.SECRET_KEY,  # signs the task packages: must match the test process's
            DEBUG="1",
            INSPIRA_VAR_DIR=str(self.root / "var"),
            MEDIA_ROOT=str(self.media),
            PRIVATE_MEDIA_ROOT=str(self.private),
            EMAIL_FILE_PATH=str(self.mail),
            FAULT_Q_NAME=self.name,
            FAULT_MARKER_DIR=str(self.markers),
            Q_WORKERS="1",
            Q_SYNC="0",
            PYTHONUNBUFFERED="1",
        )
        env.pop("REDIS_URL", None)
        if self.broker == "redis":
            env["REDIS_URL"] = self.redis_url
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def start_cluster(self, **env) -> subprocess.Popen:
        """``manage.py qcluster`` in a new session (its own process group), logging to ``logs/``."""
        log = self.logs / f"cluster-{len(self.processes) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                # Skipping the system checks saves each cluster a second of CPU; they are tested elsewhere.
                [sys.executable, str(BASE_DIR / "manage.py"), "qcluster", "--skip-checks"], cwd=BASE_DIR,
                env=self.env(**env), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )
        process.log = log
        self.processes.append(process)
        return process

    def wait_ready(self, process: subprocess.Popen, *, timeout: float = 30) -> None:
        """Until a worker of the cluster has started (django-q2 logs "ready for work"; it has no Swedish)."""
        def ready():
            if process.poll() is not None:
                pytest.fail(f"The cluster exited with {process.returncode}" + self.log_tails())
            return "ready for work" in process.log.read_text(errors="replace")

        wait_until(ready, timeout=timeout, what="the cluster to start", rig=self)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the whole cluster: sentinel, pusher, monitor and workers, with no chance to clean up."""
        self.cpu_of_killed += self._group_cpu(process.pid)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    @staticmethod
    def _group_cpu(pgid: int) -> float:
        """CPU seconds used so far by the live processes of a process group (Linux /proc)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ..., utime (12), stime (13)
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        """CPU the clusters used: the killed ones up to their death, the others up to now. Wall-clock
        time depends on how busy the machine is; this does not."""
        return self.cpu_of_killed + sum(self._group_cpu(p.pid) for p in self.processes if p.poll() is None)

    def log_tails(self) -> str:
        parts = []
        for process in self.processes:
            text = process.log.read_text(errors="replace") if process.log.exists() else ""
            parts.append(f"\n--- {process.log.name} (pid {process.pid}) ---\n" + text[-3000:])
        return "".join(parts)

    @contextmanager
    def jobs_held(self):
        """Record the outbox rows the block commits without enqueueing their jobs; ``release`` them later
        (through the same ``_dispatch`` that ``on_commit`` calls), e.g. when every cluster is ready."""
        held: list[int] = []
        real = outbox._dispatch
        outbox._dispatch = held.append
        try:
            yield held
        finally:
            outbox._dispatch = real

    @staticmethod
    def release(held: list[int]) -> None:
        for item_id in held:
            outbox._dispatch(item_id)

    # --- Queues --------------------------------------------------------------------------------------

    def redis(self) -> redis.Redis:
        return redis.from_url(self.redis_url)

    def queued_messages(self) -> int:
        """Messages waiting in the broker's queue (not yet taken by any cluster)."""
        if self.broker == "redis":
            return self.redis().llen(f"django_q:{self.name}:q")
        from django.utils import timezone
        from django_q.models import OrmQ

        return OrmQ.objects.filter(key=self.name, lock__lte=timezone.now()).count()

    def taken_messages(self) -> int | None:
        """ORM broker: messages a cluster has taken and holds until ``retry`` (Redis keeps no record)."""
        if self.broker == "redis":
            return None
        from django.utils import timezone
        from django_q.models import OrmQ

        return OrmQ.objects.filter(key=self.name, lock__gt=timezone.now()).count()

    def cleanup(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
        if self.broker == "redis":
            client = self.redis()
            keys = list(client.scan_iter(match=f"django_q:{self.name}:*"))
            if keys:
                client.delete(*keys)


@pytest.fixture
def rig(broker, tmp_path, settings, monkeypatch):
    """The rig for ``broker`` ("redis" or "orm"). The test process enqueues onto the rig's queue."""
    rig = Rig(broker=broker, tmp_path=tmp_path)
    settings.MEDIA_ROOT = rig.media
    settings.PRIVATE_MEDIA_ROOT = str(rig.private)
    # django-q2 reads its configuration once, at import; point this process at the rig's queue (the
    # root conftest runs jobs inline instead).
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "PREFIX", rig.name)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", rig.name)
    monkeypatch.setattr(Conf, "ORM", "default" if broker == "orm" else None)
    monkeypatch.setattr(Conf, "REDIS", rig.redis_url)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    monkeypatch.setattr(Conf, "BROKER_CLASS", None)
    if broker == "redis":
        rig.redis().ping()  # fail here, clearly, if Redis is not running
    try:
        yield rig
    finally:
        rig.cleanup()


def outbox_settled(rig: Rig | None = None) -> bool:
    """No outbox row left to do; a row that failed for good fails the test at once, with its error."""
    failed = list(OutboxItem.objects.filter(state=OutboxItem.State.FAILED).values_list("key", "last_error"))
    if failed:
        pytest.fail(f"Outbox items failed: {failed}" + (rig.log_tails() if rig else ""))
    return not OutboxItem.objects.exclude(state=OutboxItem.State.DONE).exists()
