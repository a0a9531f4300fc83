"""Reading Skolverket's school-unit register (Skolenhetsregistret, open API v2) and checking what it says.

The format follows Skolverket's published OpenAPI description of version 2
(``https://api.skolverket.se/skolenhetsregistret/skolenhetsregistret_v2_openapi.yaml``;
fixtures/skolenhetsregistret/README.md says what was read and where). Two calls give a municipality's units:

- ``GET {base}/school-units?municipality_code=0180&status=AKTIV&status=VILANDE&status=UPPHORT`` lists them:
  ``{"meta": {"extractDate"}, "data": {"type": "schoolunit", "attributes": [{"schoolUnitCode", "name",
  "status"}]}}``. The statuses are asked for by name: a list without them has been seen to hold only active
  and dormant units, and a closed unit is exactly what Inspira must hear about.
- ``GET {base}/school-units/{code}`` gives one unit: ``data.attributes`` holds ``displayName``,
  ``status``, ``municipalityCode``, ``schoolTypes``, ``schoolUnitType``, ``addresses`` (one of type
  ``BESOKSADRESS``, the visiting address), ``startdate`` and ``endDate``; ``included`` is the organiser
  (huvudman): ``organizationNumber`` and ``attributes.displayName`` and ``organizerType``.

A recorded response (``fixtures/skolenhetsregistret/0180/``) holds the same documents as files:
``school-units.json`` and ``school-units/<code>.json``. The tests and the demo read those, never the network.

Nothing here touches the database: ``read_register`` returns the checked units, or raises ``RegisterError``
listing every problem it found, so that a malformed answer is refused before anything is written.
The principal's name (``headMaster``) and the unit's email and phone are never read: Inspira keeps none of them.
"""

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inspira.schools.validators import normalise_organisation_number, normalise_postal_code

# The register's statuses Inspira imports, and what it calls them (RegisterUnit.Status).
STATUSES = {"AKTIV": "active", "VILANDE": "dormant", "UPPHORT": "closed"}
# A planned unit (PLANERAD) has not started: it is left out until the register says it is active.
ALL_STATUSES = (*STATUSES, "PLANERAD")
SCHOOL_TYPES = ("FKLASS", "FTH", "OPPFTH", "GR", "GRAN", "SP", "SAM", "GY", "GYAN", "VUX")
# Central collection units and Swedish schools abroad are in the register but are no schools one visits.
UNIT_TYPES = ("SKOLENHET", "CENTRAL", "UTLAND")
ORGANISER_TYPES = ("KOMMUN", "REGION", "STAT", "SAME", "ENSKILD", "SPECIAL", "KOMMFORB", "HMANUTL")
VISITING_ADDRESS = "BESOKSADRESS"

# A Stockholm list is a few hundred kilobytes, a unit a few; more than this is no answer of the register.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# How many problems a refusal lists before it says how many more there were.
MAX_PROBLEMS_SHOWN = 20


class RegisterError(Exception):
    """The register could not be read, or what it said is malformed. ``problems`` are translated
    sentences, each naming the unit or file it is about; ``str()`` joins them for a page or a command."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(self.text())

    def text(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        lines = list(shown)
        if more:
            lines.append(_("… and %(count)d more problems.") % {"count": more})
        return "\n".join(lines)


@dataclass(frozen=True)
class UnitRecord:
    """One school unit as the register gives it, checked and in Inspira's spelling."""

    unit_code: str
    name: str
    status: str  # RegisterUnit.Status value
    municipality_code: str
    school_types: tuple[str, ...]
    organiser_name: str = ""
    organisation_number: str = ""  # "NNNNNN-NNNN", or "" when the register does not say
    organiser_type: str = ""
    street_address: str = ""
    postal_code: str = ""  # "NNN NN", or ""
    city: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class Snapshot:
    """What one reading of the register gave: the municipality's units, checked."""

    municipality_code: str
    source: str
    extract_date: datetime.datetime | None
    units: tuple[UnitRecord, ...]
    skipped: int  # planned units and units that are no schools (central collection units, schools abroad)


class RegisterSource(Protocol):
    """Where the register's documents come from: its web address, or a recorded copy on disk."""

    description: str

    def list_document(self, municipality_code: str) -> object: ...

    def unit_document(self, unit_code: str) -> object: ...


def _parse(raw: bytes, where: str) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RegisterError([_("%(where)s is not UTF-8 text.") % {"where": where}]) from exc
    except json.JSONDecodeError as exc:
        raise RegisterError([_("%(where)s is not valid JSON (line %(line)d, column %(column)d: %(error)s).") % {
            "where": where, "line": exc.lineno, "column": exc.colno, "error": exc.msg}]) from exc


class RecordedSource:
    """A recorded response on disk: a directory holding ``school-units.json`` (the list) and
    ``school-units/<code>.json`` (each unit), or the list file itself with that directory beside it."""

    LIST_FILE = "school-units.json"
    UNIT_DIR = "school-units"

    def __init__(self, path: str | Path):
        path = Path(path)
        if path.is_dir():
            self.list_path, self.unit_dir = path / self.LIST_FILE, path / self.UNIT_DIR
        else:
            self.list_path, self.unit_dir = path, path.parent / self.UNIT_DIR
        self.description = str(path)

    def _read(self, path: Path) -> object:
        try:
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise RegisterError([_("%(where)s is too large to be an answer of the register.") % {"where": path}])
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise RegisterError([_("The file %(path)s is missing.") % {"path": path}]) from exc
        except OSError as exc:
            raise RegisterError([_("The file %(path)s cannot be read: %(error)s") % {
                "path": path, "error": exc.strerror or exc}]) from exc
        return _parse(raw, str(path))

    def list_document(self, municipality_code: str) -> object:
        return self._read(self.list_path)

    def unit_document(self, unit_code: str) -> object:
        return self._read(self.unit_dir / f"{unit_code}.json")


class HttpSource:
    """The register's web API, e.g. ``https://api.skolverket.se/skolenhetsregistret/v2``."""

    def __init__(self, base_url: str, *, timeout: int = 30):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise RegisterError([_("%(url)s is not a web address (https://…).") % {"url": base_url}])
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.description = self.base_url

    def _get(self, url: str) -> object:
        # The scheme was checked in __init__ (https or http only, never file:).
        request = urllib.request.Request(  # noqa: S310
            url, headers={"Accept": "application/json", "User-Agent": "Inspira"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(MAX_DOCUMENT_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise RegisterError([_("The register answered %(status)d for %(url)s.") % {
                "status": exc.code, "url": url}]) from exc
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RegisterError([_("The register could not be reached at %(url)s: %(error)s") % {
                "url": url, "error": reason}]) from exc
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise RegisterError([_("%(where)s is too large to be an answer of the register.") % {"where": url}])
        return _parse(raw, url)

    def list_document(self, municipality_code: str) -> object:
        query = urllib.parse.urlencode([("municipality_code", municipality_code),
                                        *(("status", status) for status in STATUSES)])
        return self._get(f"{self.base_url}/school-units?{query}")

    def unit_document(self, unit_code: str) -> object:
        return self._get(f"{self.base_url}/school-units/{urllib.parse.quote(unit_code)}")


def source_for(location: str, *, timeout: int = 30) -> RegisterSource:
    """A web address (http or https) is the API; anything else is a recorded response on disk."""
    if urllib.parse.urlsplit(location).scheme in ("http", "https"):
        return HttpSource(location, timeout=timeout)
    return RecordedSource(location)


# --- Checking what the register said ---------------------------------------------------------------------------

def is_municipality_code(value: str) -> bool:
    return len(value) == 4 and value.isascii() and value.isdigit()


def _is_unit_code(value) -> bool:
    return isinstance(value, str) and len(value) == 8 and value.isascii() and value.isdigit()


class _Checker:
    """Collects problems instead of stopping at the first, so that a refusal lists them all."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def text(self, value, *, where: str, what: str, max_length: int, required: bool) -> str:
        if value is None or value == "":
            if required:
                self.problem(_("%(where)s: %(what)s is missing.") % {"where": where, "what": what})
            return ""
        if not isinstance(value, str):
            self.problem(_("%(where)s: %(what)s is not text.") % {"where": where, "what": what})
            return ""
        value = " ".join(value.split())
        if len(value) > max_length:
            self.problem(_("%(where)s: %(what)s is longer than %(max)d characters.") % {
                "where": where, "what": what, "max": max_length})
            return ""
        return value

    def normalised(self, value, normalise, *, where: str, problem: str) -> str:
        """``value`` in Inspira's spelling (``normalise`` raises ValidationError), "" when absent; a value
        that does not normalise is a problem: ``problem``, with ``%(where)s`` and ``%(value)s``."""
        if value in (None, ""):
            return ""
        try:
            return normalise(value if isinstance(value, str) else "")
        except ValidationError:
            self.problem(problem % {"where": where, "value": value})
            return ""

    def date(self, value, *, where: str, what: str) -> datetime.date | None:
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem(_("%(where)s: %(what)s “%(value)s” is not a date (YYYY-MM-DD).") % {
                "where": where, "what": what, "value": value})
            return None


def _extract_date(meta, checker: _Checker) -> datetime.datetime | None:
    value = meta.get("extractDate") if isinstance(meta, dict) else None
    if value in (None, ""):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        checker.problem(_("The list's extract date “%(value)s” is not a date and time.") % {"value": value})
        return None
    return moment if moment.tzinfo else None


def _list_entries(document, checker: _Checker) -> list[dict]:
    data = document.get("data") if isinstance(document, dict) else None
    entries = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        checker.problem(_("The list of school units has no data.attributes list: it is not an answer of "
                          "Skolverket's register (API v2)."))
        return []
    checked, seen = [], set()
    for position, entry in enumerate(entries, start=1):
        where = _("The list's entry %(number)d") % {"number": position}
        if not isinstance(entry, dict):
            checker.problem(_("%(where)s is not an object.") % {"where": where})
            continue
        code = entry.get("schoolUnitCode")
        if not _is_unit_code(code):
            checker.problem(_("%(where)s: the school unit code “%(code)s” is not eight digits.") % {
                "where": where, "code": code})
            continue
        if code in seen:
            checker.problem(_("The school unit %(code)s is listed twice.") % {"code": code})
            continue
        seen.add(code)
        status = entry.get("status")
        if status not in ALL_STATUSES:
            checker.problem(_("The school unit %(code)s has the unknown status “%(status)s”.") % {
                "code": code, "status": status})
            continue
        checked.append({"code": code, "status": status})
    return checked


def _visiting_address(addresses, where: str, checker: _Checker) -> tuple[str, str, str]:
    if addresses is None:
        return "", "", ""
    if not isinstance(addresses, list) or not all(isinstance(a, dict) for a in addresses):
        checker.problem(_("%(where)s: the addresses are not a list of addresses.") % {"where": where})
        return "", "", ""
    visiting = next((a for a in addresses if a.get("type") == VISITING_ADDRESS), None)
    if visiting is None:
        return "", "", ""  # a unit may lack one; the school keeps the address it has
    street = checker.text(visiting.get("streetAddress"), where=where, what=_("the street address"),
                          max_length=200, required=False)
    city = checker.text(visiting.get("locality"), where=where, what=_("the city"), max_length=100, required=False)
    postal_code = checker.normalised(visiting.get("postalCode"), normalise_postal_code, where=where, problem=_(
        "%(where)s: the postal code “%(value)s” is not a Swedish postal code."))
    return street, postal_code, city


def _organiser(included, where: str, checker: _Checker) -> tuple[str, str, str]:
    # The schema describes one object; a JSON:API style list of included objects is read as well.
    candidates = included if isinstance(included, list) else [included]
    organiser = next((item for item in candidates if isinstance(item, dict)
                      and item.get("type") in ("organizer", "organization", "organiser")), None)
    if organiser is None:
        checker.problem(_("%(where)s: the organiser (included) is missing.") % {"where": where})
        return "", "", ""
    attributes = organiser.get("attributes") if isinstance(organiser.get("attributes"), dict) else {}
    name = checker.text(attributes.get("displayName"), where=where, what=_("the organiser's name"),
                        max_length=200, required=True)
    kind = attributes.get("organizerType") or ""
    if kind and kind not in ORGANISER_TYPES:
        checker.problem(_("%(where)s: the organiser's type “%(value)s” is unknown.") % {"where": where, "value": kind})
        kind = ""
    number = checker.normalised(organiser.get("organizationNumber"), normalise_organisation_number, where=where,
                                problem=_("%(where)s: the organiser's organisation number “%(value)s” is not valid."))
    return name, number, kind


def _unit(document, *, code: str, listed_status: str, municipality_code: str,
          checker: _Checker) -> UnitRecord | None:
    where = _("The school unit %(code)s") % {"code": code}
    data = document.get("data") if isinstance(document, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        checker.problem(_("%(where)s: its document has no data.attributes object.") % {"where": where})
        return None
    if data.get("schoolUnitCode") not in (None, code):
        checker.problem(_("%(where)s: its document is about the unit %(other)s.") % {
            "where": where, "other": data.get("schoolUnitCode")})
        return None
    problems_before = len(checker.problems)
    name = checker.text(attributes.get("displayName"), where=where, what=_("the name"), max_length=200, required=True)
    status = attributes.get("status", listed_status)
    if status not in ALL_STATUSES:
        checker.problem(_("%(where)s: the status “%(status)s” is unknown.") % {"where": where, "status": status})
    municipality = attributes.get("municipalityCode")
    if municipality != municipality_code:
        checker.problem(_("%(where)s lies in the municipality %(found)s, not %(expected)s.") % {
            "where": where, "found": municipality, "expected": municipality_code})
    school_types = attributes.get("schoolTypes") or []
    if not isinstance(school_types, list) or any(t not in SCHOOL_TYPES for t in school_types):
        checker.problem(_("%(where)s: the school forms %(value)s are not the register's codes.") % {
            "where": where, "value": school_types})
        school_types = []
    unit_type = attributes.get("schoolUnitType")
    if unit_type not in (None, *UNIT_TYPES):
        checker.problem(_("%(where)s: the unit type “%(value)s” is unknown.") % {"where": where, "value": unit_type})
    street, postal_code, city = _visiting_address(attributes.get("addresses"), where, checker)
    organiser_name, organisation_number, organiser_type = _organiser(document.get("included"), where, checker)
    starts_on = checker.date(attributes.get("startdate"), where=where, what=_("the start date"))
    ends_on = checker.date(attributes.get("endDate"), where=where, what=_("the end date"))
    if len(checker.problems) > problems_before:
        return None
    if status not in STATUSES or unit_type not in (None, "SKOLENHET"):
        return None  # planned, or no school one visits: left out (counted as skipped)
    return UnitRecord(
        unit_code=code, name=name, status=STATUSES[status], municipality_code=municipality,
        school_types=tuple(sorted(set(school_types), key=SCHOOL_TYPES.index)),
        organiser_name=organiser_name, organisation_number=organisation_number, organiser_type=organiser_type,
        street_address=street, postal_code=postal_code, city=city, starts_on=starts_on, ends_on=ends_on,
    )


def read_register(*, source: RegisterSource, municipality_code: str) -> Snapshot:
    """Read the municipality's units from ``source`` and check all of them. Raises RegisterError with
    every problem found; returns only when the whole answer is sound."""
    if not is_municipality_code(municipality_code):
        raise RegisterError([_("“%(code)s” is not a municipality code (four digits, e.g. 0180).") % {
            "code": municipality_code}])
    checker = _Checker()
    document = source.list_document(municipality_code)
    extract_date = _extract_date(document.get("meta") if isinstance(document, dict) else None, checker)
    entries = _list_entries(document, checker)
    units, skipped = [], 0
    for entry in entries:
        if entry["status"] not in STATUSES:
            skipped += 1  # planned: no document needed
            continue
        try:
            unit_document = source.unit_document(entry["code"])
        except RegisterError as exc:
            checker.problems.extend(exc.problems)
            continue
        problems_before = len(checker.problems)
        record = _unit(unit_document, code=entry["code"], listed_status=entry["status"],
                       municipality_code=municipality_code, checker=checker)
        if record is not None:
            units.append(record)
        elif len(checker.problems) == problems_before:
            skipped += 1
    if checker.problems:
        raise RegisterError(checker.problems)
    return Snapshot(municipality_code=municipality_code, source=source.description, extract_date=extract_date,
                    units=tuple(units), skipped=skipped)
