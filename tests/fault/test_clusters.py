"""The outbox and the invoice jobs under real django-q2 clusters, on Redis and on the ORM broker.

- Two clusters take jobs from one queue at once: every email goes out once, every invoice gets one PDF
  and one email, and the invoice numbers stay unique and gapless.
- A cluster is killed (SIGKILL, the whole process group) while a worker renders an invoice: the outbox
  row stays claimed and nothing is stored or sent. On Redis the task's message is gone for good
  (Redis has no receipts); on the ORM broker it would come back after ``retry`` (180 s). The outbox
  sweeper recovers it either way, in a fresh cluster: one PDF, one email, no job lost.

Run with ``-s`` to see what happened in each scenario (timings, how many messages were lost, what
the sweeper re-enqueued).
"""

import os
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.accounts.services import signup_create
from inspira.billing.models import Invoice
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_sweep
from inspira.visits.services import booking_complete
from tests.billing.conftest import at, make_booking, make_certification
from tests.factories import FeeRuleFactory, MembershipFactory, SchoolFactory, SchoolYearFactory
from tests.fault.conftest import outbox_settled, wait_until
from tests.fault.mailbox import sent_emails

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

BROKERS = ["redis", "orm"]
SIGNUPS = 20
INVOICES = 10
# The fresh cluster's OUTBOX_STALE_AFTER: a claim older than this is taken over (production: 300 s).
STALE_AFTER = 2


def sign_up(count: int) -> list[str]:
    """``count`` teachers sign up (the real service): each is sent one verification email."""
    school = SchoolFactory()
    return [
        signup_create(school=school, name=f"Lärare {i}", email=f"larare{i}@example.se",
                      password="ett-langt-losenord").email
        for i in range(count)
    ]


def complete_visits(count: int):
    """``count`` visits at one host, completed by its site contact (the real completion service): each
    issues an invoice to the visiting school, whose PDF, email and e-invoice follow by outbox jobs."""
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    host = SchoolFactory()
    contact = MembershipFactory(school=host, role=Membership.Role.SITE_CONTACT).user
    site = make_certification(school=host)
    for i in range(count):
        booking = make_booking(certification=site, day=date(2011, 3, 1 + i))
        booking_complete(booking=booking, actor=contact, now=at(2011, 3, 20))
    return host


def settled(rig):
    return lambda: outbox_settled(rig)


def check_each_effect_once(rig, *, host, invoices: int) -> list:
    """Every email row sent exactly once and nothing else sent; each invoice numbered in sequence, with
    one stored PDF, one email carrying it, and its e-invoice handled."""
    emails = sent_emails(rig.mail)
    sent = Counter(email.event for email in emails)
    assert {event: n for event, n in sent.items() if n > 1} == {}, "an email was sent twice"
    assert set(sent) == set(OutboxItem.objects.filter(kind="email").values_list("key", flat=True))

    issued = list(Invoice.objects.filter(issuer=host).order_by("sequence"))
    assert Invoice.objects.count() == invoices
    assert [invoice.sequence for invoice in issued] == list(range(1, invoices + 1))
    assert len({invoice.number for invoice in issued}) == invoices
    stored = sorted((rig.private / "billing" / "invoices").glob("*.pdf"))
    assert sorted(rig.private / invoice.pdf.name for invoice in issued) == stored  # one file each, no strays
    assert all(path.read_bytes().startswith(b"%PDF") for path in stored)
    for invoice in issued:
        [email] = [email for email in emails if email.event == f"invoice-email:{invoice.pk}"]
        assert email.to == invoice.recipient_details["email"]
        assert email.attachments == (f"{invoice.filename_stem}.pdf", f"{invoice.filename_stem}.xml")
        assert invoice.sent_at is not None
        assert invoice.einvoice_handled_at is not None
    return emails


@pytest.mark.parametrize("broker", BROKERS)
def test_two_clusters_at_once_send_each_email_once_and_render_each_invoice_once(rig, broker):
    began = time.monotonic()
    first, second = rig.start_cluster(), rig.start_cluster()
    # While the clusters start: the changes commit, their jobs wait until both clusters take work.
    with rig.jobs_held() as held:
        addresses = sign_up(SIGNUPS)
        host = complete_visits(INVOICES)
    created = time.monotonic()
    rig.wait_ready(first)
    rig.wait_ready(second)
    ready = time.monotonic()
    rig.release(held)
    enqueued = time.monotonic()
    wait_until(settled(rig), timeout=60, what="the outbox to be done", rig=rig)
    done = time.monotonic()

    emails = check_each_effect_once(rig, host=host, invoices=INVOICES)
    verifications = Counter(email.to for email in emails if email.event.startswith("verify-email:"))
    assert verifications == Counter(dict.fromkeys(addresses, 1))
    # Both clusters did work: the test is about two of them at once.
    by_cluster = Counter(email.cluster for email in emails)
    assert set(by_cluster) == {first.pid, second.pid}
    claims = sum(OutboxItem.objects.values_list("attempts", flat=True))
    assert claims == OutboxItem.objects.count()  # no job ran twice
    report(broker, rig,
           f"two clusters; {SIGNUPS} sign-ups and {INVOICES} completed visits committed in {created - began:.1f} s, "
           f"both clusters ready after {ready - began:.1f} s; {len(held)} jobs enqueued in {enqueued - ready:.1f} s; "
           f"all {claims} outbox items done {done - enqueued:.1f} s later, each claimed once; {len(emails)} emails "
           f"({SIGNUPS} verifications, {INVOICES} invoices), each sent once, {sorted(by_cluster.values())} per "
           f"cluster; invoice numbers 1..{INVOICES}, one PDF each")

@pytest.mark.parametrize("broker", BROKERS)
def test_a_cluster_killed_mid_render_loses_nothing_and_sends_nothing_twice(rig, broker, settings):
    began = time.monotonic()
    slow = rig.start_cluster(DJANGO_SETTINGS_MODULE="tests.fault.settings_slow", Q_WORKERS=1,
                             FAULT_RENDER_SLEEP=60)
    host = complete_visits(3)
    marker = wait_until(lambda: next(rig.markers.glob("rendering-*"), None), timeout=40,
                        what="a worker to start rendering an invoice", rig=rig)
    rig.kill(slow)
    killed = time.monotonic()
    invoice_id = int(marker.read_text().split()[1])

    # Claimed, not done, and nothing stored or sent.
    item = OutboxItem.objects.get(key=f"invoice-pdf:{invoice_id}")
    assert (item.state, item.attempts) == (OutboxItem.State.RUNNING, 1)
    assert not Invoice.objects.get(pk=invoice_id).pdf
    assert not list(Path(rig.private).rglob("*.pdf"))
    assert not OutboxItem.objects.filter(key=f"invoice-email:{invoice_id}").exists()
    assert not [email for email in sent_emails(rig.mail) if email.event.startswith("invoice-email:")]
    unfinished = OutboxItem.objects.exclude(state=OutboxItem.State.DONE).count()
    queued, taken = rig.queued_messages(), rig.taken_messages()

    fresh = rig.start_cluster(OUTBOX_STALE_AFTER=STALE_AFTER)
    rig.wait_ready(fresh)
    # The sweeper, as the schedule would run it, once the dead worker's claim is stale.
    settings.OUTBOX_STALE_AFTER = STALE_AFTER
    item.refresh_from_db()
    wait_until(lambda: timezone.now() - item.claimed_at > timedelta(seconds=STALE_AFTER + 0.2), timeout=10,
               what="the claim to go stale")
    swept = outbox_sweep()
    swept_at = time.monotonic()
    wait_until(settled(rig), timeout=40, what="the outbox to be done after the sweep", rig=rig)
    done = time.monotonic()

    check_each_effect_once(rig, host=host, invoices=3)
    # The killed worker's claim, then the fresh cluster's; every other job was claimed once, however many
    # times it was delivered (the fresh cluster has one worker, so a duplicate runs after the first is done).
    item.refresh_from_db()
    assert item.attempts == 2
    assert set(OutboxItem.objects.exclude(pk=item.pk).values_list("attempts", flat=True)) == {1}
    kinds = Counter(OutboxItem.objects.values_list("kind", flat=True))
    assert kinds == Counter({"invoice_pdf": 3, "einvoice_delivery": 3, "email": 6})  # 3 invoices, 3 feedback asks
    number = Invoice.objects.get(pk=invoice_id).number
    runs = fresh.log.read_text().count(" processing outbox-")
    held = f"{taken} held by the dead cluster until retry" if taken is not None else \
        f"{unfinished - queued} lost with the cluster"
    report(broker, rig,
           f"killed the cluster {killed - began:.1f} s after start, while it rendered invoice {number}; "
           f"{unfinished} outbox items unfinished, their messages: {queued} still queued, {held}; swept {swept} "
           f"items {swept_at - killed:.1f} s after the kill; all done {done - swept_at:.1f} s later (the fresh "
           f"cluster ran {runs} tasks for {unfinished} items: duplicates did nothing); 3 PDFs, 3 invoice emails")


def report(broker, rig, text: str) -> None:
    """What happened, for ``-s``: wall-clock times depend on how busy the machine is, CPU seconds less so."""
    print(f"\n[{broker}] {text}; clusters' CPU {rig.cpu_seconds():.1f} s; load average {os.getloadavg()[0]:.1f}")
