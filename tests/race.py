"""The harness of the race tests (tests/visits/test_race.py, tests/events/test_race.py): many requests
taking the last places of one thing at the same moment.

Each attempt runs in its own thread, as a request would: its own database connection (Django's
connections are per thread), closed at the end. A barrier releases them together; the service under
test sleeps in its race window between counting and writing, so every thread is inside it at once.
``deferred_sqlite`` makes each thread's SQLite transactions DEFERRED instead of IMMEDIATE: the
controls switch the lock off with it.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import translation


@dataclass
class Outcome:
    made: int = 0
    full: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def race(attempts: list[Callable[[], object]], *, full: type[Exception], deferred_sqlite: bool = False) -> Outcome:
    """Run every attempt at once; count those that succeed, those refused with ``full`` (their
    messages, in English) and any other error (what a view would have turned into a 500)."""
    outcome = Outcome()
    lock = threading.Lock()
    barrier = threading.Barrier(len(attempts))

    def run(attempt):
        try:
            if deferred_sqlite and connection.vendor == "sqlite":
                connection.ensure_connection()
                connection.transaction_mode = "DEFERRED"
            barrier.wait()
            with translation.override("en"):  # threads start in the default language; read the msgids
                attempt()
        except full as e:
            with lock:
                outcome.full.append(str(e))
        except Exception as e:  # noqa: BLE001 - the test records whatever a request would have raised
            with lock:
                outcome.errors.append(f"{type(e).__name__}: {e}")
        else:
            with lock:
                outcome.made += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcome
