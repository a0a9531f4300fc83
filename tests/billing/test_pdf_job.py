from datetime import date

import pytest
from django.core import mail

from inspira.billing import services, tasks
from inspira.billing.models import Invoice
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from inspira.core.storage import private_root
from tests.billing.conftest import at, complete, make_booking, pdf_item, pdf_text, run_pdf_job, undo
from tests.factories import SchoolFactory


def _pdf_files() -> list:
    from pathlib import Path

    folder = Path(private_root()) / "billing" / "invoices"
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def test_the_job_renders_stores_and_emails_the_invoice(booking, site_contact, other_school,
                                                       django_capture_on_commit_callbacks):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        assert run_pdf_job(invoice) is True

    invoice.refresh_from_db()
    assert invoice.pdf and invoice.rendered_at and invoice.sent_at
    assert invoice.state == Invoice.State.SENT and invoice.sent_to == other_school.billing_email
    [message] = mail.outbox
    assert message.to == [other_school.billing_email]
    assert invoice.number in message.subject
    names = [name for name, _content, _type in message.attachments]
    assert names == [f"faktura-{invoice.number}.pdf", f"faktura-{invoice.number}.xml"]
    assert message.attachments[0][1].startswith(b"%PDF")


def test_a_retried_job_makes_one_pdf_and_one_email(booking, site_contact, django_capture_on_commit_callbacks):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        assert run_pdf_job(invoice) is True
        assert run_pdf_job(invoice) is False  # a second delivery of the same job
    # The outbox's sweeper re-runs an item whose worker died after the work: it is done again, safely.
    OutboxItem.objects.filter(pk=pdf_item(invoice).pk).update(state=OutboxItem.State.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_pdf_job(invoice) is True

    assert len(mail.outbox) == 1
    assert len(_pdf_files()) == 1
    assert Invoice.objects.count() == 1
    assert OutboxItem.objects.filter(key__startswith="invoice-email:").count() == 1


def test_a_job_that_fails_after_rendering_reuses_the_pdf_on_retry(booking, site_contact, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    calls = []
    real_enqueue = tasks.email_enqueue

    def flaky(**kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 1:
            raise ConnectionError("the mail queue is down")
        return real_enqueue(**kwargs)

    monkeypatch.setattr(tasks, "email_enqueue", flaky)
    renders = []
    real_render = tasks.render_invoice_pdf
    monkeypatch.setattr(tasks, "render_invoice_pdf", lambda inv: renders.append(inv.pk) or real_render(inv))

    with django_capture_on_commit_callbacks(execute=True):
        assert run_pdf_job(invoice) is False
        assert pdf_item(invoice).state == OutboxItem.State.PENDING
        assert run_pdf_job(invoice) is True

    assert renders == [invoice.pk]
    assert len(mail.outbox) == 1 and len(_pdf_files()) == 1
    invoice.refresh_from_db()
    assert invoice.sent_at is not None


def test_two_runs_of_the_handler_at_once_keep_one_pdf_and_one_email(booking, site_contact,
                                                                    django_capture_on_commit_callbacks):
    """Two workers past the claim (e.g. a stale claim taken over): the conditional store and the email's key
    keep it to one of each."""
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    first = Invoice.objects.get(pk=invoice.pk)
    second = Invoice.objects.get(pk=invoice.pk)  # loaded before the first stored its PDF

    with django_capture_on_commit_callbacks(execute=True):
        a = tasks.invoice_pdf_ensure(first)
        b = tasks.invoice_pdf_ensure(second)
        tasks.invoice_pdf_send(pdf_item(invoice))
        tasks.invoice_pdf_send(pdf_item(invoice))

    assert a == b
    assert len(_pdf_files()) == 1
    assert len(mail.outbox) == 1


def test_the_pdf_shows_the_amounts_numbers_and_parties(booking, site_contact, school, other_school,
                                                       django_capture_on_commit_callbacks):
    complete(booking, by=site_contact, now=at(2011, 3, 15))
    invoice = Invoice.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        run_pdf_job(invoice)
    invoice.refresh_from_db()

    with invoice.pdf.open("rb") as f:
        text = pdf_text(f.read())

    assert "1 000 kr" in text
    assert invoice.number in text
    assert school.organisation_number in text and other_school.organisation_number in text
    assert other_school.invoice_reference in text
    assert "2011-03-15" in text and "2011-04-14" in text and "2011-03-14" in text
    assert "5050-1055" in text
    assert "Momsfri verksamhet" in text  # the exemption text of the fee rule
    assert "SE212000014201" in text  # the issuer's VAT number


def test_the_credit_note_pdf_refers_to_the_original(booking, site_contact, administrator,
                                                    django_capture_on_commit_callbacks):
    complete(booking, by=site_contact)
    undo(booking, by=administrator)
    original = Invoice.objects.get(kind="invoice")
    credit = Invoice.objects.get(kind="credit_note")
    with django_capture_on_commit_callbacks(execute=True):
        run_pdf_job(credit)
    credit.refresh_from_db()

    with credit.pdf.open("rb") as f:
        text = pdf_text(f.read())

    assert credit.number in text and original.number in text
    assert "1 000 kr" in text
    assert "kreditfaktura" in mail.outbox[0].attachments[0][0]


def test_the_central_invoice_pdf_lists_each_visit_and_the_total(site, site_contact, rule_2010,
                                                                django_capture_on_commit_callbacks):
    names = ["Ekbackens skola", "Granhöjdens skola", "Tallkrogens skola"]
    for i, name in enumerate(names):
        complete(make_booking(certification=site, school=SchoolFactory(name=name), day=date(2011, 3, 7 + i)),
                 by=site_contact)
    invoice = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued[0]
    with django_capture_on_commit_callbacks(execute=True):
        run_pdf_job(invoice)
    invoice.refresh_from_db()

    with invoice.pdf.open("rb") as f:
        text = pdf_text(f.read())

    for name in names:
        assert name in text
    assert "3 000 kr" in text and "1 000 kr" in text
    assert "Inspirationsplatser" in text  # the central administration's reference
    assert "212000-0142" in text


def test_e_invoice_delivery_is_recorded_by_the_default_sender(booking, site_contact):
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()

    assert outbox_process(OutboxItem.objects.get(key=f"einvoice:{invoice.pk}").pk) is True

    invoice.refresh_from_db()
    assert invoice.einvoice_handled_at is not None
    assert invoice.einvoice_result


def test_the_e_invoice_sender_is_pluggable(booking, site_contact, settings):
    sent = []
    settings.EINVOICE_SENDER = "tests.billing.test_pdf_job.fake_access_point"
    fake_access_point.sent = sent
    complete(booking, by=site_contact)
    invoice = Invoice.objects.get()
    item = OutboxItem.objects.get(key=f"einvoice:{invoice.pk}")

    outbox_process(item.pk)
    OutboxItem.objects.filter(pk=item.pk).update(state=OutboxItem.State.PENDING)
    outbox_process(item.pk)  # a retry after the work was done

    assert sent == [invoice.number]
    invoice.refresh_from_db()
    assert invoice.einvoice_result == "AP-1"


def fake_access_point(*, invoice, xml: bytes) -> str:
    assert xml.startswith(b"<?xml")
    fake_access_point.sent.append(invoice.number)
    return "AP-1"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pdf_is_in_swedish_whatever_the_active_language(booking, site_contact, language):
    import io

    from django.utils import translation
    from pypdf import PdfReader

    from inspira.billing.documents import render_invoice_pdf

    complete(booking, by=site_contact)
    with translation.override(language):
        content = render_invoice_pdf(Invoice.objects.get())
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == "sv"


@pytest.mark.parametrize("visits", [9, 10, 11])
def test_a_central_invoice_whose_totals_start_a_new_page_renders(site, site_contact, rule_2010, visits):
    """With 10 visits the totals table's caption fell at the foot of page 1 and WeasyPrint could not tag
    the table for PDF/UA ("Table wrapper without a table"); the template keeps captions with their tables."""
    from inspira.billing.documents import render_invoice_pdf

    for i in range(visits):
        complete(make_booking(certification=site, school=SchoolFactory(name=f"Besöksskolan {i}"),
                              day=date(2011, 3, 1 + i)), by=site_contact)
    invoice = services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1)).issued[0]

    assert "Besöksskolan 0" in pdf_text(render_invoice_pdf(invoice))
