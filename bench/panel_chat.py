"""Benchmark: a teacher-panel chat watched by its members (a script, not a test).

    .venv/bin/python bench/panel_chat.py                     # M on a throwaway SQLite database
    .venv/bin/python bench/panel_chat.py --requests 200
    DATABASE_URL=postgres://... .venv/bin/python bench/panel_chat.py --configured-db   # adds rows to it!

Builds one chat of the teacher panel at size M (fixed seed): 300 members, 300 questions (240 approved, 30
answered in writing, 20 waiting for the moderator, 10 declined; one pinned) and 5 000 supports from the 300
members, as the services would have written them (``bulk_create``; the chat itself through
``chat_create``). Then, in this process and through Django's test client with ``bench.settings`` (the
product's settings plus the bare view ``/bench/bare/`` of bench/run.py, so the same middleware), it asks as
watching members, one request at a time, each request by the next of 50 logged-in members in turn, as
their pages poll:

- the bare view (the ceiling the other benches compare with);
- ``panel:chat_feed`` without ``If-None-Match`` (a member's first poll, or each member's poll after a change:
  the fragment, 200, its page of questions from the cache, the member's own supports filled in);
- the same just after a change (the chat's version dropped before each request): the first watcher's poll,
  which renders the page of questions for all;
- ``panel:chat_feed`` with the current ``ETag`` in ``If-None-Match`` (nothing changed: 304, the usual poll);
- ``panel:chat`` (the page a member opens).

For each it counts the queries of one request (the aim: the same whatever the number of questions) and
times ``--requests`` more, printing the median, the 95th percentile and the ratio of the 95th percentile
to the bare view's (the aim: within 3x). The first request of each page, which warms up, is left out.
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

MEMBERS, QUESTIONS, SUPPORTS, WATCHERS = 300, 300, 5000, 50
STATES = [("approved", 240), ("answered", 30), ("received", 20), ("declined", 10)]


def _setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def build(*, run: str, seed: int = 16) -> dict:
    """The members, the chat, its questions and supports; returns what the pages need."""
    from django.db import transaction
    from django.utils import timezone

    from inspira.accounts.models import User
    from inspira.panel import chats
    from inspira.panel.models import ChatQuestion, ChatSupport, ConsentText, Member
    from inspira.programmes.models import Programme, ProgrammeCoordinator
    from inspira.programmes.state import forget
    from inspira.schools.models import District, SchoolForm

    rnd = random.Random(seed)  # noqa: S311  (test data, not secrets)
    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.get(key="teacher_panel")
        Programme.objects.filter(pk=programme.pk).update(is_active=True)
        forget()
        coordinator = User.objects.create_user(f"panel-{run}@bench.example", name="Panel Bänk")
        ProgrammeCoordinator.objects.create(programme=programme, user=coordinator)
        leader = User.objects.create_user(f"borgarrad-{run}@bench.example", name="Skolborgarrådet")
        district = District.objects.get_or_create(name="Bänkområdet")[0]
        school_form = SchoolForm.objects.order_by("pk").first()
        consent = ConsentText.objects.order_by("-version").first()
        users = User.objects.bulk_create([User(email=f"larare{n}-{run}@bench.example", name=f"Lärare {n}")
                                          for n in range(MEMBERS)])
        Member.objects.bulk_create([Member(
            user=u, school_form=school_form, district=district, frequency_days=30, focus_groups=True,
            consent_text=consent, consented_at=now, consent_until=now + datetime.timedelta(days=365), joined_at=now)
            for u in users])
        # The chat is on: it started half an hour ago and ends in half an hour.
        chat = chats.chat_create(actor=coordinator, title="Chatt med skolborgarrådet", leadership="commissioner",
                                 starts_at=now - datetime.timedelta(minutes=30),
                                 ends_at=now + datetime.timedelta(minutes=30),
                                 online_link="https://exempel.se/chatt", leaders=[leader])
        states = [state for state, n in STATES for _ in range(n)]
        rnd.shuffle(states)
        questions = ChatQuestion.objects.bulk_create([ChatQuestion(
            chat=chat, author=users[n % MEMBERS], state=state,
            text=f"Fråga {n}: hur minskar vi den administrativa bördan för lärare i årskurs {n % 9 + 1}?",
            created_at=now - datetime.timedelta(minutes=30) + datetime.timedelta(seconds=5 * n),
            decline_reason="Frågan gäller en enskild skola." if state == "declined" else "",
            answer="Vi ser över dokumentationskraven under våren." if state == "answered" else "",
            answered_by=leader if state == "answered" else None,
            answered_at=now - datetime.timedelta(minutes=1) if state == "answered" else None,
        ) for n, state in enumerate(states)])
        visible = [q for q in questions if q.state in ("approved", "answered")]
        ChatQuestion.objects.filter(pk=visible[0].pk).update(pinned=True)
        # Popular questions get most of the supports (a few dozen with over a hundred).
        weights = [1 / (k + 1) ** 0.8 for k in range(len(visible))]
        pairs = set()
        while len(pairs) < SUPPORTS:
            pairs.add((rnd.choices(range(len(visible)), weights)[0], rnd.randrange(MEMBERS)))
        ChatSupport.objects.bulk_create([ChatSupport(question=visible[q], user=users[u]) for q, u in sorted(pairs)],
                                        batch_size=1000)
    return {"chat": chat, "watchers": users[:WATCHERS], "questions": len(questions), "visible": len(visible),
            "supports": len(pairs)}


def measure(clients, path: str, requests: int, *, status: int = 200, etag: bool = False, before=None) -> dict:
    """``requests`` GETs, each by the next client in turn; with ``etag`` each sends the ETag it got;
    ``before()``, if given, runs before each (untimed)."""
    from django.db import connection

    tags = {}
    for i, client in enumerate(clients):  # every watcher's first poll, not timed
        first = client.get(path)
        assert first.status_code == 200, (path, first.status_code)
        tags[i] = first.get("ETag")
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    headers = {"If-None-Match": tags[0]} if etag else {}
    if before:
        before()
    with connection.execute_wrapper(count):
        clients[0].get(path, headers=headers)
    times = []
    for n in range(requests):
        i = n % len(clients)
        headers = {"If-None-Match": tags[i]} if etag else {}
        if before:
            before()
        t0 = time.perf_counter()
        response = clients[i].get(path, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == status, (path, response.status_code)
    return {"queries": len(captured), "p50": statistics.median(times), "p95": _percentile(times, 0.95)}


def child(requests: int, configured_db: bool) -> dict:
    import uuid

    folder = tempfile.TemporaryDirectory(prefix="inspira-bench-panel-chat-")
    os.environ["INSPIRA_VAR_DIR"] = folder.name
    try:
        _setup(None if configured_db else f"sqlite:///{folder.name}/bench.sqlite3")
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        from inspira.panel import chats

        started = time.perf_counter()
        made = build(run=uuid.uuid4().hex[:6])
        built = time.perf_counter() - started
        host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
        clients = []
        for user in made["watchers"]:
            client = Client(HTTP_HOST=host)
            client.force_login(user)
            clients.append(client)
        chat = made["chat"]
        feed = reverse("panel:chat_feed", args=[chat.pk])
        pages = {
            "Bare view (ceiling)": measure(clients, "/bench/bare/", requests),
            "Chat feed, no If-None-Match (200)": measure(clients, feed, requests),
            "Chat feed, the first poll after a change (200, renders)": measure(
                clients, feed, requests, before=lambda: chats.chat_changed(chat.pk)),
            "Chat feed, If-None-Match (304)": measure(clients, feed, requests, status=304, etag=True),
            "Chat page": measure(clients, reverse("panel:chat", args=[chat.pk]), requests),
        }
        bare = pages["Bare view (ceiling)"]["p95"]
        for page in pages.values():
            page["ratio"] = page["p95"] / bare
        return {"engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], "built_s": round(built, 1),
                "members": MEMBERS, "questions": made["questions"], "visible": made["visible"],
                "supports": made["supports"], "watchers": len(clients), "requests": requests, "pages": pages,
                "load_average": os.getloadavg()[0]}
    finally:
        folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests a page (default 200)")
    parser.add_argument("--configured-db", action="store_true",
                        help="use the database of DATABASE_URL instead of a throwaway SQLite file (adds rows to it)")
    args = parser.parse_args()
    command = [sys.executable, __file__, "_child", str(args.requests)]
    if args.configured_db:
        command.append("--configured-db")
    out = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    if out.returncode != 0:
        raise SystemExit(f"failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "panel_chat.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"M ({result['engine']}): {result['members']} members, {result['questions']} questions "
          f"({result['visible']} shown), {result['supports']} supports; built in {result['built_s']} s; "
          f"{result['watchers']} watching members, {result['requests']} requests a page; load average "
          f"{result['load_average']:.1f}", flush=True)
    print("\n| page | queries | p50 ms | p95 ms | p95 / bare p95 |\n|---|---:|---:|---:|---:|")
    for name, page in result["pages"].items():
        print(f"| {name} | {page['queries']} | {page['p50']:.1f} | {page['p95']:.1f} | {page['ratio']:.1f} |")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "_child":
        print(json.dumps(child(int(sys.argv[2]), "--configured-db" in sys.argv[3:])))
    else:
        main()
