"""The benchmarking round's proposal, timed: selection, grouping and timetable on synthetic rounds.

    .venv/bin/python bench/benchmarking.py               # every scenario, 3 runs each
    .venv/bin/python bench/benchmarking.py --runs 1 --scenarios 300/120

Each run is a fresh Python process, so the figures include importing the solver (OR-Tools imports
pandas and takes seconds the first time) and the Swedish holiday calendar, as the first proposal a
worker makes pays them. The child runs the three steps as the job does (``inspira.benchmarking.
proposals``, its budget in ``tasks``): selection, then grouping with ``GROUPING_SHARE`` of what is
left of ``DEADLINE``, then the timetable with the rest; the database is left out (the job reads a few
hundred rows and writes about as many). ``--with-db`` also times the job itself on a throwaway SQLite
database: in a process that has not imported the solver, and in a warm worker (one that loaded the
solver as it started, ``inspira/benchmarking/workers.py``). Writes bench/results/benchmarking.json and
bench/results/benchmarking.md. See bench/README.md.

The data is made from a fixed seed: schools in 12 districts and of 3 kinds (school forms), each
teacher with a grade band, a tenth deferred from an earlier round, up to five unavailable days in the
visit window (September to November 2027), every school closed in the autumn break (week 44) and
a third of them on a study day of their own besides, and pairs of people grouped in an earlier round.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"

# name: (registrations, schools, max participants, group size)
SCENARIOS = {
    "30/12": (30, 12, 30, 3),
    "300/120": (300, 120, 30, 3),
    "300/120, all admitted": (300, 120, 300, 3),
}
WINDOW = (datetime.date(2027, 9, 1), datetime.date(2027, 11, 30))
AUTUMN_BREAK = (datetime.date(2027, 11, 1), datetime.date(2027, 11, 5))


def make_round(registrations: int, schools: int, seed: int = 14) -> dict:
    """Plain data for one round (JSON-able)."""
    rnd = random.Random(seed * 1000 + registrations + schools)  # noqa: S311  (test data, not secrets)
    kinds = [["grundskola"], ["forskoleklass", "grundskola", "fritidshem"], ["grundskola", "gymnasieskola"]]
    school_rows = [{"id": s, "district": rnd.randrange(12), "kind": rnd.choice(kinds)} for s in range(schools)]
    # Some schools send many teachers, most a few: every school at least one.
    weights = [rnd.paretovariate(1.5) for _ in range(schools)]
    chosen = list(range(schools)) + rnd.choices(range(schools), weights=weights, k=registrations - schools)
    rnd.shuffle(chosen)
    days = (WINDOW[1] - WINDOW[0]).days + 1
    people = []
    for i, school in enumerate(chosen):
        unavailable = sorted({(WINDOW[0] + datetime.timedelta(days=rnd.randrange(days))).isoformat()
                              for _ in range(rnd.randrange(6))})
        people.append({"id": i + 1, "user": 10_000 + i, "school": school, "order": i,
                       "deferred": rnd.random() < 0.1, "band": rnd.choice(["F-3", "4-6", "7-9"]),
                       "unavailable": unavailable})
    closed = {}
    for s in range(schools):
        day, own = AUTUMN_BREAK[0], set()
        while day <= AUTUMN_BREAK[1]:
            own.add(day.isoformat())
            day += datetime.timedelta(days=1)
        if rnd.random() < 1 / 3:
            own.add((WINDOW[0] + datetime.timedelta(days=rnd.randrange(days))).isoformat())
        closed[s] = sorted(own)
    # An earlier round: a third of the people were grouped in threes.
    earlier_people = rnd.sample([p["user"] for p in people], k=(registrations // 3) // 3 * 3)
    earlier = [(a, b) for k in range(0, len(earlier_people), 3)
               for a, b in [(earlier_people[k], earlier_people[k + 1]), (earlier_people[k], earlier_people[k + 2]),
                            (earlier_people[k + 1], earlier_people[k + 2])]]
    return {"schools": school_rows, "people": people, "closed": closed, "earlier_pairs": earlier}


def child(scenario: str) -> dict:
    """One run in this (fresh) process: import, select, group, plan, as the job does."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    registrations, schools, max_participants, size = SCENARIOS[scenario]
    data = make_round(registrations, schools)
    t = time.perf_counter()
    import ortools.sat.python.cp_model  # noqa: F401  (what the job's first run pays)

    from inspira.benchmarking import grouping, selection, timetable
    from inspira.benchmarking.tasks import DEADLINE, GROUPING_SHARE, SEED
    from inspira.core.workdays import is_working_day

    is_working_day(WINDOW[0])  # the holiday calendar of the year, built once a process
    seconds = {"import": time.perf_counter() - t}
    # The job's clock starts when it is given the proposal, the imports already paid by then or not:
    # here it starts before them, the worst case (a worker's first proposal).
    job_started = started

    t = time.perf_counter()
    by_id = {p["id"]: p for p in data["people"]}
    school_of = {s["id"]: s for s in data["schools"]}
    chosen = selection.select([selection.Candidate(id=p["id"], school=p["school"], order=p["order"],
                                                   deferred=p["deferred"]) for p in data["people"]],
                              max_participants=max_participants, group_size=size)
    seconds["selection"] = time.perf_counter() - t

    t = time.perf_counter()
    people = [grouping.Person(id=i, school=by_id[i]["school"], band=by_id[i]["band"],
                              district=school_of[by_id[i]["school"]]["district"],
                              form=tuple(school_of[by_id[i]["school"]]["kind"]), user=by_id[i]["user"])
              for i in chosen.admitted]
    left = DEADLINE - (time.perf_counter() - job_started)
    grouped = grouping.group(people, size=size, earlier_pairs=data["earlier_pairs"], seed=SEED,
                             time_limit=max(0.5, left * GROUPING_SHARE))
    seconds["grouping"] = time.perf_counter() - t

    t = time.perf_counter()
    members = [[timetable.Member(id=i, school=by_id[i]["school"],
                                 unavailable=frozenset(datetime.date.fromisoformat(d) for d in by_id[i]["unavailable"]))
                for i in g] for g in grouped.groups]
    closed = {int(s): {datetime.date.fromisoformat(d) for d in days} for s, days in data["closed"].items()}
    left = DEADLINE - (time.perf_counter() - job_started)
    planned = timetable.plan(members, starts=WINDOW[0], ends=WINDOW[1], min_days_between=7, max_away_per_school=1,
                             closed_days=closed, seed=SEED, time_limit=max(0.5, left))
    seconds["timetable"] = time.perf_counter() - t
    seconds["total in process"] = time.perf_counter() - started

    earlier = {frozenset(p) for p in data["earlier_pairs"]}
    repeated = sum(1 for g in grouped.groups for a in g for b in g
                   if a < b and frozenset((by_id[a]["user"], by_id[b]["user"])) in earlier)
    return {
        "scenario": scenario, "registrations": registrations, "schools": schools,
        "max_participants": max_participants, "group_size": size,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "selection": chosen.objective | {"groups": chosen.groups},
        "grouping": {"status": grouped.status, "objective": grouped.objective,
                     "bound": grouped.details.get("bound"), "groups": len(grouped.groups),
                     "repeated_pairs": repeated, "method": grouped.details.get("method", "solver"),
                     "solver": f"{grouped.solver_name} {grouped.solver_version}", "seed": grouped.seed},
        "timetable": {"status": planned.status, "objective": planned.objective, "visits": len(planned.visits),
                      "unplaced": planned.unplaced},
    }


def db_child(scenario: str, *, warm_start: bool = False) -> dict:
    """The job itself, ``tasks.proposal_run``, on a throwaway SQLite database holding the same round, in
    a process that has set Django up (as a worker has) but not yet imported the solvers. With
    ``warm_start`` the process first does what a job worker does as it starts (django-q2's ``post_spawn``,
    to which ``benchmarking.workers`` connects the solver's import), timed apart, and then makes its first
    proposal only."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    folder = tempfile.TemporaryDirectory(prefix="inspira-bench-")
    os.environ["INSPIRA_VAR_DIR"] = folder.name
    os.environ["DATABASE_URL"] = f"sqlite:///{folder.name}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "inspira.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from inspira.accounts.models import User
    from inspira.benchmarking.models import Group, Interest, Proposal, Round, Visit, grade_band_of
    from inspira.programmes.models import Programme
    from inspira.schools.models import ClosedPeriod, District, School, SchoolForm

    registrations, schools, max_participants, size = SCENARIOS[scenario]
    data = make_round(registrations, schools)
    districts = District.objects.bulk_create([District(name=f"Bänkdistrikt {d}") for d in range(12)])
    rows = School.objects.bulk_create([School(
        name=f"Bänkskolan {s['id']}", unit_code=f"{90000000 + s['id']:08d}", organisation_number="212000-0142",
        district=districts[s["district"]], street_address="Skolvägen 1", postal_code="11122",
        invoice_address="Box 1", invoice_reference=f"B{s['id']}", contact_email=f"skola{s['id']}@example.se")
        for s in data["schools"]])
    forms = {f.code: f for f in SchoolForm.objects.all()}
    School.school_forms.through.objects.bulk_create([
        School.school_forms.through(school=rows[s["id"]], schoolform=forms[code])
        for s in data["schools"] for code in s["kind"] if code in forms])
    ClosedPeriod.objects.create(school=None, name="Höstlov", starts_on=AUTUMN_BREAK[0], ends_on=AUTUMN_BREAK[1])
    ClosedPeriod.objects.bulk_create([
        ClosedPeriod(school=rows[int(s)], name="Studiedag", kind=ClosedPeriod.Kind.STUDY_DAY,
                     starts_on=datetime.date.fromisoformat(d), ends_on=datetime.date.fromisoformat(d))
        for s, days in data["closed"].items() for d in days
        if not AUTUMN_BREAK[0] <= datetime.date.fromisoformat(d) <= AUTUMN_BREAK[1]])
    users = User.objects.bulk_create([User(email=f"larare{p['user']}@example.se", name=f"Lärare {p['user']}")
                                      for p in data["people"]])
    user_of = {p["user"]: u for p, u in zip(data["people"], users, strict=True)}
    programme = Programme.objects.get(key="benchmarking")
    now = timezone.now()
    window = {"visit_window_starts": WINDOW[0], "visit_window_ends": WINDOW[1]}
    earlier = Round.objects.create(programme=programme, title="Förra omgången", stage=Round.Stage.FINISHED,
                                   interest_opens_at=now - datetime.timedelta(days=400),
                                   interest_closes_at=now - datetime.timedelta(days=380),
                                   visit_window_starts=datetime.date(2026, 9, 1),
                                   visit_window_ends=datetime.date(2026, 11, 30))
    round = Round.objects.create(programme=programme, title="Bänkomgången", max_participants=max_participants,
                                 group_size=size, interest_opens_at=now - datetime.timedelta(days=20),
                                 interest_closes_at=now - datetime.timedelta(days=1), **window)
    grades = {"F-3": ["2"], "4-6": ["5"], "7-9": ["8"]}
    Interest.objects.bulk_create([Interest(
        round=round, user=user_of[p["user"]], school=rows[p["school"]], grades=grades[p["band"]],
        grade_band=grade_band_of(grades[p["band"]]), subjects="Svenska", unavailable_days=p["unavailable"],
        registered_at=now - datetime.timedelta(days=15) + datetime.timedelta(minutes=p["order"]),
        deferred_from=earlier if p["deferred"] else None) for p in data["people"]])
    # The earlier round's groups: the pairs the grouping should not repeat.
    pairs = data["earlier_pairs"]
    trios = [pairs[k][0:2] + (pairs[k + 1][1],) for k in range(0, len(pairs), 3)]
    groups = Group.objects.bulk_create([Group(round=earlier, number=n + 1) for n in range(len(trios))])
    Interest.objects.bulk_create([Interest(
        round=earlier, user=user_of[u], school=rows[(3 * g + n) % schools], grades=["2"],
        grade_band="F-3", subjects="Svenska", registered_at=now - datetime.timedelta(days=390), group=groups[g],
        decision=Interest.Decision.ADMITTED) for g, trio in enumerate(trios) for n, u in enumerate(trio)])
    proposal = Proposal.objects.create(round=round)

    from inspira.benchmarking import tasks

    if warm_start:
        from django_q.signals import post_spawn

        assert "ortools.sat.python.cp_model" not in sys.modules
        started = time.perf_counter()
        post_spawn.send(sender="django_q", proc_name="bench")
        worker_start = time.perf_counter() - started
        assert "ortools.sat.python.cp_model" in sys.modules, "the worker's start did not load the solver"
    started = time.perf_counter()
    tasks.proposal_run(proposal.pk)
    job = time.perf_counter() - started
    proposal.refresh_from_db()
    if warm_start:
        return {"scenario": scenario, "status": proposal.status, "error": proposal.error,
                "seconds": {"worker start": round_(worker_start),
                            "job (first proposal, warm worker)": round_(job)},
                "grouping": [proposal.grouping_status, proposal.grouping_objective],
                "timetable": [proposal.timetable_status, proposal.timetable_objective]}
    # A second proposal in the same process: a worker that has made one already (imports paid).
    Round.objects.filter(pk=round.pk).update(stage=Round.Stage.INTEREST)
    again = Proposal.objects.create(round=round)
    started = time.perf_counter()
    tasks.proposal_run(again.pk)
    warm = time.perf_counter() - started
    again.refresh_from_db()
    return {"scenario": scenario, "status": proposal.status, "error": proposal.error,
            "warm": {"status": again.status, "grouping": [again.grouping_status, again.grouping_objective],
                     "timetable": [again.timetable_status, again.timetable_objective]},
            "seconds": {"job (fresh worker)": round_(job), "job (warm worker)": round_(warm),
                        "recorded on the proposal": round_(proposal.seconds or 0),
                        "grouping": proposal.details.get("grouping", {}).get("seconds"),
                        "timetable": proposal.details.get("timetable", {}).get("seconds")},
            "admitted": len(proposal.admitted), "groups": Group.objects.filter(round=round).count(),
            "visits": Visit.objects.filter(group__round=round).count(),
            "grouping": [proposal.grouping_status, proposal.grouping_objective],
            "timetable": [proposal.timetable_status, proposal.timetable_objective]}


def round_(value: float) -> float:
    return round(value, 3)


def run(scenario: str, step: str = "_child") -> dict:
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    out = subprocess.run([str(PYTHON), __file__, step, scenario],  # noqa: S603  (our own script)
                         capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"{scenario} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if step == "_child":
        result["seconds"]["wall (fresh process)"] = round(wall, 3)
    return result


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def markdown(results: list[dict], meta: dict, database: list[dict], warm: list[dict] | None = None) -> str:
    lines = [
        "# The benchmarking round's proposal",
        "",
        f"Run {meta['started']}; {meta['machine']}; Python {meta['python']}; {meta['solver']}; "
        f"load average before the run {meta['load_before']}, after {meta['load_after']}. "
        "Each run is a fresh process; seconds are the median of the runs (the slowest in brackets). "
        "Written by bench/benchmarking.py.",
        "",
        "| scenario | admitted (schools, deferred) | groups | grouping: status, penalty (bound) | repeated pairs "
        "| timetable: status, penalty | import s | selection s | grouping s | timetable s | whole run s "
        "| wall s (fresh process) |",
        "|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in meta["scenarios"]:
        runs = [r for r in results if r["scenario"] == name]
        first = runs[0]

        def med(key, runs=runs):
            values = [r["seconds"][key] for r in runs]
            return f"{statistics.median(values):.2f} ({max(values):.2f})"

        sel, grp, tt = first["selection"], first["grouping"], first["timetable"]
        statuses = sorted({r["grouping"]["status"] for r in runs})
        lines.append(
            f"| {name}: {first['registrations']} registrations, {first['schools']} schools, at most "
            f"{first['max_participants']} | {sel['admitted']} ({sel['schools']}, {sel['deferred']}) | {grp['groups']} "
            f"| {'/'.join(statuses)}, {grp['objective']} ({grp['bound'] if grp['bound'] is not None else '–'})"
            f"{' greedy' if grp['method'] != 'solver' else ''} | {grp['repeated_pairs']} "
            f"| {tt['status']}, {tt['objective']} | {med('import')} | {med('selection')} | {med('grouping')} "
            f"| {med('timetable')} | {med('total in process')} | {med('wall (fresh process)')} |")
    lines += [
        "",
        "Penalties are the objectives of inspira/benchmarking/grouping.py and timetable.py (lower is better; "
        "0 for the timetable means every group's visits are at least a third of the window apart). "
        "\"whole run\" is the job's part from the start of the process: imports, selection, grouping and "
        "timetable; the wall time adds starting Python. The database's reads and writes are not in it.",
        "",
    ]
    if database:
        lines += [
            "The job itself (`tasks.proposal_run`) on a throwaway SQLite database, one run, in a process with "
            "Django set up but the solvers not yet imported (a worker's first proposal), then a second proposal "
            "in the same process (a worker that has made one before):",
            "",
            "| scenario | status | admitted | groups | visits | grouping | timetable | grouping s | timetable s "
            "| job s | job s, second run in the process (warm) |",
            "|---|---|---:|---:|---:|---|---|---:|---:|---:|---|",
        ]
        for r in database:
            lines.append(f"| {r['scenario']} | {r['status']}{(': ' + r['error']) if r['error'] else ''} "
                         f"| {r['admitted']} | {r['groups']} | {r['visits']} | {', '.join(map(str, r['grouping']))} "
                         f"| {', '.join(map(str, r['timetable']))} | {r['seconds']['grouping']} "
                         f"| {r['seconds']['timetable']} | {r['seconds']['job (fresh worker)']:.2f} "
                         f"| {r['seconds']['job (warm worker)']:.2f} ({r['warm']['status']}; "
                         f"{', '.join(map(str, r['warm']['grouping']))}; "
                         f"{', '.join(map(str, r['warm']['timetable']))}) |")
        lines.append("")
    if warm:
        lines += [
            "The job in a warm worker: a fresh process with Django set up does what a django-q2 worker does as it "
            "starts (`post_spawn`, whose receiver in inspira/benchmarking/workers.py imports the solver and builds the "
            "holiday calendar), timed "
            "apart, then makes its first proposal on the same throwaway SQLite database. The import is paid "
            "before the worker takes a task, so the proposal does not wait for it:",
            "",
            "| scenario | status | grouping | timetable | worker start: solver and holiday calendar s "
            "| job s, first proposal in the warm worker |",
            "|---|---|---|---|---:|---:|",
        ]
        for r in warm:
            lines.append(f"| {r['scenario']} | {r['status']}{(': ' + r['error']) if r['error'] else ''} "
                         f"| {', '.join(map(str, r['grouping']))} | {', '.join(map(str, r['timetable']))} "
                         f"| {r['seconds']['worker start']:.2f} "
                         f"| {r['seconds']['job (first proposal, warm worker)']:.2f} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS), choices=list(SCENARIOS))
    parser.add_argument("--with-db", action="store_true", help="also time the job on a throwaway SQLite database")
    args = parser.parse_args()
    meta = {"started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
            "python": platform.python_version(), "load_before": load_average(), "scenarios": args.scenarios}
    results = []
    for name in args.scenarios:
        for n in range(args.runs):
            result = run(name)
            results.append(result)
            print(f"{name} run {n + 1}: {json.dumps(result, ensure_ascii=False)}", flush=True)
    database, warm = [], []
    if args.with_db:
        for name in args.scenarios:
            result = run(name, step="_db_child")
            database.append(result)
            print(f"{name} with the database: {json.dumps(result, ensure_ascii=False)}", flush=True)
            result = run(name, step="_db_warm_child")
            warm.append(result)
            print(f"{name} in a warm worker: {json.dumps(result, ensure_ascii=False)}", flush=True)
    meta["load_after"] = load_average()
    meta["solver"] = results[0]["grouping"]["solver"] if results else ""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "benchmarking.json").write_text(json.dumps({"meta": meta, "runs": results, "with_database": database,
                                                           "warm_worker": warm}, indent=2, ensure_ascii=False) + "\n")
    text = markdown(results, meta, database, warm)
    (RESULTS / "benchmarking.md").write_text(text)
    print(text)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_child":
        print(json.dumps(child(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "_db_child":
        print(json.dumps(db_child(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "_db_warm_child":
        print(json.dumps(db_child(sys.argv[2], warm_start=True)))
    else:
        main()
