"""Invoice numbers stay unique and gapless, and a PDF job makes one PDF and one email, when things
happen at once.

Each thread has its own database connection (``transaction=True``: rows are committed, as in
production) and closes it when done. On PostgreSQL the host's number series row is locked with
SELECT ... FOR UPDATE; on SQLite (no row locks) the IMMEDIATE transactions of the settings serialise
the writers. The same tests run on both (``DATABASE_URL`` chooses).
"""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from inspira.billing import tasks
from inspira.billing.models import FeeEntry, Invoice, InvoiceNumberSeries
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from tests.billing.conftest import complete, make_booking, make_certification, pdf_item
from tests.factories import FeeRuleFactory, MembershipFactory, SchoolFactory, SchoolYearFactory

THREADS = 20


def _run_at_once(target, args_list):
    barrier = threading.Barrier(len(args_list))
    results, errors = [], []

    def run(*args):
        try:
            barrier.wait(timeout=20)
            results.append(target(*args))
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def no_dispatch(monkeypatch):
    # Rows are committed here, so the outbox would render and send at once; the tests run it by hand.
    monkeypatch.setattr("inspira.core.outbox._dispatch", lambda item_id: None)


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_completions_at_one_host_get_gapless_unique_numbers(no_dispatch):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    host = SchoolFactory()
    site = make_certification(school=host)
    contact = MembershipFactory(school=host, role="site_contact").user
    bookings = [make_booking(certification=site, day=date(2011, 3, 1 + i)) for i in range(THREADS)]

    results, errors = _run_at_once(lambda b: complete(b, by=contact).pk, [(b,) for b in bookings])

    assert errors == []
    assert len(results) == THREADS
    sequences = sorted(Invoice.objects.filter(issuer=host).values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS + 1))
    numbers = Invoice.objects.filter(issuer=host).values_list("number", flat=True)
    assert len(set(numbers)) == THREADS
    assert InvoiceNumberSeries.objects.get(school=host).last_number == THREADS
    assert FeeEntry.objects.count() == 2 * THREADS
    print(f"{connection.vendor}: {THREADS} simultaneous completions numbered 1..{THREADS}")


@pytest.mark.django_db(transaction=True)
def test_the_monthly_run_twice_at_once_makes_one_invoice_per_host(no_dispatch):
    from inspira.billing import services
    from tests.billing.conftest import at

    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    hosts = [SchoolFactory() for _ in range(3)]
    contact = MembershipFactory(school=hosts[0], role="site_contact").user
    for host in hosts:
        site = make_certification(school=host)
        for i in range(2):
            complete(make_booking(certification=site, day=date(2011, 3, 7 + i)), by=contact)

    results, errors = _run_at_once(
        lambda: len(services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued), [(), ()])

    assert errors == []
    assert sum(results) == 3  # however the hosts fell between the two runs
    central = Invoice.objects.filter(recipient_kind="central")
    assert central.count() == 3
    assert sorted(central.values_list("issuer_id", flat=True)) == sorted(h.pk for h in hosts)
    # Each host's numbers are still gapless: two visit invoices, then the central one.
    for host in hosts:
        assert sorted(Invoice.objects.filter(issuer=host).values_list("sequence", flat=True)) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_a_duplicated_pdf_job_in_two_threads_makes_one_pdf_and_one_email(no_dispatch):
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    host = SchoolFactory()
    contact = MembershipFactory(school=host, role="site_contact").user
    complete(make_booking(certification=make_certification(school=host)), by=contact)
    invoice = Invoice.objects.get()
    item = pdf_item(invoice)

    results, errors = _run_at_once(outbox_process, [(item.pk,), (item.pk,)])

    assert errors == []
    assert sorted(results) == [False, True]  # the outbox's claim lets one of them do the work
    emails = OutboxItem.objects.filter(key__startswith="invoice-email:")
    assert emails.count() == 1
    for email in emails:
        outbox_process(email.pk)
        outbox_process(email.pk)
    assert len(mail.outbox) == 1
    assert Invoice.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.sent_at


@pytest.mark.django_db(transaction=True)
def test_two_workers_past_the_claim_store_one_pdf_and_queue_one_email(no_dispatch):
    """A stale claim taken over while the first worker still runs: both run the handler at once."""
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    host = SchoolFactory()
    contact = MembershipFactory(school=host, role="site_contact").user
    complete(make_booking(certification=make_certification(school=host)), by=contact)
    invoice = Invoice.objects.get()
    item = pdf_item(invoice)

    _results, errors = _run_at_once(lambda: tasks.invoice_pdf_send(OutboxItem.objects.get(pk=item.pk)), [(), ()])

    assert errors == []
    assert OutboxItem.objects.filter(key__startswith="invoice-email:").count() == 1
    invoice.refresh_from_db()
    from pathlib import Path

    from inspira.core.storage import private_root

    assert len(list((Path(private_root()) / "billing" / "invoices").glob("*.pdf"))) == 1
    assert invoice.pdf
