import pytest
from django.core.exceptions import ValidationError

from inspira.core.models import AuditEvent
from inspira.schools.models import School, SchoolForm
from inspira.schools.services import school_create, school_update
from tests.factories import DistrictFactory, SchoolFactory


def _create_kwargs(**overrides):
    kwargs = {
        "name": "Engelbrektsskolan", "unit_code": "8765 4321", "organisation_number": "2120000142",
        "district": DistrictFactory(name="Norrmalm"),
        "school_forms": SchoolForm.objects.filter(code=SchoolForm.Code.COMPULSORY),
        "street_address": "Valhallavägen 1", "postal_code": "11422", "city": "Stockholm",
        "invoice_address": "Box 1\n105 35 Stockholm", "invoice_reference": "UTB1234",
        "contact_email": "engelbrekt@example.se",
    }
    return kwargs | overrides


def test_school_create_normalises_and_audits(administrator):
    school = school_create(actor=administrator, **_create_kwargs())

    school.refresh_from_db()
    assert school.unit_code == "87654321"
    assert school.organisation_number == "212000-0142"
    assert school.postal_code == "114 22"
    assert [sf.code for sf in school.school_forms.all()] == [SchoolForm.Code.COMPULSORY]
    event = AuditEvent.objects.get(action="school.create")
    assert event.actor == administrator
    assert event.object_id == str(school.pk)
    assert event.data["unit_code"] == "87654321"


def test_school_create_refuses_a_taken_unit_code(administrator):
    SchoolFactory(unit_code="87654321")
    with pytest.raises(ValidationError) as excinfo:
        school_create(actor=administrator, **_create_kwargs())
    assert "unit_code" in excinfo.value.error_dict
    assert School.objects.filter(name="Engelbrektsskolan").count() == 0


def test_school_create_needs_at_least_one_school_form(administrator):
    with pytest.raises(ValidationError) as excinfo:
        school_create(actor=administrator, **_create_kwargs(school_forms=[]))
    assert "school_forms" in excinfo.value.error_dict
    assert not School.objects.filter(name="Engelbrektsskolan").exists()
    assert not AuditEvent.objects.exists()


def test_school_create_refuses_a_bad_organisation_number(administrator):
    with pytest.raises(ValidationError):
        school_create(actor=administrator, **_create_kwargs(organisation_number="212000-0143"))
    assert not School.objects.exists()


def test_school_update_audits_what_changed(administrator, school):
    school_update(school=school, actor=administrator, name="Nya Vasaskolan", city="Stockholm")

    school.refresh_from_db()
    assert school.name == "Nya Vasaskolan"
    event = AuditEvent.objects.get(action="school.update")
    assert event.data["changes"] == {"name": ["Vasaskolan", "Nya Vasaskolan"]}


def test_school_update_compares_with_the_stored_row_not_the_changed_instance(administrator, school):
    school.name = "Changed in memory by a form"
    school_update(school=school, actor=administrator, name="Changed in memory by a form")
    assert AuditEvent.objects.get(action="school.update").data["changes"]["name"][0] == "Vasaskolan"


def test_school_update_without_changes_writes_no_audit_row(administrator, school):
    school_update(school=school, actor=administrator, name=school.name)
    assert not AuditEvent.objects.filter(action="school.update").exists()


def test_school_update_refuses_another_schools_unit_code(administrator, school, other_school):
    with pytest.raises(ValidationError) as excinfo:
        school_update(school=school, actor=administrator, unit_code=other_school.unit_code)
    assert "unit_code" in excinfo.value.error_dict


def test_school_update_refuses_unknown_fields(administrator, school):
    with pytest.raises(TypeError):
        school_update(school=school, actor=administrator, created_at=None)
