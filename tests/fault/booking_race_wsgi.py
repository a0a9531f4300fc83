"""The real WSGI application with the booking race's test switches; only
tests/fault/test_booking_race_live.py serves it (gunicorn ``tests.fault.booking_race_wsgi:application``).

Production has no switch for the occasion lock, and must not get one. The in-process race test
(tests/visits/test_race.py) monkeypatches ``services._lock_occasion`` and ``services._race_window``;
a server in another process cannot be monkeypatched from the test, so this module does the same
patching at import, in the server, steered by the environment:

- ``BOOKING_RACE_WINDOW_MS``: sleep this long between counting the free places and writing the
  booking (``services._race_window``), so concurrent requests really are inside the window together.
- ``BOOKING_RACE_NO_LOCK=1``: the control run; the occasion is read without ``SELECT ... FOR UPDATE``.
- ``BOOKING_RACE_QUEUE``: the django-q2 queue the server's background jobs go to, so the test can
  delete exactly its own Redis key afterwards.
"""

import os
import time

from inspira.wsgi import application  # sets Django up: import this module's other names only after it


def _patch() -> None:
    from django_q.conf import Conf

    from inspira.visits import services
    from inspira.visits.models import Occasion

    window = int(os.environ.get("BOOKING_RACE_WINDOW_MS", "0")) / 1000
    if window:
        def sleep_in_window() -> None:
            time.sleep(window)

        services._race_window = sleep_in_window

    if os.environ.get("BOOKING_RACE_NO_LOCK") == "1":
        def read_without_lock(occasion_id: int) -> Occasion:
            return Occasion.objects.select_related("certification__school").get(pk=occasion_id)

        services._lock_occasion = read_without_lock

    if os.environ.get("BOOKING_RACE_QUEUE"):
        Conf.CLUSTER_NAME = os.environ["BOOKING_RACE_QUEUE"]


_patch()
__all__ = ["application"]
