"""The administrators' pages of the school-unit register: the units and the last import, the imports, a unit's
history, the successor form, a school completed from the register, and the register's status on the schools'
own pages. Each list costs the same number of queries however long it is."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.schools.models import RegisterChange, RegisterImport, RegisterUnit, School, SchoolForm
from tests.factories import DistrictFactory, SchoolFactory
from tests.schools.register_support import (
    FIXTURE,
    KATARINA,
    NORRA_REAL,
    OSTERMALM,
    SKARPNACK_NEW,
    SKARPNACK_OLD,
    UNIT_COUNT,
    import_from,
)

REGISTER = reverse("schools:register")
IMPORTS = reverse("schools:register_imports")


@pytest.fixture(autouse=True)
def _english(en):
    """The pages in English, so that the assertions read the msgids."""


@pytest.fixture
def imported(db):
    return import_from(FIXTURE)


def _unit_url(code):
    return reverse("schools:register_unit", args=[code])


def _successor_url(code):
    return reverse("schools:register_successor", args=[code])


def test_before_any_import_the_register_page_says_so(client_for, administrator):
    page = client_for(administrator).get(REGISTER).content.decode()
    assert "Nothing has been imported from the register yet." in page
    assert "No unit has been imported from the register yet." in page


def test_the_register_page_shows_the_last_import_and_the_units(client_for, administrator, imported):
    response = client_for(administrator).get(REGISTER)
    page = response.content.decode()
    assert response.context["last_import"] == imported
    assert f"Units read: {UNIT_COUNT}. New: {UNIT_COUNT}" in page
    assert response.context["page_obj"].paginator.count == UNIT_COUNT
    # Units not in Inspira yet are offered to be completed into schools.
    assert f"{reverse('schools:create')}?skolenhet={OSTERMALM}" in page
    assert response.context["to_complete_count"] == 22  # every active unit: no school in Inspira yet


def test_a_refused_import_shows_why_on_the_register_page(client_for, administrator, imported, tmp_path):
    with pytest.raises(Exception):  # noqa: B017, PT011 (the refusal itself is tested in test_register_source)
        import_from(tmp_path / "missing")
    page = client_for(administrator).get(REGISTER).content.decode()
    assert "not imported" in page and "missing is missing" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("status=closed", {SKARPNACK_OLD, "13958274"}),
    ("status=dormant", {"78140263"}),
    ("q=Norra", {NORRA_REAL}),
    ("q=4182736", {SKARPNACK_NEW}),
    ("in_inspira=yes", {KATARINA}),
])
def test_the_units_can_be_filtered(client_for, administrator, imported, query, expected):
    SchoolFactory(unit_code=KATARINA)
    response = client_for(administrator).get(f"{REGISTER}?{query}")
    assert {unit.unit_code for unit in response.context["page_obj"]} == expected


def test_a_search_that_finds_nothing_says_so_and_offers_every_unit(client_for, administrator, imported):
    page = client_for(administrator).get(f"{REGISTER}?q=Nowhere").content.decode()
    assert "No unit matches your search." in page and "Show every unit" in page


def test_the_unit_page_shows_what_the_register_says_and_its_history(client_for, administrator, imported):
    # Typed in by hand with another name; the rest as the register says.
    school = SchoolFactory(unit_code=NORRA_REAL, name="Norra Latin", street_address="Roslagsgatan 1",
                           postal_code="113 55", school_forms=[SchoolForm.Code.UPPER_SECONDARY])
    import_from(FIXTURE)
    response = client_for(administrator).get(_unit_url(NORRA_REAL))
    page = response.content.decode()
    assert response.context["unit"].school_id == school.pk
    assert "Stockholms kommun (212000-0142)" in page and "Upper secondary school" in page
    rows = list(response.context["page_obj"])
    assert [row.field for row in rows] == [RegisterChange.Field.NAME, RegisterChange.Field.ADDED]
    assert "Norra Latin" in page and "The school Norra Real in Inspira" in page


def test_an_unknown_unit_is_not_found(client_for, administrator, imported):
    assert client_for(administrator).get(_unit_url("99999999")).status_code == 404
    assert client_for(administrator).get(_successor_url("99999999")).status_code == 404


def test_the_imports_page_lists_every_run_newest_first(client_for, administrator, imported):
    later = import_from(FIXTURE, now=timezone.now() + timezone.timedelta(hours=1))
    response = client_for(administrator).get(IMPORTS)
    assert list(response.context["page_obj"]) == [later, imported]


def test_the_imports_page_has_an_empty_state(client_for, administrator):
    assert "Nothing has been imported from the register yet." in client_for(administrator).get(IMPORTS).content.decode()


# --- The successor form ----------------------------------------------------------------------------------------

def test_an_administrator_records_the_successor_with_the_form(client_for, administrator, imported):
    client = client_for(administrator)
    assert client.get(_successor_url(SKARPNACK_OLD)).status_code == 200

    response = client.post(_successor_url(SKARPNACK_OLD), {"successor": "4182 7365"}, follow=True)

    assert response.redirect_chain[-1][0] == _unit_url(SKARPNACK_OLD)
    assert "Skarpnäcks skola is recorded as the successor of Skarpnäcksskolan." in response.content.decode()
    assert RegisterUnit.objects.get(unit_code=SKARPNACK_OLD).successor.unit_code == SKARPNACK_NEW
    assert AuditEvent.objects.filter(action="register.successor_set", actor=administrator).count() == 1

    again = client.post(_successor_url(SKARPNACK_OLD), {"successor": SKARPNACK_NEW}, follow=True)
    assert "Nothing was changed." in again.content.decode()
    removed = client.post(_successor_url(SKARPNACK_OLD), {"successor": ""}, follow=True)
    assert "The successor of Skarpnäcksskolan is removed." in removed.content.decode()
    assert RegisterUnit.objects.get(unit_code=SKARPNACK_OLD).successor is None


@pytest.mark.parametrize(("value", "says"), [
    ("12345678", "No school unit with this code has been imported from the register."),
    ("1234", "A school unit code is exactly eight digits."),
    (SKARPNACK_OLD, "A school unit cannot succeed itself."),
])
def test_a_wrong_successor_is_refused_at_the_field(client_for, administrator, imported, value, says):
    response = client_for(administrator).post(_successor_url(SKARPNACK_OLD), {"successor": value})
    assert response.status_code == 200
    assert response.context["form"].errors["successor"] == [says]
    assert 'aria-describedby="' in response.content.decode()
    assert RegisterUnit.objects.get(unit_code=SKARPNACK_OLD).successor is None


def test_an_active_unit_has_no_successor_form(client_for, administrator, imported):
    client = client_for(administrator)
    page = client.get(_successor_url(KATARINA)).content.decode()
    assert "Only a closed school unit can have a successor" in page and 'name="successor"' not in page
    response = client.post(_successor_url(KATARINA), {"successor": SKARPNACK_NEW}, follow=True)
    assert response.redirect_chain[-1][0] == _unit_url(KATARINA)
    assert "Only a closed school unit can have a successor." in response.content.decode()
    assert RegisterUnit.objects.get(unit_code=KATARINA).successor is None


# --- A school completed from the register ------------------------------------------------------------------------

def test_the_new_school_form_starts_from_the_registers_unit(client_for, administrator, imported):
    client = client_for(administrator)
    response = client.get(f"{reverse('schools:create')}?skolenhet={OSTERMALM}")
    form = response.context["form"]
    assert form["name"].value() == "Östermalmsskolan" and form["unit_code"].value() == OSTERMALM
    assert form["postal_code"].value() == "115 30" and not form["district"].value()
    assert "Filled in from Skolverket's school-unit register." in response.content.decode()

    forms = SchoolForm.objects.filter(code__in=["forskoleklass", "grundskola", "fritidshem"])
    client.post(reverse("schools:create"), {
        "name": "Östermalmsskolan", "unit_code": OSTERMALM, "organisation_number": "212000-0142",
        "school_forms": [str(f.pk) for f in forms], "district": str(DistrictFactory(name="Östermalm").pk),
        "street_address": "Skeppargatan 90", "postal_code": "115 30", "city": "Stockholm",
        "invoice_address": "Stockholms stad\nBox 1\n105 35 Stockholm", "invoice_reference": "UF1",
        "invoice_email": "", "contact_email": "ostermalm@example.se"})
    school = School.objects.get(unit_code=OSTERMALM)
    assert client.get(_unit_url(OSTERMALM)).context["unit"].school_id == school.pk


def test_an_unknown_unit_code_leaves_the_new_school_form_empty(client_for, administrator, imported):
    response = client_for(administrator).get(f"{reverse('schools:create')}?skolenhet=nonsense")
    assert response.context["form"]["name"].value() is None
    assert "Filled in from" not in response.content.decode()


# --- The schools' own pages ----------------------------------------------------------------------------------------

def test_the_school_page_shows_the_register_and_links_the_history_for_administrators(
        client_for, administrator, director, imported):
    school = SchoolFactory(unit_code=SKARPNACK_OLD, name="Skarpnäcksskolan")
    url = reverse("schools:detail", args=[school.pk])
    page = client_for(administrator).get(url).content.decode()
    assert "In Skolverket's school-unit register" in page and "Closed" in page
    assert _unit_url(SKARPNACK_OLD) in page
    assert _unit_url(SKARPNACK_OLD) not in client_for(director).get(url).content.decode()


def test_a_school_the_register_has_not_listed_says_so(client_for, administrator, school):
    page = client_for(administrator).get(reverse("schools:detail", args=[school.pk])).content.decode()
    assert "No unit with this school unit code has been imported from the register." in page


def test_the_school_list_shows_each_schools_status_in_the_register(client_for, administrator, imported):
    SchoolFactory(unit_code=SKARPNACK_OLD, name="Skarpnäcksskolan")
    SchoolFactory(unit_code=KATARINA, name="Katarina Södra skola")
    SchoolFactory(name="Handskriven skola")
    response = client_for(administrator).get(reverse("schools:list"))
    marks = {school.name: (school.register_label, school.register_unlisted) for school in response.context["page_obj"]}
    assert marks == {"Skarpnäcksskolan": ("Closed", False), "Katarina Södra skola": ("Active", False),
                     "Handskriven skola": ("", False)}
    assert REGISTER in response.content.decode()


# --- Constant queries -------------------------------------------------------------------------------------------

def _units(count):
    now = timezone.now()
    run = RegisterImport.objects.create(municipality_code="0180", source="test", trigger="command",
                                        outcome="imported", started_at=now, finished_at=now)
    for n in range(count):
        unit = RegisterUnit.objects.create(
            unit_code=f"{20000000 + n}", name=f"Enhet {n}", status="closed" if n % 2 else "active",
            municipality_code="0180", school_types=["GR"], first_imported_at=now, last_imported_at=now)
        RegisterChange.objects.create(unit=unit, run=run, field="added", new_value=unit.name, at=now)
        RegisterChange.objects.create(unit=RegisterUnit.objects.get(unit_code="20000000"), run=run, field="name",
                                      old_value="a", new_value="b", at=now)
        if n % 3 == 0:
            SchoolFactory(unit_code=unit.unit_code, name=unit.name)
        RegisterImport.objects.create(municipality_code="0180", source="test", trigger="schedule",
                                      outcome="refused", started_at=now, finished_at=now, message="No answer.")


@pytest.mark.parametrize("count", [2, 30])
@pytest.mark.parametrize(("url", "queries"), [
    # session, user, two-factor device; the page of units, its count, the last import; the counts of closed
    # schools and of units to complete
    (REGISTER, 8),
    # session, user, two-factor device; the page of imports and its count
    (IMPORTS, 5),
    # session, user, two-factor device; the unit (with its school and successor), its history and its count,
    # its predecessors
    (reverse("schools:register_unit", args=["20000000"]), 7),
])
def test_the_register_pages_cost_the_same_queries_however_long_the_list(
        client_for, administrator, django_assert_num_queries, count, url, queries):
    _units(count)
    client = client_for(administrator)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
