"""Gunicorn settings for Inspira in production (docs/deploy.md).

    .venv/bin/gunicorn inspira.wsgi        # reads this file from the working directory

Every value can be changed from the environment, so one file serves every web machine.

Worker model: plain sync workers, one request at a time per process. nginx in front buffers
whole requests (film uploads included) and responses, so a slow client never holds a worker;
Inspira's views are short and CPU-bound (templates, PDFs), so threads would add no throughput
under the GIL, only a database connection per thread. On two cores, two sync workers already
saturate the CPU (~500 pages/s); the default of 2 x cores + 1 covers the moments a worker waits
for PostgreSQL.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Capped: each worker keeps a PostgreSQL connection open (CONN_MAX_AGE), and the server's
# max_connections is shared by every web and worker machine.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
# Longer than any page takes; a film upload reaches the worker from nginx's buffer at LAN speed.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# A fresh process now and then: Pillow and WeasyPrint keep memory they no longer need. The
# jitter keeps the workers from restarting together: each draws its limit from 1000 to 1500. With
# a tenth (1000 to 1100), workers sharing a busy server reached their limits within a second of
# each other and the server stood still for seconds while all of them restarted (bench/README.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = max_requests // 2
# Not preloaded: `systemctl reload` (SIGHUP) then starts the new workers on the new code.
preload_app = False
# The addresses whose X-Forwarded-Proto gunicorn itself believes (Django reads the header
# through SECURE_PROXY_SSL_HEADER when TRUSTED_PROXY_COUNT is set): the proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, i.e. the journal under systemd.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The peer (the proxy), the client as the proxies saw it, the request, status, size, time taken
# in milliseconds and the browser.
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Emailed links carry a secret in the path (password reset, email verification, endorsement,
# feedback). Whoever reads the access log must not be able to use them: a whole path segment of 20
# or more token characters (letters, digits, "_", ":", "-"), a digit among them, is written as
# [secret]. Inspira's own words in addresses are shorter and have no digits; file names have dots.
_SECRET_SEGMENT = re.compile(r"(?<=/)(?=[^/ ?]*[0-9])[A-Za-z0-9_:-]{20,}(?=[/? ]|$)")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if key in atoms:
                atoms[key] = _SECRET_SEGMENT.sub("[secret]", atoms[key])
        return atoms


logger_class = RedactingLogger
