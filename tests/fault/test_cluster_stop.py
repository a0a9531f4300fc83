"""The job cluster stops cleanly when its whole process group gets SIGTERM (``docker stop``, the demo's
Ctrl+C and stop, a terminal closing), as ``manage.py qcluster`` in production and in ``bin/demo``.

django-q2 1.11 alone hung there until SIGKILL (see inspira/core/management/commands/qcluster.py). The
cluster runs on the ORM broker against the test's own database, SQLite or PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_q.conf import Conf
from django_q.models import Success
from django_q.tasks import async_task

from tests.fault.conftest import database_url, wait_until

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(django_settings.BASE_DIR)
# Well inside the cluster's timeout (Q_CLUSTER["timeout"], 120 s): an idle cluster needs a second or two,
# a busy one the rest of its task.
STOP_WITHIN = 30


def _database_url() -> str:
    if connection.vendor == "sqlite":
        return "sqlite:///" + connection.settings_dict["NAME"]
    return database_url()


def _start_cluster(tmp_path: Path, **extra) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "REDIS_", "EMAIL_", "DJANGO_SETTINGS"))}
    env.update(DATABASE_URL=_database_url(), SECRET_KEY=django_settings.SECRET_KEY, DEBUG="1",
               INSPIRA_VAR_DIR=str(tmp_path), Q_WORKERS="2", Q_SYNC="0", PYTHONUNBUFFERED="1", **extra)
    log = tmp_path / "cluster.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, str(BASE_DIR / "manage.py"), "qcluster", "--skip-checks"], cwd=BASE_DIR,
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    process.log = log
    return process


def _log(process) -> str:
    return process.log.read_text(errors="replace")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def cluster_settings():
    return "inspira.settings"


@pytest.fixture
def cluster(tmp_path, cluster_settings):
    process = _start_cluster(tmp_path, DJANGO_SETTINGS_MODULE=cluster_settings)
    try:
        wait_until(lambda: _log(process).count("ready for work") == 2 and "running." in _log(process),
                   timeout=60, what="the cluster to start")
        yield process
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _terminate_group_and_wait(process) -> float:
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"The cluster did not stop within {STOP_WITHIN} s of SIGTERM to its group:\n" + _log(process))
    # The sentinel, workers, pusher and monitor too: nothing is left for a SIGKILL.
    wait_until(lambda: not _group_alive(process.pid), timeout=5, what="every process of the cluster to exit")
    return time.monotonic() - started


def test_an_idle_cluster_stops_on_sigterm_to_its_process_group(cluster):
    _terminate_group_and_wait(cluster)
    assert cluster.returncode == 0, _log(cluster)
    assert "has stopped" in _log(cluster)


@pytest.fixture
def enqueue(monkeypatch):
    """Enqueue onto the cluster's ORM queue (the root conftest runs jobs inline otherwise)."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")
    monkeypatch.setattr(Conf, "REDIS", None)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    monkeypatch.setattr(Conf, "BROKER_CLASS", None)
    return async_task


def test_a_busy_worker_finishes_its_task_before_the_cluster_stops(cluster, enqueue):
    enqueue("time.sleep", 3, task_name="slow-task")
    wait_until(lambda: "processing slow-task 'time.sleep'" in _log(cluster), timeout=30,
               what="a worker to take the task")
    assert not Success.objects.filter(name="slow-task").exists()  # still running when the signal comes
    took = _terminate_group_and_wait(cluster)
    assert cluster.returncode == 0, _log(cluster)
    # The task was not killed with the cluster: it ran to the end and its result was saved.
    assert Success.objects.filter(name="slow-task").exists(), _log(cluster)
    assert took < STOP_WITHIN


# Workers ignore SIGTERM now, and django-q2's sentinel ended a worker whose task overran the timeout with
# SIGTERM: that backstop (for a task that its in-worker timeout cannot interrupt) must still work, at the
# guard's rounds and while the cluster stops.
STUBBORN = "tests.fault.stubborn.sleep_through_alarms"

@pytest.mark.parametrize("cluster_settings", ["tests.fault.settings_short_timeout"])
def test_a_task_that_overruns_the_timeout_is_still_ended(cluster, enqueue, cluster_settings):
    enqueue(STUBBORN, 60, task_name="endless-task")
    wait_until(lambda: "after timeout" in _log(cluster),
               timeout=30, what="the sentinel to end the overrunning worker")
    took = _terminate_group_and_wait(cluster)  # fails if the overrunning worker were still alive
    assert took < 10, _log(cluster)


@pytest.mark.parametrize("cluster_settings", ["tests.fault.settings_short_timeout"])
def test_a_stop_waits_for_a_busy_worker_no_longer_than_the_timeout(cluster, enqueue, cluster_settings):
    enqueue(STUBBORN, 60, task_name="endless-task")
    wait_until(lambda: "processing endless-task" in _log(cluster), timeout=30, what="a worker to take the task")
    took = _terminate_group_and_wait(cluster)
    assert took < 10, _log(cluster)
    assert not Success.objects.filter(name="endless-task").exists()
