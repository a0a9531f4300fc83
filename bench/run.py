"""The page benchmark: Inspira under gunicorn on PostgreSQL with production settings, loaded by wrk.

    bin/bench                                            # S, M and L, 15 s per page, 8 connections
    .venv/bin/python bench/run.py --scales S M --duration 5
    .venv/bin/python bench/run.py --scales M --reuse     # keep the database built by an earlier run

For each scale it (re)creates the database ``inspira_bench_<scale>``, migrates it and writes the data
(bench/data.py), starts gunicorn with the production settings (DEBUG off) and loads each page with wrk
from this machine, one page after the other, for a fixed time at a fixed number of connections: first
a bare Django view rendering a one-line template (the ceiling), then the product's pages. Afterwards
it counts the database queries of one request to each page in-process (Django's test client and
CaptureQueriesContext, same database and settings) and times the invoice PDF rendering. It writes
bench/results/<scale>.json and the tables of bench/RESULTS.md. See bench/README.md.

The sub-commands starting with "_" are the steps that run inside Django, each in a child process with
the scale's environment; they are not meant to be called by hand.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if sys.path and sys.path[0] == str(BENCH):
    # Run as a script: import the bench package from the project, never its modules as top-level names.
    sys.path[0] = str(ROOT)
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LUA = BENCH / "wrk.lua"
RESULTS = BENCH / "results"
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
WORK = Path(tempfile.gettempdir()) / "inspira-bench"
# Only ever used by the benchmark's own databases and server.
SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
KEEP_MARKER = "<!-- Everything below this line is kept when bin/bench rewrites the tables above. -->"

# name, label; the bare view first (the ceiling), the booking POST last (it adds bookings).
PAGES = [
    ("bare", "Bare view (ceiling)"),
    ("catalogue", "Public catalogue"),
    ("site", "Site page"),
    ("host_dashboard", "Host dashboard"),
    ("admin_queue", "Administration queue"),
    ("director_queue", "Director's queue"),
    ("finance_overview", "Finance overview"),
    ("invoice_pdf", "Invoice PDF download"),
    ("calendar", "Public calendar"),
    ("event_page", "Organiser's event page"),
    ("booking", "Booking (POST)"),
]


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def db_name(scale: str) -> str:
    return f"inspira_bench_{scale.lower()}"


def scale_env(scale: str, args) -> dict:
    """The environment of every process of a scale: production settings except what plain HTTP on the
    loopback needs (no HTTPS redirect, cookies not marked Secure), plus the bench-only URL."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "INSPIRA_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "DATABASE_URL": f"{PG}/{db_name(scale)}",
        "REDIS_URL": args.redis_url,
        "INSPIRA_VAR_DIR": str(WORK / db_name(scale)),
        "STATIC_ROOT": str(WORK / "static"),
        "LOG_LEVEL": "WARNING",
    })
    return env


def child(step: str, scale: str, env: dict, *extra: str) -> dict:
    """Run a Django step in its own process; it prints its result as the last line, ``RESULT {...}``."""
    out = subprocess.run([str(PYTHON), str(BENCH / "run.py"), step, scale, *extra], env=env, cwd=ROOT,  # noqa: S603
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-5000:] + out.stderr[-5000:])
        raise SystemExit(f"step {step} of scale {scale} failed")
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


# --- The database -------------------------------------------------------------------------------------------


def _admin_sql(*statements: str) -> list:
    import psycopg

    rows = []
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for statement in statements:
            cur = conn.execute(statement)
            rows.append(cur.fetchall() if cur.description else None)
    return rows


def database_exists(scale: str) -> bool:
    return bool(_admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{db_name(scale)}'")[0])  # noqa: S608


def database_size(scale: str) -> str:
    return _admin_sql(f"SELECT pg_size_pretty(pg_database_size('{db_name(scale)}'))")[0][0][0]  # noqa: S608


def build_database(scale: str, env: dict) -> dict:
    name = db_name(scale)
    say(f"{scale}: creating the database {name}")
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    subprocess.run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT,  # noqa: S603
                   check=True)
    migrated = time.perf_counter() - started
    say(f"{scale}: migrated in {migrated:.1f} s; writing the data")
    result = child("_build", scale, env)
    result["seconds_migrate"] = round(migrated, 1)
    say(f"{scale}: {result['rows_total']:,} rows in {result['seconds_total']:.1f} s "
        f"(generate and COPY {result['seconds_generate_and_copy']:.1f} s, then sequences and ANALYZE)")
    return result


# --- The server and the load ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def gunicorn_config() -> Path | None:
    """The project's production gunicorn settings, if it has them (gunicorn reads ./gunicorn.conf.py)."""
    path = ROOT / "gunicorn.conf.py"
    return path if path.exists() else None


class Server:
    """gunicorn as production runs it: the project's gunicorn.conf.py when there is one, with the address,
    the number and kind of workers and the log files given here, and no worker recycling: at benchmark
    rates every worker reaches ``max_requests`` within a second of the others, and the restart of all of
    them at once stalled the server for seconds in the middle of a page's run (bench/README.md)."""

    def __init__(self, env: dict, args, log: Path):
        self.port = free_port()
        config = gunicorn_config()
        command = [str(GUNICORN), "inspira.wsgi:application", *(["--config", str(config)] if config else []),
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(args.workers),
                   "--worker-class", args.worker_class, "--threads", str(args.threads_per_worker),
                   "--max-requests", "0", "--log-level", "warning", "--error-logfile", str(log),
                   "--access-logfile", str(log.with_name("access.log"))]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(self.port, "/bench/bare/")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wrk(port: int, page_file: str, *, duration: int, connections: int, threads: int) -> dict:
    env = {**os.environ, "BENCH_PAGE": page_file, "BENCH_THREADS": str(threads)}
    out = subprocess.run(  # noqa: S603
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "20s", "-s", str(LUA),  # noqa: S607
         f"http://127.0.0.1:{port}"], env=env, capture_output=True, text=True)
    if out.returncode != 0 or "BENCHJSON " not in out.stdout:
        raise SystemExit(f"wrk failed: {out.stdout}{out.stderr}")
    line = [x for x in out.stdout.splitlines() if x.startswith("BENCHJSON ")][-1]
    return json.loads(line[len("BENCHJSON "):])


def summarise(raw: dict, expect: list[int]) -> dict:
    seconds = raw["duration_us"] / 1e6
    codes = {int(code): n for code, n in raw["codes"].items()}
    unexpected = {code: n for code, n in codes.items() if code not in expect}
    socket_errors = {k: v for k, v in raw["errors"].items() if k != "status" and v}
    lat = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0,
        "p50_ms": round(lat["p50"] / 1000, 1), "p95_ms": round(lat["p95"] / 1000, 1),
        "p99_ms": round(lat["p99"] / 1000, 1), "mean_ms": round(lat["mean"] / 1000, 1),
        "max_ms": round(lat["max"] / 1000, 1),
        "codes": codes, "unexpected_codes": unexpected, "socket_errors": socket_errors,
        "ok": bool(raw["requests"]) and not unexpected and not socket_errors,
    }


def load_scale(scale: str, env: dict, args, prepared: dict) -> dict:
    log = WORK / db_name(scale) / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"{scale}: starting gunicorn ({args.workers} {args.worker_class} workers"
        f"{f' x {args.threads_per_worker} threads' if args.worker_class == 'gthread' else ''})")
    server = Server(env, args, log)
    results = {}
    try:
        for page in prepared["pages"]:
            if args.pages and page["name"] not in args.pages and page["name"] != "bare":
                continue
            if page["method"] == "GET":
                status, body = get(server.port, page["paths"][0], page["headers"])
                if status not in page["expect"]:
                    say(f"{scale}: {page['name']} answers {status}, not {page['expect']}: {body[:300]!r}")
            runs = []
            for duration in ([args.warmup] if args.warmup else []) + [args.duration]:
                raw = wrk(server.port, page["file"], duration=duration, connections=args.concurrency,
                          threads=args.wrk_threads)
                runs.append(raw)
                if page["name"] == "booking":
                    # The next run books the pairs after every request this one made (answered or not).
                    prepared["booking_offset"] += raw["made"]
                    _rewrite_booking_offset(page["file"], prepared["booking_offset"])
            result = summarise(runs[-1], page["expect"])
            result["load1"] = round(os.getloadavg()[0], 2)
            results[page["name"]] = result
            flag = "" if result["ok"] else f"  FAILED: codes {result['codes']}, errors {result['socket_errors']}"
            say(f"{scale}: {page['name']:<17} {result['rps']:>7.1f} req/s  p50 {result['p50_ms']:>6.1f}  "
                f"p95 {result['p95_ms']:>6.1f}  p99 {result['p99_ms']:>6.1f} ms{flag}")
    finally:
        server.stop()
    return results


def _rewrite_booking_offset(page_file: str, offset: int) -> None:
    path = Path(page_file)
    path.write_text(re.sub(r"offset = \d+", f"offset = {offset}", path.read_text()))


# --- The report --------------------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    os_name = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    versions = subprocess.run(  # noqa: S603
        [str(PYTHON), "-c", "import sys, django, gunicorn, weasyprint; print(sys.version.split()[0], "
         "django.get_version(), gunicorn.__version__, weasyprint.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]  # noqa: S603, S607
    postgres = _admin_sql("SHOW server_version")[0][0][0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "os": os_name,
            "kernel": platform.release(), "python": versions[0], "django": versions[1], "gunicorn": versions[2],
            "weasyprint": versions[3], "postgresql": postgres, "wrk": wrk_version}


def invoice_pdf_script() -> dict:
    """bench/invoice_pdf.py as it is (a throwaway SQLite database): the PDF job and rendering medians."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INSPIRA_", "DATABASE_URL"))}
    out = subprocess.run([str(PYTHON), str(BENCH / "invoice_pdf.py")], env=env, cwd=ROOT,  # noqa: S603
                         capture_output=True, text=True, check=True).stdout
    job = re.search(r"PDF job per invoice over (\d+) invoices: median (\d+) ms, 95th percentile (\d+) ms", out)
    render = re.search(r"rendering alone over (\d+) invoices: median (\d+) ms, 95th percentile (\d+) ms", out)
    return {"output": out.strip(), "job_median_ms": int(job.group(2)), "job_p95_ms": int(job.group(3)),
            "render_median_ms": int(render.group(2)), "render_p95_ms": int(render.group(3)),
            "invoices": int(render.group(1))}


def write_report(path: Path) -> None:
    runs = {}
    for scale in ("S", "M", "L"):
        file = RESULTS / f"{scale}.json"
        if file.exists():
            runs[scale] = json.loads(file.read_text())
    if not runs:
        return
    first = next(iter(runs.values()))
    m = first["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `bin/bench` (bench/run.py); the raw figures are in `bench/results/<scale>.json`. How the",
        "figures are made and what they mean: bench/README.md.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']} (Linux {m['kernel']})",
        f"- Software: Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}, "
        f"gunicorn {m['gunicorn']}, wrk {m['wrk']}, WeasyPrint {m['weasyprint']}",
    ]
    for scale, run in runs.items():
        s = run["settings"]
        b = run["build"]
        lines += [
            "",
            f"## {scale}: {run['scale_text']}",
            "",
            (f"Run {run['started']} to {run['date'][11:]}" if run.get("started") else f"Run finished {run['date']}")
            + f"; gunicorn {s['workers']} {s['worker_class']} workers"
            + (f" × {s['threads_per_worker']} threads" if s["worker_class"] == "gthread" else "")
            + (f" ({s['gunicorn_config']} for everything else)" if s.get("gunicorn_config") else "")
            + f"; wrk {s['wrk_threads']} threads, {s['concurrency']} connections, {s['duration']} s per page "
            f"after {s['warmup']} s of warm-up; load average before the run {run['load_before']}.",
            f"Database `{run['database']}`: {run['database_size']}, {b.get('rows_total', 0):,} rows written in "
            f"{b.get('seconds_total', '?')} s (+ {b.get('seconds_migrate', '?')} s migrations)"
            + (" (reused)" if run.get("reused") else "") + ".",
            "",
            "| page | req/s | p50 ms | p95 ms | p99 ms | queries | p95 / bare p95 | alone ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        bare = run["pages"].get("bare", {}).get("p95_ms") or 0
        for name, label in PAGES:
            page = run["pages"].get(name)
            if page is None:
                continue
            ratio = f"{page['p95_ms'] / bare:.1f}" if bare else "–"
            status = "" if page["ok"] else f" **FAILED** (codes {page['codes']}, {page['socket_errors']})"
            queries = run["queries"].get(name, {}).get("queries", "–")
            alone = run["queries"].get(name, {}).get("serial_ms")
            lines.append(f"| {label}{status} | {page['rps']:.0f} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
                         f"{page['p99_ms']:.1f} | {queries} | {ratio} | {alone if alone is not None else '–'} |")
        render = run.get("render", {})
        if render:
            lines += ["", f"Invoice PDF rendering on this database's invoices ({render['count']} invoices of the "
                          f"benchmark site, after one cold render): median {render['median_ms']:.0f} ms, "
                          f"95th percentile {render['p95_ms']:.0f} ms"
                          + (f"; CPU time median {render['cpu_median_ms']:.0f} ms." if "cpu_median_ms" in render
                             else ".")]
        afresh = [(label, run["queries"][name + ":afresh"]) for name, label in PAGES
                  if name + ":afresh" in run["queries"]]
        if afresh:
            lines += ["", "Anonymous visitors get the catalogue, the site page and the calendar from a cache, and "
                      "the finance overview keeps its sums until they change (inspira/core/pagecache.py): the table "
                      "measures "
                      "that steady state. Made afresh, as the first request after a change is: "
                      + "; ".join(f"{label.lower()} {q['queries']} queries, {q['serial_ms']} ms alone"
                                  for label, q in afresh) + "."]
    queries = [(name, label, [runs[s]["queries"].get(name, {}).get("queries") for s in runs]) for name, label in PAGES]
    lines += ["", "## Queries per request at each scale", "",
              "| page | " + " | ".join(runs) + " | same at every scale |", "|---|" + "---:|" * len(runs) + "---|"]
    for name, label, counts in queries:
        same = "yes" if len(set(counts)) == 1 and None not in counts else "**no**"
        lines.append(f"| {label} | " + " | ".join(str(c) for c in counts) + f" | {same} |")
        fresh = [runs[s]["queries"].get(name + ":afresh", {}).get("queries") for s in runs]
        if any(c is not None for c in fresh):
            same = "yes" if len(set(fresh)) == 1 and None not in fresh else "**no**"
            lines.append(f"| {label}, made afresh | " + " | ".join(str(c) for c in fresh) + f" | {same} |")
    pdf = first.get("invoice_pdf_script")
    if pdf:
        lines += ["", "## Invoice PDF (bench/invoice_pdf.py)", "",
                  f"{pdf['invoices']} invoices in a throwaway SQLite database: the whole PDF job (render, store, "
                  f"e-invoice, email) median {pdf['job_median_ms']} ms (95th percentile {pdf['job_p95_ms']} ms); "
                  f"rendering alone median {pdf['render_median_ms']} ms (95th percentile {pdf['render_p95_ms']} ms)."]
    kept = ""
    if path.exists() and KEEP_MARKER in path.read_text():
        kept = path.read_text().split(KEEP_MARKER, 1)[1]
    path.write_text("\n".join(lines) + "\n\n" + KEEP_MARKER + (kept or "\n"))


# --- The orchestrator ----------------------------------------------------------------------------------------------


def run_scale(scale: str, args, machine_info: dict) -> None:
    from bench.data import SCALES

    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    env = scale_env(scale, args)
    (WORK / db_name(scale)).mkdir(parents=True, exist_ok=True)
    build = {}
    reused = args.reuse and database_exists(scale)
    if reused:
        say(f"{scale}: reusing the database {db_name(scale)}")
        previous = RESULTS / f"{scale}.json"
        if previous.exists():
            build = json.loads(previous.read_text()).get("build", {})
    else:
        build = build_database(scale, env)
    # The scales share one Redis database: a public page or the programmes' state cached from the last
    # scale (or an earlier run on other rows) must not answer for this one's.
    _flush_redis(args.redis_url)
    prepared = child("_prepare", scale, env)
    load_before = round(os.getloadavg()[0], 2)
    pages = load_scale(scale, env, args, prepared)
    say(f"{scale}: counting queries per request and timing invoice PDF rendering")
    after = child("_queries", scale, env)
    for name, info in after["queries"].items():
        if not info.get("ok", True):
            say(f"{scale}: {name}: the in-process request answered {info['status']} (expected {info['expect']})")
    sc = SCALES[scale]
    result = {
        "scale": scale,
        "scale_text": ", ".join(f"{n:,} {what}".replace(",", " ") for n, what in
                                ((sc.schools, "schools"), (sc.sites, "sites"), (sc.visits, "visits"),
                                 (sc.events, "events"), (sc.registrations, "registrations"))),
        "started": started,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": db_name(scale),
        "database_size": database_size(scale),
        "reused": reused,
        "machine": machine_info,
        "settings": {"gunicorn_config": str(gunicorn_config().relative_to(ROOT)) if gunicorn_config() else "",
                     "workers": args.workers, "worker_class": args.worker_class,
                     "threads_per_worker": args.threads_per_worker, "wrk_threads": args.wrk_threads,
                     "concurrency": args.concurrency, "duration": args.duration, "warmup": args.warmup},
        "load_before": load_before,
        "build": build,
        "pages": pages,
        "queries": after["queries"],
        "render": after["render"],
    }
    previous = RESULTS / f"{scale}.json"
    if args.pages and previous.exists():
        # A partial run (--pages) keeps the other pages' figures of the last run.
        old = json.loads(previous.read_text())
        result["pages"] = {**old.get("pages", {}), **pages}
        result["queries"] = {**old.get("queries", {}), **after["queries"]}
    RESULTS.mkdir(exist_ok=True)
    previous.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", default=["S", "M", "L"], choices=["S", "M", "L"])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load first (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="open connections (default 8)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 8),
                        help="gunicorn workers (default 2 x cores + 1, at most 8, as gunicorn.conf.py)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads-per-worker", type=int, default=1, help="with --worker-class gthread")
    parser.add_argument("--reuse", action="store_true", help="keep a database built by an earlier run")
    parser.add_argument("--pages", nargs="+", choices=[name for name, _label in PAGES[1:]],
                        help="only these pages (the bare view always runs)")
    parser.add_argument("--no-pdf-script", action="store_true", help="skip bench/invoice_pdf.py")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    WORK.mkdir(parents=True, exist_ok=True)
    machine_info = machine()
    say(f"{machine_info['cpu']}, {machine_info['cores']} cores; scales {' '.join(args.scales)}, "
        f"{args.duration} s per page at {args.concurrency} connections")
    say("collecting static files (whitenoise's manifest, as in production)")
    subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],  # noqa: S603
                   env=scale_env(args.scales[0], args), cwd=ROOT, check=True)
    for scale in args.scales:
        run_scale(scale, args, machine_info)
    if not args.no_pdf_script:
        say("bench/invoice_pdf.py (the PDF job on a throwaway SQLite database)")
        pdf = invoice_pdf_script()
        for scale in args.scales:
            file = RESULTS / f"{scale}.json"
            data = json.loads(file.read_text())
            data["invoice_pdf_script"] = pdf
            file.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    _flush_redis(args.redis_url)
    write_report(BENCH / "RESULTS.md")
    for scale in args.scales:
        say(f"{scale}: database {db_name(scale)} kept ({database_size(scale)})")
    say("wrote bench/RESULTS.md")


def _flush_redis(url: str) -> None:
    """The booking POSTs enqueued email jobs (no cluster runs during the benchmark): drop them."""
    import redis

    redis.Redis.from_url(url).flushdb()


# --- The steps inside Django ------------------------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _step_build(scale: str) -> dict:
    from django.db import connection
    from psycopg import sql

    from bench.data import build

    result = build(scale)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(connection.settings_dict["NAME"]), sql.Literal(json.dumps(result["targets"]))
        ).as_string(cursor.cursor))
    return result


def _targets() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = "
                       "current_database()")
        return json.loads(cursor.fetchone()[0])


def _session(user) -> str:
    """A logged-in session for ``user``, made on the server side as a login would make it. When django-otp is
    installed, a central role's session has passed the second step, as after entering a code (a confirmed
    TOTP device of the person); other people's sessions have no second step, as in the product."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if "django_otp" in settings.INSTALLED_APPS and user.role:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, name="bench").first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _booking_offset(targets: dict) -> int:
    """The first (booker, occasion) pair no earlier run has used: one past the highest pair booked."""
    from inspira.visits.models import Booking

    bookers = {school: n for n, (_user, school) in enumerate(targets["bookers"])}
    occasions = {pk: n for n, pk in enumerate(targets["occasions"])}
    used = [bookers[s] * len(occasions) + occasions[o] for o, s in Booking.objects.filter(
        occasion_id__in=occasions, school_id__in=bookers).values_list("occasion_id", "school_id")]
    return max(used) + 1 if used else 0


def _lua(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a valid Lua string for these (ASCII) values


def _step_prepare(scale: str) -> dict:
    from django.conf import settings
    from django.urls import reverse

    from inspira.accounts.models import User
    from inspira.billing.models import Invoice
    from inspira.billing.tasks import invoice_pdf_ensure

    targets = _targets()
    users = User.objects.in_bulk([targets["administrator"], targets["director"], targets["finance"],
                                  targets["host"], *(u for u, _s in targets["bookers"])])
    users |= User.objects.in_bulk([targets["coordinator"]])
    roles = ("administrator", "director", "finance", "host", "coordinator")
    cookie = {role: _session(users[targets[role]]) for role in roles}
    # The invoices the load downloads have their PDFs, rendered by the job's own function.
    for invoice in Invoice.objects.filter(pk__in=targets["invoices"]).prefetch_related("lines"):
        if invoice.pdf and not invoice.pdf.storage.exists(invoice.pdf.name):
            Invoice.objects.filter(pk=invoice.pk).update(pdf="", rendered_at=None)
            invoice.pdf = ""
        if not invoice.pdf:
            invoice_pdf_ensure(invoice)
    site = targets["site"]
    paths = {
        "bare": [reverse("bench_bare")],
        "catalogue": [reverse("catalogue:index")],
        "site": [reverse("catalogue:site", args=[site])],
        "host_dashboard": [reverse("visits:site_visits", args=[site])],
        "admin_queue": [reverse("certification:queue")],
        "director_queue": [reverse("certification:decisions")],
        "finance_overview": [reverse("billing:overview")],
        "invoice_pdf": [reverse("billing:invoice_pdf", args=[pk]) for pk in targets["invoices"]],
        "calendar": [reverse("events:calendar")],
        "event_page": [reverse("events:detail", args=[targets["event"]])],
    }
    who = {"host_dashboard": "host", "admin_queue": "administrator", "director_queue": "director",
           "finance_overview": "finance", "invoice_pdf": "finance", "event_page": "coordinator"}
    folder = WORK / settings.DATABASES["default"]["NAME"] / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for name, _label in PAGES:
        file = folder / f"{name}.lua"
        if name == "booking":
            offset = _booking_offset(targets)
            post = {"bookers": [{"cookie": _session(users[u]), "school": s} for u, s in targets["bookers"]],
                    "occasions": targets["occasions"], "offset": offset, "run": int(time.time()) % 2**31,
                    "csrf": "benchcsrfsecret0123456789abcdefg"}
            text = _lua({"post": post}).replace(f'["offset"] = {offset}', f"offset = {offset}")
            file.write_text(f"return {text}\n")
            pages.append({"name": name, "method": "POST", "file": str(file), "expect": [302], "headers": {}})
            continue
        headers = {"Cookie": cookie[who[name]]} if name in who else {}
        file.write_text(f"return {_lua({'paths': paths[name], 'headers': headers})}\n")
        pages.append({"name": name, "method": "GET", "file": str(file), "paths": paths[name], "headers": headers,
                      "expect": [200]})
    return {"pages": pages, "booking_offset": _booking_offset(targets)}


def _step_queries(scale: str) -> dict:
    """Queries of one request to each page, in-process (the second request: the first warms caches), and the
    invoice PDF rendering time on this database's invoices."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    prepared = _step_prepare(scale)
    targets = _targets()
    queries = {}
    for page in prepared["pages"]:
        client = Client()
        if page["method"] == "POST":
            from inspira.accounts.models import User

            def booking_post(client):
                offset = _booking_offset(targets)
                user, school = targets["bookers"][offset // len(targets["occasions"])]
                occasion = targets["occasions"][offset % len(targets["occasions"])]
                client.cookies["sessionid"] = _session(User.objects.get(pk=user)).split("=", 1)[1]
                data = {"school": school, "participants": 1, "contact_name": "Bench Booker",
                        "contact_email": "bokare@bench.example.se", "idempotency_key": str(uuid.uuid4())}
                path = f"/besok/tillfalle/{occasion}/boka/"
                with CaptureQueriesContext(connection) as captured:
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = client.post(path, data)
                    took = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
                return path, response, [q["sql"] for q in captured.captured_queries], took

            path, response, sql, _took = booking_post(client)
            # Ten more, each a new pair, for what one booking costs alone (the first warmed up).
            took = [booking_post(client)[3] for _ in range(10)]
            serial_ms = round(statistics.median(t for t, _c in took), 1)
            serial_cpu_ms = round(statistics.median(c for _t, c in took), 1)
        else:
            cookie = page["headers"].get("Cookie")
            if cookie:
                key, value = cookie.split("=", 1)
                client.cookies[key] = value
            path = page["paths"][0]
            response, sql, serial_ms, serial_cpu_ms = _get_timed(client, path)
            if page["name"] in AFRESH:
                # Anonymous visitors get these pages from the cache, and the finance overview keeps its
                # sums (inspira/core/pagecache.py); measure them made afresh too, as the first request
                # after a change is.
                from django.test import override_settings

                with override_settings(**AFRESH[page["name"]]):
                    _r, fresh_sql, fresh_ms, fresh_cpu_ms = _get_timed(client, path)
                queries[page["name"] + ":afresh"] = {"queries": len(fresh_sql), "serial_ms": fresh_ms,
                                                     "serial_cpu_ms": fresh_cpu_ms}
        queries[page["name"]] = {"queries": len(sql), "status": response.status_code, "path": path,
                                 "serial_ms": serial_ms, "serial_cpu_ms": serial_cpu_ms, "expect": page["expect"],
                                 "ok": response.status_code in page["expect"], "sql": [q[:300] for q in sql]}
    return {"queries": queries, "render": _render_times(targets)}


# Pages served from a cache at steady state, and the settings that make them afresh.
AFRESH = {"catalogue": {"PUBLIC_PAGE_CACHE_SECONDS": 0}, "site": {"PUBLIC_PAGE_CACHE_SECONDS": 0},
          "calendar": {"PUBLIC_PAGE_CACHE_SECONDS": 0}, "finance_overview": {"FINANCE_OVERVIEW_CACHE_SECONDS": 0}}


def _get_timed(client, path: str):
    """The second request's answer and queries (the first warms up), then the median wall and CPU
    milliseconds of 15 more, one at a time, in this process: what a request costs without queueing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    # Read now: every request clears the connection's query log (django.db.reset_queries).
    sql = [q["sql"] for q in captured.captured_queries]
    times, cpu = [], []
    for _ in range(15):
        t0, c0 = time.perf_counter(), time.process_time()
        answer = client.get(path)
        if hasattr(answer, "streaming_content"):
            b"".join(answer.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return response, sql, round(statistics.median(times), 1), round(statistics.median(cpu), 1)


def _render_times(targets: dict) -> dict:
    from inspira.billing.documents import render_invoice_pdf
    from inspira.billing.models import Invoice

    invoices = list(Invoice.objects.filter(pk__in=targets["invoices"]).select_related("credits")
                    .prefetch_related("lines"))
    render_invoice_pdf(invoices[0])  # cold: WeasyPrint's import and fonts
    times, cpu = [], []
    for invoice in invoices * 2:
        t0, c0 = time.perf_counter(), time.process_time()
        render_invoice_pdf(invoice)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    return {"count": len(invoices), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(round(0.95 * (len(times) - 1)))], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1)}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1].startswith("_"):
        step, scale_arg = sys.argv[1], sys.argv[2]
        _django()
        function = {"_build": _step_build, "_prepare": _step_prepare, "_queries": _step_queries}[step]
        print("RESULT " + json.dumps(function(scale_arg), default=str), flush=True)
    else:
        main()
