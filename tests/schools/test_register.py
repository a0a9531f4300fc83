"""The import from Skolverket's school-unit register (inspira/schools/register.py): new units, changes with
their history, closed units flagged, schools typed in by hand matched by unit code, the successor recorded by
hand, and an import that changes nothing when nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.schools import selectors
from inspira.schools.models import RegisterChange, RegisterImport, RegisterUnit, School, SchoolForm
from inspira.schools.register import register_successor_set, school_initial
from tests.factories import SchoolFactory, UserFactory
from tests.schools.register_support import (
    BAGARMOSSEN,
    FIXTURE,
    KATARINA,
    NORRA_REAL,
    OSTERMALM,
    SKARPNACK_NEW,
    SKARPNACK_OLD,
    UNIT_COUNT,
    Recorded,
    import_from,
)

Field = RegisterChange.Field
Code = SchoolForm.Code


@pytest.fixture
def recorded(tmp_path):
    return Recorded(tmp_path / "register")


def _changes(**filters):
    return list(RegisterChange.objects.filter(**filters).order_by("pk").values_list("field", "old_value", "new_value"))


def test_a_first_import_adds_every_unit_the_register_lists(db):
    run = import_from(FIXTURE)

    assert run.is_imported and (run.units, run.added, run.changed, run.closed, run.skipped) == (UNIT_COUNT, UNIT_COUNT,
                                                                                               0, 0, 1)
    assert RegisterUnit.objects.count() == UNIT_COUNT
    unit = RegisterUnit.objects.get(unit_code=KATARINA)
    assert (unit.name, unit.status, unit.municipality_code) == ("Katarina Södra skola", "active", "0180")
    assert (unit.organiser_name, unit.organisation_number, unit.organiser_type) == (
        "Stockholms kommun", "212000-0142", "KOMMUN")
    assert unit.school_types == ["FKLASS", "FTH", "GR"]
    assert (unit.street_address, unit.postal_code, unit.city) == ("Högbergsgatan 65", "118 54", "Stockholm")
    assert RegisterUnit.objects.get(unit_code=BAGARMOSSEN).status == RegisterUnit.Status.DORMANT
    closed = RegisterUnit.objects.get(unit_code=SKARPNACK_OLD)
    assert closed.is_closed and closed.ends_on.isoformat() == "2025-06-30"
    # The central collection unit is in the register's list but is no school one visits.
    assert not RegisterUnit.objects.filter(unit_code="70011223").exists()
    # Each unit's history starts with its arrival; no school is made from the register by itself.
    assert RegisterChange.objects.filter(field=Field.ADDED).count() == UNIT_COUNT
    assert not School.objects.exists()
    assert run.extract_date.isoformat() == "2026-01-19T00:06:12.480000+01:00"


def test_importing_the_same_answer_again_changes_nothing(db):
    import_from(FIXTURE)
    changes, audit = RegisterChange.objects.count(), AuditEvent.objects.count()
    later = timezone.now() + timedelta(days=1)

    run = import_from(FIXTURE, now=later)

    assert (run.added, run.changed, run.closed, run.unlisted) == (0, 0, 0, 0)
    assert RegisterChange.objects.count() == changes
    assert AuditEvent.objects.count() == audit
    assert RegisterUnit.objects.get(unit_code=KATARINA).last_imported_at == later


def test_a_new_name_and_address_are_taken_with_their_history(db, recorded):
    import_from(recorded.path)
    recorded.change_unit(NORRA_REAL, displayName="Norra Real gymnasium")
    recorded.move(NORRA_REAL, street="Roslagsgatan 3", postal_code="11355", city="Stockholm")

    run = import_from(recorded.path)

    unit = RegisterUnit.objects.get(unit_code=NORRA_REAL)
    assert (unit.name, unit.street_address, unit.postal_code) == ("Norra Real gymnasium", "Roslagsgatan 3", "113 55")
    assert run.changed == 1 and run.added == 0
    assert _changes(unit=unit, run=run) == [
        (Field.NAME, "Norra Real", "Norra Real gymnasium"),
        (Field.STREET_ADDRESS, "Roslagsgatan 1", "Roslagsgatan 3"),
    ]
    assert list(selectors.register_history(unit).values_list("field", flat=True)) == [
        Field.STREET_ADDRESS, Field.NAME, Field.ADDED]


def test_a_school_typed_in_by_hand_is_matched_by_unit_code_and_follows_the_register(db):
    school = SchoolFactory(unit_code=OSTERMALM, name="Östermalms skola", street_address="Skeppargatan 9",
                           postal_code="115 30", organisation_number="212000-0142",
                           school_forms=[Code.PRESCHOOL, Code.COMPULSORY])

    run = import_from(FIXTURE)

    school.refresh_from_db()
    assert School.objects.count() == 1  # matched, not a second school
    assert (school.name, school.street_address) == ("Östermalmsskolan", "Skeppargatan 90")
    # The register's forms, and the preschool it never lists, which the school keeps.
    assert sorted(school.school_forms.values_list("code", flat=True)) == sorted(
        [Code.PRESCHOOL, Code.PRESCHOOL_CLASS, Code.COMPULSORY, Code.LEISURE_CENTRE])
    # The history says what Inspira had, typed by hand, and belongs to the school.
    assert _changes(school=school, run=run) == [
        (Field.ADDED, "", "Östermalmsskolan"),
        (Field.NAME, "Östermalms skola", "Östermalmsskolan"),
        (Field.STREET_ADDRESS, "Skeppargatan 9", "Skeppargatan 90"),
        (Field.SCHOOL_FORMS, "forskola, grundskola", "forskola, forskoleklass, fritidshem, grundskola"),
    ]
    event = AuditEvent.objects.get(action="school.update")
    assert event.actor is None and set(event.data["changes"]) == {"name", "street_address", "school_forms"}
    assert selectors.register_unit_of(school).unit_code == OSTERMALM

    # Imported again: the school already says what the register says, so nothing more is written.
    import_from(FIXTURE)
    assert RegisterChange.objects.filter(school=school).count() == 4
    assert AuditEvent.objects.filter(action="school.update").count() == 1


def test_a_unit_that_closes_is_flagged_and_nothing_is_deleted(db, recorded):
    school = SchoolFactory(unit_code=KATARINA, name="Katarina Södra skola", street_address="Högbergsgatan 65",
                           postal_code="118 54", school_forms=[Code.PRESCHOOL_CLASS, Code.COMPULSORY,
                                                               Code.LEISURE_CENTRE])
    import_from(recorded.path)
    recorded.change_unit(KATARINA, status="UPPHORT", endDate="2026-06-30")
    now = timezone.now() + timedelta(hours=1)

    run = import_from(recorded.path, now=now)

    unit = RegisterUnit.objects.get(unit_code=KATARINA)
    assert unit.is_closed and unit.closed_at == now and unit.ends_on.isoformat() == "2026-06-30"
    assert run.closed == 1
    assert _changes(unit=unit, run=run) == [(Field.STATUS, "active", "closed")]
    assert School.objects.filter(pk=school.pk).exists()
    assert list(selectors.closed_schools()) == [school]


def test_a_unit_gone_from_the_list_is_flagged_and_comes_back(db, recorded):
    import_from(recorded.path)
    recorded.drop(NORRA_REAL)

    run = import_from(recorded.path)

    unit = RegisterUnit.objects.get(unit_code=NORRA_REAL)
    assert not unit.listed and run.unlisted == 1
    assert _changes(unit=unit, run=run) == [(Field.LISTED, "yes", "no")]
    assert list(selectors.register_units(status=selectors.UNLISTED)) == [unit]

    recorded.edit_listing(lambda listing: listing["data"]["attributes"].append(
        {"schoolUnitCode": NORRA_REAL, "name": "Norra Real", "status": "AKTIV"}))
    back = import_from(recorded.path)
    unit.refresh_from_db()
    assert unit.listed and back.unlisted == 0
    assert _changes(unit=unit, run=back) == [(Field.LISTED, "no", "yes")]


def test_a_new_unit_is_added_and_waits_to_be_completed_into_a_school(db, recorded):
    import_from(recorded.path)
    recorded.add("31415926", like=OSTERMALM, name="Nya Östermalmsskolan")

    run = import_from(recorded.path)

    assert run.added == 1
    unit = RegisterUnit.objects.get(unit_code="31415926")
    assert list(selectors.register_units(in_inspira=False, q="Nya"))[0] == unit
    # What the form that completes it into a school starts from: the register's data, nothing invented.
    initial = school_initial(unit)
    assert initial["name"] == "Nya Östermalmsskolan" and initial["unit_code"] == "31415926"
    assert initial["organisation_number"] == "212000-0142" and initial["postal_code"] == "115 30"
    assert sorted(sf.code for sf in initial["school_forms"]) == sorted(
        [Code.PRESCHOOL_CLASS, Code.COMPULSORY, Code.LEISURE_CENTRE])
    assert not {"district", "invoice_address", "invoice_reference", "contact_email"} & set(initial)


# --- The successor, recorded by hand --------------------------------------------------------------------------

@pytest.fixture
def merged(db):
    import_from(FIXTURE)
    return RegisterUnit.objects.get(unit_code=SKARPNACK_OLD), RegisterUnit.objects.get(unit_code=SKARPNACK_NEW)


def test_an_administrator_records_the_successor_of_a_merged_unit(merged):
    closed, successor = merged
    school = SchoolFactory(unit_code=SKARPNACK_OLD, name="Skarpnäcksskolan")
    administrator = UserFactory(role="administrator")

    register_successor_set(unit=closed, successor=successor, actor=administrator)

    closed.refresh_from_db()
    assert closed.successor == successor and closed.successor_recorded_at is not None
    assert _changes(unit=closed, field=Field.SUCCESSOR) == [
        (Field.SUCCESSOR, "", "Skarpnäcks skola (41827365)")]
    change = RegisterChange.objects.get(field=Field.SUCCESSOR)
    assert change.school == school and change.run is None
    event = AuditEvent.objects.get(action="register.successor_set")
    assert event.actor == administrator and event.object_id == str(closed.pk)

    # Again the same: nothing more. Removed: written down too.
    register_successor_set(unit=closed, successor=successor, actor=administrator)
    assert RegisterChange.objects.filter(field=Field.SUCCESSOR).count() == 1
    register_successor_set(unit=closed, successor=None, actor=administrator)
    closed.refresh_from_db()
    assert closed.successor is None and closed.successor_recorded_at is None
    assert AuditEvent.objects.filter(action="register.successor_removed").count() == 1
    # The next import leaves the successor alone: the register knows nothing of it.
    register_successor_set(unit=closed, successor=successor, actor=administrator)
    import_from(FIXTURE)
    closed.refresh_from_db()
    assert closed.successor == successor


def test_only_a_closed_unit_gets_a_successor(merged):
    closed, successor = merged
    with pytest.raises(ValidationError) as refused:
        register_successor_set(unit=successor, successor=closed, actor=None)
    assert "successor" in refused.value.message_dict
    assert RegisterUnit.objects.get(pk=successor.pk).successor is None


def test_a_unit_cannot_succeed_itself_nor_close_a_circle(merged):
    closed, successor = merged
    with pytest.raises(ValidationError):
        register_successor_set(unit=closed, successor=closed, actor=None)
    # Norra Real closes too and is succeeded by the old Skarpnäcksskolan, which cannot then lead back.
    other = RegisterUnit.objects.get(unit_code=NORRA_REAL)
    RegisterUnit.objects.filter(pk=other.pk).update(status=RegisterUnit.Status.CLOSED)
    other.refresh_from_db()
    register_successor_set(unit=other, successor=closed, actor=None)
    with pytest.raises(ValidationError, match="cirkel"):
        register_successor_set(unit=closed, successor=other, actor=None)
    assert RegisterUnit.objects.get(pk=closed.pk).successor is None


def test_the_history_names_statuses_and_school_forms_in_words(db, recorded):
    import_from(recorded.path)
    recorded.change_unit(BAGARMOSSEN, status="AKTIV", schoolTypes=["FKLASS", "GR"])
    run = import_from(recorded.path)
    rows = {row.field: row for row in RegisterChange.objects.filter(run=run)}
    from django.utils import translation

    with translation.override("en"):
        assert (rows[Field.STATUS].old_display, rows[Field.STATUS].new_display) == ("Dormant", "Active")
        assert rows[Field.SCHOOL_FORMS].old_display == "Preschool class, Leisure-time centre, Compulsory school"
        assert rows[Field.SCHOOL_FORMS].new_display == "Preschool class, Compulsory school"
    assert RegisterImport.objects.filter(outcome=RegisterImport.Outcome.IMPORTED).count() == 2
