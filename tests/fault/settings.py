"""Settings of the processes the fault tests start: Inspira's own, with a few test hooks.

Everything that matters (database, broker, outbox, billing) comes from ``inspira.settings`` and the
environment the test gives the process. Only this differs:

- the django-q2 cluster is named by ``FAULT_Q_NAME``, so a test's Redis keys and ORM queue are its
  own (and can be removed afterwards);
- the cluster's scheduler is off: the tests run the outbox sweeper themselves, when they choose;
- each email is written to a file of its own in ``EMAIL_FILE_PATH`` (Django's file backend names
  files by second and object id, which two worker processes can share), so the test can count them;
- WeasyPrint is imported here, in the cluster's first process, so the forked workers start with it
  instead of each importing it on its first invoice (seconds on a busy machine; the tests' wall clock).
"""

import os

from inspira.settings import *  # noqa: F403
from inspira.settings import Q_CLUSTER, env

if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    # Not for settings_slow, whose cluster is killed before it renders anything.
    import weasyprint  # noqa: F401

Q_CLUSTER = {
    **Q_CLUSTER,
    "name": env("FAULT_Q_NAME", "inspira-fault"),
    "scheduler": False,
    "poll": 0.2,
}
EMAIL_BACKEND = "tests.fault.mailbox.OneFilePerConnectionBackend"
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "")
# Times and process ids in the clusters' logs, which a failing test prints.
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": {"timed": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
}
