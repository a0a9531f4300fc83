"""The audit trail: append-only (ORM, and a trigger on PostgreSQL), and the administrators' page."""

import csv
import datetime
import io
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.urls import reverse

from inspira.core.audit import ACTION_LABELS, audit_erasure, audit_record
from inspira.core.models import AuditEvent
from tests.factories import SchoolFactory, UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LIST = reverse("core:audit")
EXPORT = reverse("core:audit_export")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the trigger exists on PostgreSQL only; SQLite has the ORM guard")


@contextmanager
def clock(moment: datetime.datetime):
    """Rows get ``at`` from the clock when written (and can never be changed afterwards)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def event(administrator):
    return audit_record(actor=administrator, action="school.create", obj=SchoolFactory(), summary="Added Vasaskolan")


# --- Append-only through the ORM -------------------------------------------------------------------------------

def test_a_new_row_is_written(event):
    assert AuditEvent.objects.get().summary == "Added Vasaskolan"


def test_a_stored_row_cannot_be_saved_again(event):
    event.summary = "Something else"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.save(update_fields=["summary"])
    assert AuditEvent.objects.get().summary == "Added Vasaskolan"


def test_a_row_loaded_again_cannot_be_saved(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.get(pk=event.pk).save()


def test_a_new_object_with_a_stored_rows_id_does_not_overwrite_it(event, director):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent(pk=event.pk, actor=director, action="forged").save()
    assert AuditEvent.objects.get().action == "school.create"


def test_a_row_cannot_be_deleted(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_the_queryset_cannot_update_or_delete(event):
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(summary="x"),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["summary"]),
        lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"summary": "x"}),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get().summary == "Added Vasaskolan"


def test_deleting_a_person_keeps_their_rows_without_the_link(db):
    # Inspira anonymises people rather than deleting them; if the database's owner ever deletes one,
    # the rows stay and only lose the link (on_delete=SET_NULL), on PostgreSQL too (the trigger allows it).
    person = UserFactory()
    audit_record(actor=person, action="accounts.signup", summary="Signed up")
    person.delete()
    event = AuditEvent.objects.get()
    assert event.actor_id is None
    assert event.summary == "Signed up"


def test_the_django_admin_cannot_change_the_trail(rf, administrator):
    model_admin = admin.site._registry.get(AuditEvent)
    if model_admin is None:
        return  # not registered: the Django admin does not show it at all
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- Append-only in the database (PostgreSQL) -----------------------------------------------------------------

def _sql(statement: str, params=()) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@on_postgresql
def test_the_database_refuses_an_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get().summary == "Added Vasaskolan"


@on_postgresql
def test_the_database_refuses_a_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.count() == 1


@on_postgresql
def test_the_database_allows_only_clearing_the_actor(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE core_auditevent SET actor_id = NULL, summary = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE core_auditevent SET actor_id = %s WHERE id = %s", [UserFactory().pk, event.pk])
    assert _sql("UPDATE core_auditevent SET actor_id = NULL WHERE id = %s", [event.pk]) == 1
    # Once cleared, it stays cleared: NULL -> a person is refused as well.
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE core_auditevent SET actor_id = %s WHERE id = %s", [event.actor_id, event.pk])
    assert AuditEvent.objects.get().actor_id is None


def _erase(pk, **values) -> int:
    return models.QuerySet(model=AuditEvent).filter(pk=pk).update(**values)


def test_erasure_may_replace_a_persons_mentions_in_summary_and_data(event):
    with transaction.atomic(), audit_erasure():
        assert _erase(event.pk, summary="Added a school for Borttagen person", data={"who": "Borttagen person"}) == 1
    event = AuditEvent.objects.get()
    assert (event.summary, event.data, event.action) == (
        "Added a school for Borttagen person", {"who": "Borttagen person"}, "school.create")


def test_erasure_needs_a_transaction(transactional_db):
    with pytest.raises(transaction.TransactionManagementError):
        with audit_erasure():
            pass


@on_postgresql
def test_the_database_lets_erasure_change_only_summary_and_data(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _erase(event.pk, summary="x")  # without the flag
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), audit_erasure():
        _erase(event.pk, action="decision.make")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), audit_erasure():
        _erase(event.pk, object_id="1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), audit_erasure():
        _erase(event.pk, actor=UserFactory())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), audit_erasure():
        _sql("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with transaction.atomic():
        with audit_erasure():
            _erase(event.pk, summary="Added a school", actor=None)
        # The flag ends with the block, not just with the transaction.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _erase(event.pk, summary="again")
    assert AuditEvent.objects.get().summary == "Added a school"


# --- The page: who may read it ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["director", "finance", "principal", "staff"])
def test_only_administrators_read_the_trail(request, client_for, role, event):
    client = client_for(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(LIST)["Location"].startswith(reverse("accounts:login"))


def test_the_page_offers_no_way_to_change_the_trail(client_for, administrator, event):
    client = client_for(administrator)
    assert client.post(LIST).status_code == 405
    assert client.post(EXPORT).status_code == 405
    assert "<form method=\"post\"" not in client.get(LIST).content.decode().split("<main", 1)[1]


# --- The page: what it shows -----------------------------------------------------------------------------------

def test_newest_first_with_swedish_labels_and_a_way_back(client_for, administrator, director):
    with clock(at(2026, 3, 1)):
        audit_record(actor=director, action="decision.make", summary="Approved Vasaskolan (INSP-2026-0001)")
    with clock(at(2026, 3, 2)):
        audit_record(actor=None, action="some.future_action", summary="A job did something")
    response = client_for(administrator).get(LIST)
    page = response.content.decode()
    assert [e.action for e in response.context["page_obj"]] == ["some.future_action", "decision.make"]
    assert "Fattade ett beslut" in page  # decision.make, in Swedish
    assert "some.future_action" in page  # an unknown code, as it is
    assert "Dan Direktör" in page and "direktor@example.se" in page
    assert "Inspira själv eller någon utan konto" in page  # no actor
    assert "2026-03-01 10:00:00" in page  # Stockholm time
    assert f'href="{reverse("core:dashboard")}"' in page
    assert page.count("<h1") == 1


def test_every_known_action_has_a_swedish_label():
    from django.utils import translation

    def labels(language):
        with translation.override(language):
            return {code: str(label) for code, label in ACTION_LABELS.items()}

    swedish, english = labels("sv"), labels("en")
    assert [code for code in ACTION_LABELS if swedish[code] == english[code]] == []


def test_every_action_the_code_records_has_a_label():
    import re
    from pathlib import Path

    import inspira

    recorded = set()
    for path in Path(inspira.__file__).parent.rglob("*.py"):
        recorded |= set(re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    assert "school.create" in recorded  # the search finds them
    assert sorted(recorded - set(ACTION_LABELS)) == [], "add these to ACTION_LABELS in inspira/core/audit.py"


def test_details_are_shown_escaped(client_for, administrator):
    audit_record(actor=administrator, action="school.update", summary="<b>Renamed</b>",
                 data={"changes": {"name": ["A", "<script>x</script>"]}})
    page = client_for(administrator).get(LIST).content.decode()
    assert "&lt;b&gt;Renamed&lt;/b&gt;" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x" not in page


def test_empty_trail_has_an_empty_state(client_for, administrator):
    page = client_for(administrator).get(LIST).content.decode()
    assert "Inget har loggats ännu." in page


def test_no_match_has_its_own_empty_state_and_a_way_to_all(client_for, administrator, event):
    page = client_for(administrator).get(LIST, {"q": "nothing like this"}).content.decode()
    assert "Inga händelser matchar filtren." in page
    assert f'href="{LIST}"' in page


def test_paginated_by_25(client_for, administrator):
    for n in range(30):
        audit_record(actor=administrator, action="school.update", summary=f"Change {n}")
    client = client_for(administrator)
    first = client.get(LIST).context["page_obj"]
    assert len(first) == 25 and first.paginator.count == 30
    assert [e.summary for e in client.get(LIST, {"page": 2}).context["page_obj"]] == [
        f"Change {n}" for n in range(4, -1, -1)]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_number_of_queries_does_not_grow_with_the_rows(client_for, administrator, django_assert_num_queries,
                                                          rows):
    people = [UserFactory() for _n in range(3)]
    for n in range(rows):
        audit_record(actor=people[n % 3], action="membership.confirmed", obj=people[n % 3], summary=f"Row {n}")
    client = client_for(administrator)
    client.get(LIST)  # the session and the two-factor device are looked up the same way every time
    # session, user, two-factor device, the filter choices, the count, the page of rows (with the actors)
    with django_assert_num_queries(6):
        client.get(LIST)


# --- Filters ---------------------------------------------------------------------------------------------------

@pytest.fixture
def trail(administrator, director, finance):
    school = SchoolFactory(name="Vasaskolan")
    with clock(at(2026, 3, 27, 23, 30)):  # the Saturday before summer time begins
        audit_record(actor=administrator, action="school.update", obj=school, summary="Changed Vasaskolan: city")
    with clock(at(2026, 3, 29, 0, 10)):  # summer time begins at 02:00 that Sunday
        audit_record(actor=director, action="decision.make", summary="Approved Vasaskolan (INSP-2026-0001)")
    with clock(at(2026, 4, 2, 9)):
        audit_record(actor=finance, action="invoice.mark_paid", summary="Marked invoice VAS-0001 as paid")
    return school


def _summaries(client, **params) -> list[str]:
    return [event.summary for event in client.get(LIST, params).context["page_obj"]]


def test_filter_by_person_name_or_email(client_for, administrator, trail):
    client = client_for(administrator)
    assert _summaries(client, person="direktör") == ["Approved Vasaskolan (INSP-2026-0001)"]
    assert _summaries(client, person="ekonomi@") == ["Marked invoice VAS-0001 as paid"]


def test_filter_by_action(client_for, administrator, trail):
    client = client_for(administrator)
    assert _summaries(client, action="school.update") == ["Changed Vasaskolan: city"]
    choices = dict(client.get(LIST).context["filter_form"].fields["action"].choices)
    assert choices["invoice.mark_paid"] == "Markerade en faktura som betald"


def test_actions_are_offered_in_swedish_alphabetical_order(client_for, administrator):
    labels = [label for _code, label in client_for(administrator).get(LIST).context["filter_form"]
              .fields["action"].choices]
    order = [labels.index(label) for label in (
        "Alla händelser", "Aktiverade tvåstegsverifiering", "Utfärdade en faktura",
        "Återställde en persons tvåstegsverifiering", "Ändrade en skola")]
    assert order == sorted(order)


def test_filter_by_object_type(client_for, administrator, trail):
    client = client_for(administrator)
    assert _summaries(client, object_type="schools.school") == ["Changed Vasaskolan: city"]
    choices = dict(client.get(LIST).context["filter_form"].fields["object_type"].choices)
    assert choices["schools.school"] == "Skola"


def test_filter_by_dates_in_stockholm_time(client_for, administrator, trail):
    client = client_for(administrator)
    # 23:30 on the 27th is the 27th in Stockholm (22:30 UTC), and 00:10 on the 29th (23:10 UTC on the 28th)
    # is the 29th.
    assert _summaries(client, date_to="2026-03-27") == ["Changed Vasaskolan: city"]
    assert _summaries(client, date_from="2026-03-28", date_to="2026-03-29") == [
        "Approved Vasaskolan (INSP-2026-0001)"]
    assert _summaries(client, date_from="2026-03-29") == [
        "Marked invoice VAS-0001 as paid", "Approved Vasaskolan (INSP-2026-0001)"]


def test_an_impossible_date_range_is_shown_at_the_field(client_for, administrator, trail):
    response = client_for(administrator).get(LIST, {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert "date_to" in response.context["filter_form"].errors
    assert len(response.context["page_obj"]) == 1  # only "from" applies


def test_free_text_searches_the_summaries(client_for, administrator, trail):
    client = client_for(administrator)
    assert _summaries(client, q="insp-2026") == ["Approved Vasaskolan (INSP-2026-0001)"]
    assert len(_summaries(client, q="vasaskolan")) == 2


def test_filters_combine_and_pagination_keeps_them(client_for, administrator):
    for n in range(30):
        audit_record(actor=administrator, action="school.update", summary=f"Change {n}")
        audit_record(actor=administrator, action="school.create", summary=f"Add {n}")
    response = client_for(administrator).get(LIST, {"action": "school.create"})
    assert "action=school.create&amp;page=2" in response.content.decode()


# --- Export ----------------------------------------------------------------------------------------------------

def _rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_export_has_the_filtered_rows_for_a_swedish_excel(client_for, administrator, trail):
    response = client_for(administrator).get(EXPORT, {"person": "direktör"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="granskningslogg-')
    header, *rows = _rows(response)
    assert header[:4] == ["När", "Person", "E-postadress", "Vad som gjordes"]
    assert rows == [["2026-03-29 00:10:00", "Dan Direktör", "direktor@example.se", "Fattade ett beslut",
                     "decision.make", "", "", "Approved Vasaskolan (INSP-2026-0001)", ""]]


def test_export_has_every_row_not_one_page(client_for, administrator):
    for n in range(30):
        audit_record(actor=administrator, action="school.update", summary=f"Change {n}", data={"n": n})
    header, *rows = _rows(client_for(administrator).get(EXPORT))
    assert len(rows) == 30
    assert rows[0][-1] == '{"n": 29}'


def test_export_cannot_carry_a_formula_to_excel(client_for, administrator):
    audit_record(actor=administrator, action="school.create", summary="=HYPERLINK(\"http://evil\")")
    _header, row = _rows(client_for(administrator).get(EXPORT))
    assert row[7] == "'=HYPERLINK(\"http://evil\")"


def test_the_page_links_to_the_export_with_its_filters(client_for, administrator, trail):
    page = client_for(administrator).get(LIST, {"action": "decision.make", "page": "1"}).content.decode()
    assert f'href="{EXPORT}?action=decision.make"' in page


def test_administrators_find_the_trail_from_their_page(client_for, administrator, director):
    assert f'href="{LIST}"' in client_for(administrator).get(reverse("core:dashboard")).content.decode()
    assert f'href="{LIST}"' not in client_for(director).get(reverse("core:dashboard")).content.decode()


@pytest.mark.parametrize("field,value", [("date_to", "9999-12-31"), ("date_from", "0001-01-01")])
def test_a_date_at_the_end_of_the_calendar_is_a_form_error_not_a_crash(client_for, administrator, field, value):
    from django.urls import reverse

    response = client_for(administrator).get(reverse("core:audit"), {field: value})
    assert response.status_code == 200
    assert response.context["filter_form"].errors[field]
