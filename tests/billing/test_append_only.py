"""Fee entries, invoices and invoice lines are never changed or deleted: the ORM refuses (on every
database), and on PostgreSQL a trigger refuses raw SQL too. Only an invoice's state changes."""

from datetime import date

import pytest
from django.db import DatabaseError, IntegrityError, models, transaction

from inspira.billing import services
from inspira.billing.models import FeeEntry, Invoice, InvoiceLine
from inspira.core.appendonly import erasure_rewrites
from inspira.privacy.scrub import rewrite_protected
from tests.appendonly import forged_copy, on_postgresql, raw_sql
from tests.billing.conftest import at, complete
from tests.factories import UserFactory


@pytest.fixture
def invoice(booking, site_contact):
    complete(booking, by=site_contact, now=at(2011, 3, 15))
    return Invoice.objects.get()


def _rows(invoice):
    return [FeeEntry.objects.get(invoice_line__invoice=invoice), invoice, invoice.lines.get()]


# --- The ORM ---------------------------------------------------------------------------------------------------

def test_a_new_object_with_a_stored_rows_id_does_not_overwrite_it(invoice):
    entry = FeeEntry.objects.get(invoice_line__invoice=invoice)
    line = invoice.lines.get()
    forgeries = [forged_copy(entry, amount_ore=1), forged_copy(invoice, recipient_name="Someone else"),
                 forged_copy(line, unit_price_ore=1)]
    for forged in forgeries:
        with pytest.raises(IntegrityError), transaction.atomic():
            forged.save()
    entry.refresh_from_db(), invoice.refresh_from_db(), line.refresh_from_db()
    assert (entry.amount_ore, invoice.recipient_name, line.unit_price_ore) == (
        100_000, "Katarina Norra skola", 100_000)


@pytest.mark.parametrize("model", [FeeEntry, Invoice, InvoiceLine])
def test_the_queryset_cannot_update_or_delete(invoice, model):
    row = model.objects.first()
    content = {FeeEntry: "amount_ore", Invoice: "total_ore", InvoiceLine: "unit_price_ore"}[model]
    attempts = [
        lambda: model.objects.filter(pk=row.pk).update(**{content: 1}),
        lambda: model.objects.all().delete(),
        lambda: model.objects.bulk_update([row], [content]),
        lambda: row.save(),
        lambda: row.save(update_fields=[content]),
        lambda: row.delete(),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="append-only"), transaction.atomic():
            attempt()
    assert model.objects.filter(pk=row.pk).exists()


def test_only_an_invoices_state_changes(invoice, finance):
    Invoice.objects.filter(pk=invoice.pk).update(sent_at=at(2011, 3, 15, 11), sent_to="kansli@example.se")
    services.invoice_mark_paid(invoice=invoice, actor=finance, paid_on=date(2011, 3, 30), now=at(2011, 4, 1))
    with pytest.raises(TypeError, match="credit note"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_on=date(2011, 3, 31), total_ore=1)

    invoice.refresh_from_db()
    assert (invoice.state, invoice.paid_marked_by, invoice.total_ore) == (Invoice.State.PAID, finance, 100_000)


# --- The database (PostgreSQL) ----------------------------------------------------------------------------------

@on_postgresql
@pytest.mark.parametrize(("table", "column"), [
    ("billing_feeentry", "amount_ore"), ("billing_invoice", "total_ore"), ("billing_invoice", "number"),
    ("billing_invoice", "issue_date"), ("billing_invoiceline", "unit_price_ore"),
])
def test_the_database_refuses_an_update(invoice, table, column):
    value = "x-1" if column == "number" else date(2011, 1, 1) if column == "issue_date" else 1
    with pytest.raises(DatabaseError, match="append-only"):
        raw_sql(f"UPDATE {table} SET {column} = %s", [value])  # noqa: S608 (names from the test)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.total_ore, invoice.lines.get().unit_price_ore) == (
        f"{invoice.issuer.unit_code}-0001", 100_000, 100_000)


@on_postgresql
@pytest.mark.parametrize("table", ["billing_feeentry", "billing_invoice", "billing_invoiceline"])
def test_the_database_refuses_a_delete(invoice, table):
    with pytest.raises(DatabaseError, match="append-only"):
        raw_sql(f"DELETE FROM {table}")  # noqa: S608
    assert (FeeEntry.objects.count(), Invoice.objects.count(), InvoiceLine.objects.count()) == (2, 1, 1)


@on_postgresql
def test_the_database_lets_the_jobs_and_finance_fill_in_an_invoices_state(invoice, finance):
    assert raw_sql("UPDATE billing_invoice SET pdf = 'x.pdf', rendered_at = now(), sent_at = now(), "
                   "sent_to = 'a@example.se', paid_on = '2011-03-30', paid_marked_at = now(), "
                   "paid_marked_by_id = %s, einvoice_handled_at = now(), einvoice_result = 'ok'", [finance.pk]) == 1
    with pytest.raises(DatabaseError, match="append-only"):
        raw_sql("UPDATE billing_invoice SET paid_on = NULL, net_ore = 0, total_ore = 0")


@on_postgresql
def test_the_database_lets_erasure_replace_only_a_contact_on_an_invoice(invoice):
    details = {**invoice.recipient_details, "reference": "Borttagen person"}
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet(model=Invoice).filter(pk=invoice.pk).update(recipient_details=details)  # without the flag
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), erasure_rewrites():
        models.QuerySet(model=Invoice).filter(pk=invoice.pk).update(recipient_name="Borttagen person")
    with transaction.atomic():
        rewrite_protected(Invoice, invoice.pk, recipient_details=details, buyer_reference="Borttagen person")
        # The flag ends with the rewrite, not with the transaction.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            models.QuerySet(model=Invoice).filter(pk=invoice.pk).update(buyer_reference="again")
    invoice.refresh_from_db()
    assert (invoice.buyer_reference, invoice.recipient_details["reference"]) == ("Borttagen person",
                                                                                 "Borttagen person")


@on_postgresql
def test_the_database_lets_a_deleted_person_leave_only_an_empty_link(invoice):
    recorder = UserFactory()
    entry = forged_copy(FeeEntry.objects.get(invoice_line__invoice=invoice), id=None, recorded_by_id=recorder.pk)
    entry.save()
    with pytest.raises(DatabaseError, match="append-only"):
        raw_sql("UPDATE billing_feeentry SET recorded_by_id = %s WHERE id = %s", [UserFactory().pk, entry.pk])

    recorder.delete()  # on_delete=SET_NULL, which Inspira never does to a person who did anything

    entry.refresh_from_db()
    assert entry.recorded_by_id is None and entry.amount_ore == 100_000
