"""Benchmark: how long the invoice PDF job takes per invoice (a script, not a test).

    .venv/bin/python bench/invoice_pdf.py            # a throwaway SQLite database in a temporary folder
    .venv/bin/python bench/invoice_pdf.py --count 200
    .venv/bin/python bench/invoice_pdf.py --configured-db   # the database of DATABASE_URL (adds rows to it!)

It makes host schools, visiting schools and completed visits (through the same signal the visits app
sends), the central administration's monthly invoices and some credit notes, then runs each invoice's
PDF job exactly as a worker does (``outbox_process`` on the invoice's ``invoice_pdf`` item: render with
WeasyPrint, store, build the e-invoice, record the email with both attached) and prints the median and
the 95th percentile; then the rendering alone (``render_invoice_pdf``) the same way. The first render
(WeasyPrint's fonts and import warming up) is timed apart and left out of the figures. Emails are
recorded in the outbox but not sent.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(configured_db: bool) -> tempfile.TemporaryDirectory:
    # The PDFs are written to a temporary folder in either case, never to var/.
    folder = tempfile.TemporaryDirectory(prefix="inspira-bench-")
    os.environ["INSPIRA_VAR_DIR"] = folder.name
    if not configured_db:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder.name}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inspira.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return folder


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _make_invoices(count: int) -> list:
    """At least ``count`` invoices: one per visit, monthly central invoices, a few credit notes."""
    import datetime
    import uuid
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from inspira.accounts.models import User
    from inspira.billing import services
    from inspira.billing.models import Invoice
    from inspira.certification.models import Application, Certification, Decision
    from inspira.schools.models import District, School
    from inspira.schoolyears.models import FeeRule, SchoolYear
    from inspira.visits.models import Booking, Occasion
    from inspira.visits.signals import booking_completed, booking_completion_undone

    stockholm = ZoneInfo("Europe/Stockholm")
    run = uuid.uuid4().hex[:6]
    year = SchoolYear.objects.get_or_create(start_year=2010)[0]
    FeeRule.objects.get_or_create(school_year=year, defaults={
        "visit_fee_ore": 200_000, "central_share_ore": 100_000, "visiting_share_ore": 100_000,
        "establishment_support_ore": 1_000_000})
    district = District.objects.get_or_create(name="Bänkområdet")[0]
    director = User.objects.create_user(f"direktor-{run}@example.se", name="Dan Direktör", role="director")
    user = User.objects.create_user(f"plats-{run}@example.se", name="Sara Site")
    unit = int(run, 16) % 10_000_000 * 10

    def school(n: int, name: str) -> School:
        return School.objects.create(
            name=name, unit_code=f"{(unit + n) % 100_000_000:08d}", organisation_number="212000-0142",
            district=district, street_address=f"Skolvägen {n}", postal_code="11122", city="Stockholm",
            invoice_address=f"Stockholms stad\nFakturaservice, {name}\nBox 1\n105 35 Stockholm",
            invoice_reference=f"REF{n:04d}", contact_email=f"skola{n}-{run}@example.se")

    hosts = [school(i, f"Inspirationsskolan {i}") for i in range(3)]
    visitors = [school(10 + i, f"Besöksskolan {i}") for i in range(8)]
    sites = []
    for i, host in enumerate(hosts):
        application = Application.objects.create(school=host, applicant=user, status="approved",
                                                 area_title="Utematematik")
        decision = Decision.objects.create(application=application, reference=f"B-{run}-{i}", outcome="approve",
                                           start_date=datetime.date(2010, 8, 1), decided_by=director,
                                           decided_by_name=director.name)
        sites.append(Certification.objects.create(school=host, application=application, decision=decision,
                                                  starts_on=datetime.date(2010, 8, 1),
                                                  ends_on=datetime.date(2012, 7, 31)))
    visits = max(count - count // 5, 10)
    bookings = []
    for n in range(visits):
        day = datetime.date(2010, 9, 1) + datetime.timedelta(days=n % 55)
        occasion = Occasion.objects.create(certification=sites[n % len(sites)], date=day, slot="morning",
                                           start_time=datetime.time(8, 30), end_time=datetime.time(12), place="Aulan",
                                           capacity=30)
        booking = Booking.objects.create(occasion=occasion, school=visitors[n % len(visitors)], booked_by=user,
                                         participants=4, contact_name="Kim", contact_email="kim@example.se",
                                         idempotency_key=uuid.uuid4())
        when = datetime.datetime.combine(day, datetime.time(15), tzinfo=stockholm)
        with transaction.atomic():
            Booking.objects.filter(pk=booking.pk).update(status="completed")
            booking_completed.send(sender=Booking, booking=booking, by=user, at=when)
        bookings.append(booking)
    services.central_invoices_issue(year=2010, month=9, now=datetime.datetime(2010, 10, 1, 2, tzinfo=stockholm))
    services.central_invoices_issue(year=2010, month=10, now=datetime.datetime(2010, 11, 1, 2, tzinfo=stockholm))
    undo_at = datetime.datetime(2010, 11, 5, 10, tzinfo=stockholm)
    for booking in bookings[: max(count - Invoice.objects.count(), 0) // 2 + 1]:
        with transaction.atomic():
            Booking.objects.filter(pk=booking.pk).update(status="confirmed")
            booking_completion_undone.send(sender=Booking, booking=booking, by=user, at=undo_at)
    return list(Invoice.objects.filter(issuer__in=hosts).order_by("pk"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=60, help="at least this many invoices (default 60, minimum 50)")
    parser.add_argument("--configured-db", action="store_true",
                        help="use the database of DATABASE_URL instead of a throwaway SQLite file")
    args = parser.parse_args()
    count = max(args.count, 50)
    folder = _setup(args.configured_db)
    try:
        from django.conf import settings

        import inspira.core.outbox as outbox
        from inspira.core.models import OutboxItem

        outbox._dispatch = lambda item_id: None  # run the jobs here, one by one; send no email
        started = time.perf_counter()
        invoices = _make_invoices(count)
        made = time.perf_counter() - started
        items = [OutboxItem.objects.get(key=f"invoice-pdf:{invoice.pk}").pk for invoice in invoices]

        first = time.perf_counter()
        outbox.outbox_process(items[0])
        cold = time.perf_counter() - first
        timings = []
        for item_id in items[1:]:
            t0 = time.perf_counter()
            assert outbox.outbox_process(item_id), f"outbox item {item_id} did not run"
            timings.append((time.perf_counter() - t0) * 1000)
        # The rendering alone (WeasyPrint), the part of the job that dominates it.
        from inspira.billing.documents import render_invoice_pdf
        from inspira.billing.models import Invoice

        renders = []
        for invoice in Invoice.objects.filter(pk__in=[i.pk for i in invoices]).prefetch_related("lines"):
            t0 = time.perf_counter()
            render_invoice_pdf(invoice)
            renders.append((time.perf_counter() - t0) * 1000)
        kinds = {}
        for invoice in invoices:
            key = f"{invoice.get_kind_display()} ({invoice.get_recipient_kind_display()})"
            kinds[key] = kinds.get(key, 0) + 1
        print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
              f"{len(invoices)} invoices made in {made:.1f} s: "
              + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        print(f"first job (cold, left out): {cold * 1000:.0f} ms")
        print(f"PDF job per invoice over {len(timings)} invoices: median {statistics.median(timings):.0f} ms, "
              f"95th percentile {_percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms")
        print(f"rendering alone over {len(renders)} invoices: median {statistics.median(renders):.0f} ms, "
              f"95th percentile {_percentile(renders, 0.95):.0f} ms")
    finally:
        folder.cleanup()


if __name__ == "__main__":
    main()
