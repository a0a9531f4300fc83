"""The solver loaded when a job worker starts, so a round's proposal never pays for the import.

Importing OR-Tools' CP-SAT takes 2.5–6 seconds on this kind of machine (it brings pandas along), out of
the proposal's budget of ``tasks.DEADLINE`` seconds. django-q2 sends ``post_spawn`` in each worker
process as it starts (and again in each worker that replaces a recycled one), before the worker takes
its first task: the import is paid there, once per worker process. The web processes never send that
signal, so they do not carry the solver's memory (about 75 MB of resident memory per worker).

The Swedish holiday calendar of this year and the next is built there too: the ``holidays`` package
loads its country data on first use, which cost a first proposal another second or two.
"""

import datetime
import logging
from importlib import import_module

log = logging.getLogger(__name__)

SOLVER_MODULE = "ortools.sat.python.cp_model"


def preload_solver(sender=None, **kwargs) -> None:
    """``post_spawn`` receiver: import the solver in the worker that is starting. A failure is logged,
    not raised: a signal's exception would stop the worker, and the job reports a missing solver itself."""
    try:
        import_module(SOLVER_MODULE)
        from inspira.core.workdays import is_working_day

        year = datetime.date.today().year
        for day in (datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)):
            is_working_day(day)
    except Exception:
        log.exception("Could not load the benchmarking solver in the job worker %s", kwargs.get("proc_name", ""))


def connect() -> None:
    """Called from ``BenchmarkingConfig.ready`` (django_q's signals module needs the models loaded)."""
    from django_q.signals import post_spawn

    post_spawn.connect(preload_solver, dispatch_uid="benchmarking.preload_solver")
