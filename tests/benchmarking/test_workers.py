"""The job worker loads the solver as it starts (``benchmarking.workers``), the web process does not."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

from django.conf import settings
from django_q.signals import post_spawn

from inspira.benchmarking import workers


def test_the_handler_is_connected_to_the_workers_start():
    connected = {receiver[0][0]: receiver[1]() for receiver in post_spawn.receivers}
    assert connected["benchmarking.preload_solver"] is workers.preload_solver


def test_the_handler_imports_the_solver():
    with mock.patch.object(workers, "import_module") as import_module:
        post_spawn.send(sender="django_q", proc_name="Process-1:1")
    import_module.assert_called_once_with("ortools.sat.python.cp_model")


def test_a_failed_import_does_not_stop_the_worker():
    with mock.patch.object(workers, "import_module", side_effect=ImportError("no ortools")):
        workers.preload_solver(sender="django_q", proc_name="Process-1:1")  # logged, not raised


def test_only_a_starting_worker_carries_the_solver():
    # A fresh process: Django set up as a web process is, then the signal a worker sends as it starts.
    script = textwrap.dedent("""
        import sys
        import django
        django.setup()
        assert "ortools.sat.python.cp_model" not in sys.modules, "the web process imported the solver"
        from django_q.signals import post_spawn
        post_spawn.send(sender="django_q", proc_name="Process-1:1")
        assert "ortools.sat.python.cp_model" in sys.modules, "the worker did not import the solver"
    """)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "inspira.settings", "DEBUG": "1",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "x")}
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script], cwd=Path(settings.BASE_DIR), env=env,
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
