"""Reading the register's answer: a malformed one is refused with a clear message and nothing half-imported;
the command reads a recorded answer; the nightly job is scheduled; the API is asked the way its schema says."""

import datetime
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from inspira.schools.models import RegisterChange, RegisterImport, RegisterUnit
from inspira.schools.register_source import (
    HttpSource,
    RecordedSource,
    RegisterError,
    read_register,
    source_for,
)
from inspira.schools.tasks import register_import_nightly
from tests.schools.register_support import (
    FIXTURE,
    KATARINA,
    NORRA_REAL,
    OSTERMALM,
    UNIT_COUNT,
    Recorded,
    import_from,
)


@pytest.fixture
def recorded(tmp_path):
    return Recorded(tmp_path / "register")


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English (their msgids); the pages and the command speak Swedish.
    with translation.override("en"):
        yield


def _no_list(document):
    del document["data"]


def _list_code(listing):
    listing["data"]["attributes"][0]["schoolUnitCode"] = "1234"


def _list_status(listing):
    listing["data"]["attributes"][0]["status"] = "STANGD"


def _list_twice(listing):
    listing["data"]["attributes"].append(dict(listing["data"]["attributes"][0]))


# (how the answer is broken, what the refusal must say)
BROKEN_LISTS = [
    (_no_list, "has no data.attributes list"),
    (_list_code, "“1234” is not eight digits"),
    (_list_status, "unknown status “STANGD”"),
    (_list_twice, "is listed twice"),
]


def _postal(document):
    document["data"]["attributes"]["addresses"][0]["postalCode"] = "ABC"


def _municipality(document):
    document["data"]["attributes"]["municipalityCode"] = "0184"


def _school_type(document):
    document["data"]["attributes"]["schoolTypes"] = ["GR", "FORSKOLA"]


def _no_name(document):
    document["data"]["attributes"]["displayName"] = ""


def _organisation_number(document):
    document["included"]["organizationNumber"] = "2120000143"


def _no_organiser(document):
    del document["included"]


def _other_unit(document):
    document["data"]["schoolUnitCode"] = "11111111"


def _start_date(document):
    document["data"]["attributes"]["startdate"] = "1 juli 1995"


BROKEN_UNITS = [
    (_postal, "the postal code “ABC” is not a Swedish postal code"),
    (_municipality, "lies in the municipality 0184, not 0180"),
    (_school_type, "are not the register's codes"),
    (_no_name, "the name is missing"),
    (_organisation_number, "organisation number “2120000143” is not valid"),
    (_no_organiser, "the organiser (included) is missing"),
    (_other_unit, "its document is about the unit 11111111"),
    (_start_date, "“1 juli 1995” is not a date"),
]


def _state():
    """What the import writes, to compare before and after a refusal."""
    return (list(RegisterUnit.objects.order_by("unit_code").values()),
            list(RegisterChange.objects.order_by("pk").values_list("pk", flat=True)))


def _refused_after_a_good_import(recorded, break_it) -> tuple[RegisterError, tuple]:
    """Import the good answer, change it (a rename the import would take), break it, import again."""
    import_from(recorded.path)
    recorded.change_unit(NORRA_REAL, displayName="Norra Real gymnasium")
    break_it()
    before = _state()
    with pytest.raises(RegisterError) as refused:
        import_from(recorded.path)
    return refused.value, before


@pytest.mark.parametrize(("break_list", "says"), BROKEN_LISTS)
def test_a_malformed_list_is_refused_and_nothing_is_imported(db, recorded, break_list, says):
    error, before = _refused_after_a_good_import(recorded, lambda: recorded.edit_listing(break_list))

    assert says in str(error)
    assert _state() == before  # the rename of Norra Real was not taken either
    run = RegisterImport.objects.latest("pk")
    assert not run.is_imported and says in run.message and run.added == run.changed == 0


@pytest.mark.parametrize(("break_unit", "says"), BROKEN_UNITS)
def test_a_malformed_unit_is_refused_and_nothing_is_imported(db, recorded, break_unit, says):
    # Östermalmsskolan comes after Norra Real's rename in neither order: the whole answer is checked first.
    error, before = _refused_after_a_good_import(recorded, lambda: recorded.edit(OSTERMALM, break_unit))

    assert f"The school unit {OSTERMALM}" in str(error) and says in str(error)
    assert _state() == before
    assert RegisterUnit.objects.get(unit_code=NORRA_REAL).name == "Norra Real"


def test_a_file_that_is_not_json_is_refused_naming_the_file_and_line(db, recorded):
    error, before = _refused_after_a_good_import(recorded, lambda: recorded.write_raw(KATARINA, '{"data": {\n  oops'))

    assert f"{KATARINA}.json is not valid JSON (line 2, column 3" in str(error)
    assert _state() == before


def test_a_missing_unit_document_is_refused(db, recorded):
    error, before = _refused_after_a_good_import(recorded, lambda: recorded.unit_path(KATARINA).unlink())

    assert f"{KATARINA}.json is missing" in str(error)
    assert _state() == before


def test_every_problem_is_listed_not_only_the_first(db, recorded):
    for code in (KATARINA, OSTERMALM):
        recorded.edit(code, _postal)
    with pytest.raises(RegisterError) as refused:
        import_from(recorded.path)
    assert len(refused.value.problems) == 2 and not RegisterUnit.objects.exists()


def test_a_planned_unit_and_a_central_unit_are_left_out(recorded):
    recorded.edit_listing(lambda listing: listing["data"]["attributes"].append(
        {"schoolUnitCode": "99999901", "name": "Nya skolan", "status": "PLANERAD"}))  # planned: no document needed
    snapshot = read_register(source=RecordedSource(recorded.path), municipality_code="0180")
    assert len(snapshot.units) == UNIT_COUNT and snapshot.skipped == 2


def test_a_municipality_code_is_four_digits():
    with pytest.raises(RegisterError, match="not a municipality code"):
        read_register(source=RecordedSource(FIXTURE), municipality_code="180")


# --- The command and the nightly job ---------------------------------------------------------------------------

def test_the_command_imports_a_recorded_answer(db):
    out = io.StringIO()
    call_command("import_school_units", "--municipality", "0180", "--file", str(FIXTURE), stdout=out)

    assert RegisterUnit.objects.count() == UNIT_COUNT
    run = RegisterImport.objects.get()
    assert run.trigger == RegisterImport.Trigger.COMMAND and run.source == str(FIXTURE)
    assert str(FIXTURE) in out.getvalue() and f"Lästa enheter: {UNIT_COUNT}. Nya: {UNIT_COUNT}," in out.getvalue()


def test_the_command_also_takes_the_list_file_itself(db):
    call_command("import_school_units", "--file", str(FIXTURE / "school-units.json"), stdout=io.StringIO())
    assert RegisterUnit.objects.count() == UNIT_COUNT


def test_the_command_refuses_a_malformed_answer_with_its_problems(db, recorded):
    recorded.edit(KATARINA, _municipality)
    with pytest.raises(CommandError) as refused:
        call_command("import_school_units", "--file", str(recorded.path), stdout=io.StringIO())
    message = str(refused.value)
    assert message.startswith("Ingenting importerades och ingenting ändrades")
    assert f"Skolenheten {KATARINA} ligger i kommunen 0184, inte 0180." in message
    assert not RegisterUnit.objects.exists()


def test_the_command_speaks_the_sites_language(db, settings):
    # The people who run it read what the pages say: LANGUAGE_CODE, whatever the shell's locale.
    settings.LANGUAGE_CODE = "en"
    with translation.override("sv"):
        out = io.StringIO()
        call_command("import_school_units", "--file", str(FIXTURE), stdout=out)
    assert "Imported the school units of 0180" in out.getvalue()


def test_the_nightly_job_is_scheduled(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="schools-register-import-nightly")
    assert schedule.func == "inspira.schools.tasks.register_import_nightly"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1
    assert timezone.localtime(schedule.next_run).time() == datetime.time(3, 30)


@pytest.mark.parametrize(("now", "first"), [
    ("2026-03-28T12:00:00+01:00", "2026-03-29T03:30:00+02:00"),  # the night the clocks go forward
    ("2026-10-25T02:30:00+02:00", "2026-10-25T03:30:00+01:00"),  # the night they go back: later the same night
    ("2026-06-01T03:30:00+02:00", "2026-06-02T03:30:00+02:00"),  # at the hour itself: the next day
])
def test_a_daily_schedule_starts_at_the_next_hour_on_stockholms_clock(now, first):
    from inspira.core.schedules import next_daily_run

    assert next_daily_run(datetime.time(3, 30), now=datetime.datetime.fromisoformat(now)).isoformat() == first


def test_the_nightly_job_imports_from_the_setting_and_again_changes_nothing(db, settings):
    settings.SCHOOL_REGISTER_URL = str(FIXTURE)
    assert register_import_nightly() == {"outcome": "imported", "added": UNIT_COUNT, "changed": 0, "closed": 0,
                                         "unlisted": 0}
    assert register_import_nightly() == {"outcome": "imported", "added": 0, "changed": 0, "closed": 0,
                                         "unlisted": 0}
    assert set(RegisterImport.objects.values_list("trigger", flat=True)) == {RegisterImport.Trigger.SCHEDULE}


def test_the_nightly_job_records_a_register_out_of_reach_and_keeps_the_data(db, settings, tmp_path):
    import_from(FIXTURE)
    settings.SCHOOL_REGISTER_URL = str(tmp_path / "nothing-here")
    assert register_import_nightly() == {"outcome": "refused"}
    assert RegisterUnit.objects.count() == UNIT_COUNT
    assert "nothing-here is missing" in RegisterImport.objects.latest("pk").message


def test_the_nightly_job_is_off_without_an_address(db, settings):
    settings.SCHOOL_REGISTER_URL = ""
    assert register_import_nightly() == {"outcome": "off"}
    assert not RegisterImport.objects.exists()


# --- The API, asked as its schema says (no network: urlopen answers from the recorded files) --------------------

class _Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_api_is_asked_for_every_status_of_the_municipality_then_each_unit(db, monkeypatch):
    asked = []

    def urlopen(request, timeout):
        asked.append(request.full_url)
        assert request.get_header("Accept") == "application/json" and timeout == 7
        path = urlsplit(request.full_url).path
        name = "school-units.json" if path.endswith("/school-units") else f"school-units/{path.rsplit('/', 1)[1]}.json"
        return _Answer((FIXTURE / name).read_bytes())

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    source = source_for("https://api.skolverket.se/skolenhetsregistret/v2/", timeout=7)
    assert isinstance(source, HttpSource)

    run = import_from_source(source)

    first = urlsplit(asked[0])
    assert first.path == "/skolenhetsregistret/v2/school-units"
    assert parse_qs(first.query) == {"municipality_code": ["0180"], "status": ["AKTIV", "VILANDE", "UPPHORT"]}
    assert f"https://api.skolverket.se/skolenhetsregistret/v2/school-units/{KATARINA}" in asked
    assert len(asked) == 1 + UNIT_COUNT + 1 and run.added == UNIT_COUNT


def import_from_source(source):
    from inspira.schools.register import register_import

    return register_import(source=source, municipality_code="0180", trigger=RegisterImport.Trigger.COMMAND)


def test_an_answer_of_the_api_that_is_an_error_is_refused(db, monkeypatch):
    import urllib.error

    def urlopen(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 503, "Service Unavailable", {}, None)

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    with pytest.raises(RegisterError, match="The register answered 503"):
        import_from_source(source_for("https://api.skolverket.se/skolenhetsregistret/v2"))
    assert not RegisterUnit.objects.exists()


def test_only_a_web_address_goes_to_the_network():
    assert isinstance(source_for("/var/lib/register"), RecordedSource)
    assert isinstance(source_for("file:///etc/passwd"), RecordedSource)  # read as a path: no file: URLs opened
    with pytest.raises(RegisterError):
        HttpSource("ftp://example.se/register")


def test_the_recorded_fixture_follows_the_schema():
    listing = json.loads((FIXTURE / "school-units.json").read_text(encoding="utf-8"))
    assert listing["data"]["type"] == "schoolunit" and listing["meta"]["extractDate"]
    unit = json.loads((FIXTURE / "school-units" / f"{KATARINA}.json").read_text(encoding="utf-8"))
    assert unit["data"]["schoolUnitCode"] == KATARINA and unit["included"]["type"] == "organizer"
    assert {"displayName", "status", "addresses", "schoolTypes", "municipalityCode", "schoolUnitType"} <= set(
        unit["data"]["attributes"])
    # No personal data in the fixture: the principal's name is not recorded.
    assert unit["data"]["attributes"]["headMaster"] is None
