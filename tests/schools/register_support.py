"""The recorded answer of Skolverket's register (fixtures/skolenhetsregistret/0180/) for the register's tests,
and copies of it that a test changes: a unit renamed or moved, closed, gone from the list, new, or broken."""

import json
import shutil
from pathlib import Path

from django.conf import settings

from inspira.schools.models import RegisterImport
from inspira.schools.register import register_import
from inspira.schools.register_source import RecordedSource

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "skolenhetsregistret" / "0180"
UNIT_COUNT = 25  # imported: the recorded list holds 26, one of them a central collection unit (left out)
KATARINA = "38164927"  # Katarina Södra skola, active, municipal
OSTERMALM = "60418273"  # Östermalmsskolan, active, in no demo: a new unit
SKARPNACK_OLD = "57381620"  # Skarpnäcksskolan, closed (merged)
SKARPNACK_NEW = "41827365"  # Skarpnäcks skola, active, its successor
BAGARMOSSEN = "78140263"  # dormant
NORRA_REAL = "90257316"  # upper secondary school


class Recorded:
    """A copy of the recorded answer in ``path``, with helpers that change it as the register might."""

    def __init__(self, path: Path):
        self.path = path
        shutil.copytree(FIXTURE, path)

    @property
    def list_path(self) -> Path:
        return self.path / "school-units.json"

    def unit_path(self, code: str) -> Path:
        return self.path / "school-units" / f"{code}.json"

    def _load(self, path: Path):
        return json.loads(path.read_text(encoding="utf-8"))

    def _save(self, path: Path, document) -> None:
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    def listing(self) -> dict:
        return self._load(self.list_path)

    def unit(self, code: str) -> dict:
        return self._load(self.unit_path(code))

    def change_unit(self, code: str, **attributes) -> None:
        """Set attributes of the unit's document (``data.attributes``); ``status`` in the list too."""
        document = self.unit(code)
        document["data"]["attributes"].update(attributes)
        self._save(self.unit_path(code), document)
        listing = self.listing()
        for entry in listing["data"]["attributes"]:
            if entry["schoolUnitCode"] == code:
                entry["name"] = document["data"]["attributes"]["displayName"]
                entry["status"] = document["data"]["attributes"]["status"]
        self._save(self.list_path, listing)

    def move(self, code: str, *, street: str, postal_code: str, city: str) -> None:
        document = self.unit(code)
        visiting = next(a for a in document["data"]["attributes"]["addresses"] if a["type"] == "BESOKSADRESS")
        visiting.update(streetAddress=street, postalCode=postal_code, locality=city)
        self._save(self.unit_path(code), document)

    def drop(self, code: str) -> None:
        """The unit is gone from the municipality's list (its document stays, as the API keeps it)."""
        listing = self.listing()
        listing["data"]["attributes"] = [e for e in listing["data"]["attributes"] if e["schoolUnitCode"] != code]
        self._save(self.list_path, listing)

    def add(self, code: str, *, like: str, name: str) -> None:
        """A new unit, a copy of ``like`` under another code and name."""
        document = self.unit(like)
        document["data"]["schoolUnitCode"] = code
        document["data"]["attributes"]["displayName"] = name
        self._save(self.unit_path(code), document)
        listing = self.listing()
        listing["data"]["attributes"].append({"schoolUnitCode": code, "name": name, "status": "AKTIV"})
        self._save(self.list_path, listing)

    def write_raw(self, code: str, text: str) -> None:
        self.unit_path(code).write_text(text, encoding="utf-8")

    def edit(self, code: str, change) -> None:
        """Change the unit's document with ``change(document)`` (which may break it on purpose)."""
        document = self.unit(code)
        change(document)
        self._save(self.unit_path(code), document)

    def edit_listing(self, change) -> None:
        listing = self.listing()
        change(listing)
        self._save(self.list_path, listing)


def import_from(path, *, municipality_code: str = "0180", now=None) -> RegisterImport:
    return register_import(source=RecordedSource(path), municipality_code=municipality_code,
                           trigger=RegisterImport.Trigger.COMMAND, now=now)
