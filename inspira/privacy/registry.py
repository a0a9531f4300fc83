"""Where Inspira keeps personal data: one area per app, each exporting and erasing its part.

tests/privacy/test_registry.py walks every model and fails when a field that may hold personal data
(a foreign key to a person; a field named like a name, email or phone; free text) is not named here,
either as handled by an area, kept by law, or not personal data, each with its reason.
"""

from inspira.privacy.areas import (
    accounts,
    benchmarking,
    billing,
    catalogue,
    certification,
    core,
    efforts,
    events,
    federation,
    panel,
    platform,
    programmes,
    schools,
    surveys,
    visits,
)
from inspira.privacy.base import Area, Category
from inspira.privacy.scrub import Scrubber, Subject

# Order matters only for the download's order of categories; erasure runs them all in one transaction.
AREAS: list[Area] = [
    accounts.AREA, federation.AREA, schools.AREA, programmes.AREA, surveys.AREA, events.AREA, benchmarking.AREA,
    efforts.AREA,
    panel.AREA, certification.AREA,
    catalogue.AREA, visits.AREA, billing.AREA, core.AREA, platform.AREA,
]

# Fields that hold no personal data, though their name or type suggests they might.
NOT_PERSONAL = {key: reason for area in AREAS for key, reason in area.not_personal.items()}
# Personal data the law requires kept as it is: exported, never changed at erasure.
KEPT = {key: reason for area in AREAS for key, reason in area.kept.items()}


def covered_fields() -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for area in AREAS:
        for label, names in area.all_fields().items():
            result.setdefault(label, set()).update(names)
    return result


def export_categories(user) -> list[Category]:
    scrubber = Scrubber(Subject.of(user))
    return [category for area in AREAS for category in area.export(user, scrubber)]
