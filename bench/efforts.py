"""Benchmark: the centre's overview of the tailor-made efforts (a script, not a test).

    .venv/bin/python bench/efforts.py                     # S, M and L on throwaway SQLite databases
    .venv/bin/python bench/efforts.py --scales M --requests 50
    DATABASE_URL=postgres://... .venv/bin/python bench/efforts.py --configured-db --scales M   # adds rows to it!

Builds Pedagogcentrum's efforts over three years at each scale (fixed seed), then asks for the overview
(``/insatser/oversikt/``) as the programme's coordinator through Django's test client, in this process:
the first page, filtered by state (the proposals being prepared, whose clocks are derived) and filtered by
an area; and the programme's own page (no list) as a reference for what the machine gives any page at
the moment. For each page it counts the queries of one request (the aim: the same at S, M and L) and times
``--requests`` more, one at a time, printing the median and the 95th percentile (the first request, which
warms up, is left out).

| scale | schools | efforts | of which preparing a proposal |
|---|---:|---:|---:|
| S | 6 | 60 | about 4 |
| M | 60 | 600 | about 40 |
| L | 600 | 6 000 | about 400 |

The efforts are spread over the five development areas, the schools and three years: the older ones ended
(documented, shared) or withdrawn, the last half year's running (an accepted proposal, some after a second
version), the last two months' requested, with a planning meeting booked or a proposal being prepared
(clocks running, warned, late, paused, extended), each with its clock log, proposals and documentation, as
the services would have written them. Rows are written with ``bulk_create``; the audit and events rows the
services add are left out (the overview does not read them).
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"S": (6, 60), "M": (60, 600), "L": (600, 6000)}  # schools, efforts


def _setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inspira.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def build(scale: str, *, run: str, seed: int = 15) -> dict:
    """The scale's schools, principals, coordinator and efforts; returns what the pages need."""
    from django.db import transaction
    from django.utils import timezone

    from inspira.accounts.models import Membership, User
    from inspira.efforts import clock as proposal_clock
    from inspira.efforts.models import Area, ClockEvent, Document, Effort, Proposal, ProposalResponse
    from inspira.programmes.models import Programme, ProgrammeCoordinator
    from inspira.programmes.state import forget
    from inspira.schools.models import District, School

    rnd = random.Random(f"{seed}-{scale}")  # noqa: S311  (test data, not secrets)
    n_schools, n_efforts = SCALES[scale]
    today = timezone.localdate()
    is_working = proposal_clock.working_day_test()
    with transaction.atomic():
        programme = Programme.objects.get(key="tailor_made")
        Programme.objects.filter(pk=programme.pk).update(is_active=True)
        coordinator = User.objects.create_user(f"pedagogcentrum-{run}@bench.example", name="Helena Bänk")
        ProgrammeCoordinator.objects.create(programme=programme, user=coordinator)
        district = District.objects.get_or_create(name="Bänkområdet")[0]
        base = int(run, 16) % 9_000_000 * 10
        schools = School.objects.bulk_create([School(
            name=f"Bänkskolan {scale}{n}", unit_code=f"{(base + n) % 100_000_000:08d}",
            organisation_number="212000-0142", district=district, street_address=f"Skolvägen {n}",
            postal_code="11122", invoice_address="Box 1", invoice_reference=f"B{n}",
            contact_email=f"skola{n}-{run}@bench.example") for n in range(n_schools)])
        principals = User.objects.bulk_create([User(email=f"rektor{n}-{run}@bench.example", name=f"Rektor {n}")
                                               for n in range(n_schools)])
        Membership.objects.bulk_create([Membership(user=p, school=s, role=Membership.Role.PRINCIPAL,
                                                   confirmed_at=timezone.now())
                                        for p, s in zip(principals, schools, strict=True)])
        areas = list(Area.objects.all())
        specs = []
        for n in range(n_efforts):
            age = int(rnd.triangular(0, 3 * 365, 0))  # days since the request: more recent than old
            if age < 60:
                state = rnd.choices(["requested", "planning", "proposal"], [2, 2, 6])[0]
            elif age < 180:
                state = rnd.choices(["running", "proposal", "withdrawn"], [8, 1, 1])[0]
            else:
                state = rnd.choices(["ended", "withdrawn"], [9, 1])[0]
            specs.append((n, age, state))
        efforts = Effort.objects.bulk_create([Effort(
            programme=programme, title=f"Insats {n}: {rnd.choice(['Läslyft', 'Formativ bedömning', 'Studiero'])}",
            area=areas[n % len(areas)], need="Lärarna vill utveckla undervisningen tillsammans.",
            target_group="Alla lärare", staff_count=20, requested_by=principals[n % n_schools], leader=coordinator,
            state=state, withdrawn_reason="Rektor ville vänta." if state == "withdrawn" else "",
            requested_at=timezone.now() - datetime.timedelta(days=age),
            documentation_shared_at=timezone.now() - datetime.timedelta(days=age - 150) if state == "ended" else None,
        ) for n, age, state in specs])
        for effort, (_n, age, _state) in zip(efforts, specs, strict=True):
            effort.created_at = timezone.now() - datetime.timedelta(days=age)
        Effort.objects.bulk_update(efforts, ["created_at"], batch_size=500)
        Effort.schools.through.objects.bulk_create([
            Effort.schools.through(effort=effort, school=schools[(n + k) % n_schools])
            for effort, (n, _age, _state) in zip(efforts, specs, strict=True) for k in range(1 + (n % 5 == 0))])
        clock_rows, proposals, documents = [], [], []
        for effort, (n, age, state) in zip(efforts, specs, strict=True):
            if state in ("requested", "planning", "withdrawn"):
                continue
            requested = today - datetime.timedelta(days=age)
            if state == "proposal":
                started = proposal_clock.subtract_working_days(today, min(age, rnd.choice([2, 5, 8, 9, 14, 30])),
                                                               is_working)
            else:
                started = requested + datetime.timedelta(days=14)
            clock_rows.append(ClockEvent(effort=effort, kind="started", day=started))
            if state == "proposal":
                if n % 7 == 0:
                    clock_rows.append(ClockEvent(effort=effort, kind="paused", day=started + datetime.timedelta(1),
                                                 reason="Rektor är sjuk."))
                elif n % 5 == 0:
                    clock_rows.append(ClockEvent(effort=effort, kind="extended", day=started, working_days=3,
                                                 reason="Fler träffar behövs."))
                continue
            met = proposal_clock.add_working_days(started, rnd.randint(5, 12), is_working)
            clock_rows.append(ClockEvent(effort=effort, kind="met", day=met))
            for version in range(1, 2 + (n % 3 == 0)):
                proposals.append(Proposal(effort=effort, version=version, summary="Fyra träffar för hela kollegiet.",
                                          goals="Alla lärare prövar arbetssättet.", plan="Träff 1–4.",
                                          created_by=coordinator))
            for k in range(3):
                documents.append(Document(effort=effort, kind=["note", "lesson", "good_example"][k],
                                          title=f"Dokumentation {k + 1}", text="Vi följde upp arbetet.",
                                          author=coordinator, happened_on=met + datetime.timedelta(days=20 * k)))
        for k in range(0, len(clock_rows)):
            clock_rows[k].at = timezone.now() - datetime.timedelta(seconds=len(clock_rows) - k)
        ClockEvent.objects.bulk_create(clock_rows, batch_size=500)
        Proposal.objects.bulk_create(proposals, batch_size=500)
        last = {}
        for proposal in proposals:
            last[proposal.effort_id] = proposal
        ProposalResponse.objects.bulk_create([
            ProposalResponse(proposal=p, effort_id=p.effort_id, kind="accepted", by=p.effort.requested_by)
            for p in last.values()], batch_size=500)
        Document.objects.bulk_create(documents, batch_size=500)
    forget()
    states = {}
    for _n, _age, state in specs:
        states[state] = states.get(state, 0) + 1
    return {"coordinator": coordinator, "area": areas[0], "states": states, "clock_rows": len(clock_rows),
            "proposals": len(proposals), "documents": len(documents)}


def measure(client, path: str, params: dict, requests: int) -> dict:
    from django.db import connection

    first = client.get(path, params)
    assert first.status_code == 200, (path, first.status_code)
    # Counted as they run: the query log is emptied as each request starts (django.db.reset_queries).
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path, params)
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return {"queries": len(captured), "p50": statistics.median(times), "p95": _percentile(times, 0.95)}


def child(scale: str, requests: int, configured_db: bool) -> dict:
    """One scale, in this (fresh) process: its own database, the data, the pages."""
    import uuid

    folder = tempfile.TemporaryDirectory(prefix="inspira-bench-efforts-")
    os.environ["INSPIRA_VAR_DIR"] = folder.name
    try:
        _setup(None if configured_db else f"sqlite:///{folder.name}/bench.sqlite3")
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        started = time.perf_counter()
        made = build(scale, run=uuid.uuid4().hex[:6])
        built = time.perf_counter() - started
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
        client.force_login(made["coordinator"])
        path = reverse("efforts:overview")
        pages = {"first page": (path, {}),
                 "filtered by state (proposal being prepared)": (path, {"state": "proposal"}),
                 f"filtered by area ({made['area'].name})": (path, {"area": made["area"].pk}),
                 # A page with no list, through the same middleware: what the machine gives any page now.
                 "reference: the programme's page": (reverse("efforts:index"), {})}
        return {"scale": scale, "engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "built_s": round(built, 1), "states": made["states"], "clock_rows": made["clock_rows"],
                "proposals": made["proposals"], "documents": made["documents"],
                "pages": {name: measure(client, url, params, requests) for name, (url, params) in pages.items()},
                "load_average": os.getloadavg()[0]}
    finally:
        folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="*", default=list(SCALES), choices=list(SCALES))
    parser.add_argument("--requests", type=int, default=30, help="timed requests a page (default 30)")
    parser.add_argument("--configured-db", action="store_true",
                        help="use the database of DATABASE_URL instead of a throwaway SQLite file (adds rows to it: "
                             "give one scale)")
    args = parser.parse_args()
    results = []
    for scale in args.scales:
        command = [sys.executable, __file__, "_child", scale, str(args.requests)]
        if args.configured_db:
            command.append("--configured-db")
        out = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
        if out.returncode != 0:
            raise SystemExit(f"{scale} failed:\n{out.stderr}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{scale} ({result['engine']}): {SCALES[scale][1]} efforts, {SCALES[scale][0]} schools, states "
              f"{result['states']}, {result['clock_rows']} clock entries, {result['proposals']} proposals, "
              f"{result['documents']} documents; built in {result['built_s']} s; load average "
              f"{result['load_average']:.1f}", flush=True)
        for name, page in result["pages"].items():
            print(f"  {name}: {page['queries']} queries, median {page['p50']:.1f} ms, "
                  f"95th percentile {page['p95']:.1f} ms", flush=True)
    print("\n| scale | page | queries | median ms | 95th percentile ms |\n|---|---|---:|---:|---:|")
    for result in results:
        for name, page in result["pages"].items():
            print(f"| {result['scale']} | {name} | {page['queries']} | {page['p50']:.1f} | {page['p95']:.1f} |")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "_child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), "--configured-db" in sys.argv[4:])))
    else:
        main()
