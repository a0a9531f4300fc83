"""A job that django-q2's own timeout inside the worker (SIGALRM) cannot stop, as one stuck in C code
would not be: only the sentinel's kill ends it."""

import signal
import time


def sleep_through_alarms(seconds: float) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(seconds)
