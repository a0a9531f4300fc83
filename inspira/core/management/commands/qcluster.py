"""``manage.py qcluster``: django-q2's cluster, made to stop cleanly when its whole process group
gets SIGTERM (``docker stop``, a terminal closing, ``kill -TERM -<pgid>``, systemd without
``KillMode=mixed``).

Why django-q2 1.11 hangs there: its sentinel and the workers, pusher and monitor it forks die at
once on SIGTERM (SIG_DFL), while the main process's handler stops the cluster by setting a
multiprocessing Event. Event.set() waits until every process sleeping on the Event has woken and
said so; the sentinel sleeps on it between its guard rounds, and if it was killed while asleep
(it nearly always is), nobody ever says so and the main process waits forever, until SIGKILL.

Here the sentinel and every process it forks ignore SIGTERM, so only the main process acts on it,
and the cluster stops the way django-q2 means it to: the pusher takes no new tasks, each worker
finishes the task in hand, results are saved, and everything exits. Two things the default
SIGTERM did are kept: a worker whose task overruns the cluster's timeout is still ended (with
SIGKILL, which it cannot ignore), and the stop waits at most that timeout for busy workers.

This app comes before django_q in INSTALLED_APPS, so this command replaces django-q2's own.
"""

import signal
import threading

from django_q import cluster
from django_q.management.commands.qcluster import Command as DjangoQCommand


class Sentinel(cluster.Sentinel):
    def start(self):
        # Called by Sentinel.__init__ after it has set SIGTERM back to the default, and before it forks
        # the workers, pusher and monitor, which inherit this.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        super().start()

    def reincarnate(self, process):
        timed_out = process in self.pool and process.timer.value == 0
        super().reincarnate(process)  # replaces it, and sends SIGTERM, which the worker ignores
        if timed_out:
            process.kill()

    def stop(self):
        deadline = threading.Timer(self.timeout or cluster.Conf.TIMEOUT, self._kill_busy_workers)
        deadline.daemon = True
        deadline.start()
        try:
            super().stop()
        finally:
            deadline.cancel()

    def _kill_busy_workers(self):
        # The guard, which ends overrunning tasks, no longer runs once the cluster is stopping.
        for process in list(self.pool):
            if process.is_alive():
                process.kill()


class Command(DjangoQCommand):
    help = DjangoQCommand.help + " Stops cleanly on SIGTERM to its whole process group."

    def handle(self, *args, **options):
        # django-q2's Cluster.start() starts the class named Sentinel in its module; only this
        # command's process runs a cluster, so replacing it here changes nothing else.
        cluster.Sentinel = Sentinel
        super().handle(*args, **options)
