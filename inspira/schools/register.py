"""The import from Skolverket's school-unit register, and the successor an administrator records by hand.

``register_import`` reads the municipality's units (``register_source.read_register``: every document
checked before anything is written), then in one transaction:

- a unit new to Inspira is added to the register's table (``RegisterUnit``). It becomes a school only
  when an administrator completes what the register lacks (district, invoice address and reference,
  contact email): docs/decisions.md, "Schools from the register";
- a known unit takes the register's name, address, organiser, school forms and status; a school in
  Inspira with the same unit code (typed in by hand or completed from the register) takes the name,
  visiting address, organisation number and school forms, through ``services.school_update``;
- every change is a ``RegisterChange`` row (what, when, from what to what). An import that changes
  nothing writes none;
- a closed unit is flagged, never deleted, and nor is its school; a unit that drops out of the
  municipality's list is flagged as no longer listed.

A run that is refused (a malformed answer) or fails (the register cannot be reached) changes nothing and
is recorded as a ``RegisterImport`` that did not go through, with its message, so the administrators see
why the last night's import did not happen.
"""

import logging
from collections import Counter
from dataclasses import fields as dataclass_fields

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.schools import services
from inspira.schools.models import RegisterChange, RegisterImport, RegisterUnit, School, SchoolForm
from inspira.schools.register_source import RegisterError, RegisterSource, Snapshot, UnitRecord, read_register

log = logging.getLogger(__name__)

Field = RegisterChange.Field
Code = SchoolForm.Code

# The register's school forms (CodeSchoolType) that Inspira has a school form for. Open leisure
# activities (OPPFTH), special schools (SP) and Sami schools (SAM) have none.
SCHOOL_FORM_OF_TYPE = {
    "FKLASS": Code.PRESCHOOL_CLASS, "FTH": Code.LEISURE_CENTRE, "GR": Code.COMPULSORY,
    "GRAN": Code.COMPULSORY_ADAPTED, "GY": Code.UPPER_SECONDARY, "GYAN": Code.UPPER_SECONDARY_ADAPTED,
    "VUX": Code.ADULT,
}
# School forms the register never lists (preschools are not in it): a school keeps these as typed.
OUTSIDE_REGISTER = frozenset(Code.values) - frozenset(SCHOOL_FORM_OF_TYPE.values())

# A unit's fields the register keeps, and the history's name for each.
UNIT_FIELDS = {
    "name": Field.NAME, "street_address": Field.STREET_ADDRESS, "postal_code": Field.POSTAL_CODE,
    "city": Field.CITY, "organiser_name": Field.ORGANISER, "organisation_number": Field.ORGANISATION_NUMBER,
    "school_types": Field.SCHOOL_FORMS, "status": Field.STATUS,
}
# What a school in Inspira takes from the register (a missing value leaves the school's as it is).
SCHOOL_FIELDS = ("name", "street_address", "postal_code", "city", "organisation_number")
# Kept on the unit without a history of their own.
QUIET_FIELDS = ("organiser_type", "starts_on", "ends_on")

YES, NO = "yes", "no"


def _record_values(record: UnitRecord) -> dict:
    values = {f.name: getattr(record, f.name) for f in dataclass_fields(record) if f.name != "unit_code"}
    values["school_types"] = list(record.school_types)
    return values


def _history_value(field: str, value) -> str:
    if field == "school_types":
        return ", ".join(value)
    return "" if value is None else str(value)


def _school_forms_for(school: School, record: UnitRecord) -> list[str] | None:
    """The school's forms as the register has them, keeping those the register never lists; None
    when the register names none Inspira knows (then the school keeps its own)."""
    from_register = {SCHOOL_FORM_OF_TYPE[t] for t in record.school_types if t in SCHOOL_FORM_OF_TYPE}
    if not from_register:
        return None
    kept = {sf.code for sf in school.school_forms.all()} & OUTSIDE_REGISTER
    return sorted(from_register | kept)


class _Run:
    """One import's writing: the rows it adds and what it counts."""

    def __init__(self, *, run: RegisterImport, now, school_forms: dict[str, SchoolForm]):
        self.run, self.now, self.school_forms = run, now, school_forms
        self.changes: list[RegisterChange] = []
        self.counts: Counter = Counter()

    def change(self, unit, school, field: str, old: str, new: str) -> None:
        self.changes.append(RegisterChange(unit=unit, school=school, run=self.run, field=field,
                                           old_value=old[:300], new_value=new[:300], at=self.now))

    def add(self, record: UnitRecord, school: School | None) -> RegisterUnit:
        unit = RegisterUnit(unit_code=record.unit_code, first_imported_at=self.now, last_imported_at=self.now,
                            closed_at=self.now if record.status == RegisterUnit.Status.CLOSED else None,
                            **_record_values(record))
        unit.full_clean(validate_unique=False)
        unit.save()
        self.change(unit, school, Field.ADDED, "", record.name)
        self.counts["added"] += 1
        if school is not None:
            self.sync_school(unit, school, record)
        return unit

    def update(self, unit: RegisterUnit, record: UnitRecord, school: School | None) -> None:
        before = {name: getattr(unit, name) for name in UNIT_FIELDS}
        rows_before = len(self.changes)
        school_fields = self.sync_school(unit, school, record) if school is not None else set()
        for name, value in _record_values(record).items():
            setattr(unit, name, value)
        for name, field in UNIT_FIELDS.items():
            # A school's change is its row already; the register's copy changing alone is one too.
            if name not in school_fields and before[name] != getattr(unit, name):
                self.change(unit, school, field, _history_value(name, before[name]),
                            _history_value(name, getattr(unit, name)))
        if before["status"] != unit.status:
            closed = unit.status == RegisterUnit.Status.CLOSED
            unit.closed_at = self.now if closed else None
            self.counts["closed"] += closed
        if not unit.listed:
            unit.listed = True
            self.change(unit, school, Field.LISTED, NO, YES)
        unit.last_imported_at = self.now
        unit.full_clean(validate_unique=False)
        unit.save()
        self.counts["changed"] += len(self.changes) > rows_before

    def sync_school(self, unit: RegisterUnit, school: School, record: UnitRecord) -> set[str]:
        """Give ``school`` the register's name, address, organisation number and school forms; return
        the unit's fields whose change this wrote down (as the school's)."""
        wanted = {name: getattr(record, name) for name in SCHOOL_FIELDS if getattr(record, name)}
        changed = {name: value for name, value in wanted.items() if getattr(school, name) != value}
        forms = _school_forms_for(school, record)
        old_forms = sorted(sf.code for sf in school.school_forms.all())
        forms_changed = forms is not None and forms != old_forms
        if not changed and not forms_changed:
            return set()
        for name, value in changed.items():
            self.change(unit, school, UNIT_FIELDS[name], getattr(school, name), value)
        if forms_changed:
            self.change(unit, school, Field.SCHOOL_FORMS, ", ".join(old_forms), ", ".join(forms))
        try:
            services.school_update(
                school=school, actor=None, **changed,
                school_forms=[self.school_forms[code] for code in forms] if forms_changed else None,
            )
        except ValidationError as exc:
            raise RegisterError([_("The school %(name)s (%(code)s) cannot take the register's details: "
                                   "%(errors)s") % {"name": school.name, "code": school.unit_code,
                                                    "errors": " ".join(exc.messages)}]) from exc
        return set(changed) | ({"school_types"} if forms_changed else set())

    def unlist(self, unit: RegisterUnit, school: School | None) -> None:
        unit.listed = False
        unit.save(update_fields=["listed"])
        self.change(unit, school, Field.LISTED, YES, NO)
        self.counts["unlisted"] += 1


def _apply(snapshot: Snapshot, *, run: RegisterImport, now) -> Counter:
    codes = [record.unit_code for record in snapshot.units]
    # Locked, so that two imports at once (the nightly job and a command) take turns.
    units = {unit.unit_code: unit for unit in RegisterUnit.objects.select_for_update().filter(
        Q(unit_code__in=codes) | Q(municipality_code=snapshot.municipality_code, listed=True))}
    schools = {school.unit_code: school for school in School.objects.filter(
        unit_code__in=[*codes, *units]).prefetch_related("school_forms")}
    writer = _Run(run=run, now=now, school_forms={sf.code: sf for sf in SchoolForm.objects.all()})
    for record in snapshot.units:
        unit, school = units.pop(record.unit_code, None), schools.get(record.unit_code)
        if unit is None:
            writer.add(record, school)
        else:
            writer.update(unit, record, school)
    for unit in units.values():  # known, listed before, gone from the municipality's list now
        if unit.municipality_code == snapshot.municipality_code and unit.listed:
            writer.unlist(unit, schools.get(unit.unit_code))
    RegisterChange.objects.bulk_create(writer.changes)
    return writer.counts


def register_import(*, source: RegisterSource, municipality_code: str, trigger: str,
                    now=None) -> RegisterImport:
    """Import the municipality's units from ``source``. Returns the run; raises RegisterError (after
    recording the refused run) when the register could not be read or what it said is malformed."""
    started = now or timezone.now()
    try:
        snapshot = read_register(source=source, municipality_code=municipality_code)
        with transaction.atomic():
            run = RegisterImport.objects.create(
                municipality_code=municipality_code, source=snapshot.source[:500], trigger=trigger,
                outcome=RegisterImport.Outcome.IMPORTED, started_at=started, finished_at=started,
                extract_date=snapshot.extract_date, units=len(snapshot.units), skipped=snapshot.skipped,
            )
            counts = _apply(snapshot, run=run, now=started)
            for name in ("added", "changed", "closed", "unlisted"):
                setattr(run, name, counts[name])
            run.finished_at = max(timezone.now(), started)
            run.save()
    except RegisterError as exc:
        _refused(source=source, municipality_code=municipality_code, trigger=trigger, started=started, error=exc)
        raise
    except (IntegrityError, ValidationError) as exc:
        # Another import added the same unit at the same moment, or a unit broke a rule of the table.
        error = RegisterError([_("The import stopped and changed nothing: %(error)s") % {"error": exc}])
        _refused(source=source, municipality_code=municipality_code, trigger=trigger, started=started, error=error)
        raise error from exc
    return run


def _refused(*, source, municipality_code: str, trigger: str, started, error: RegisterError) -> RegisterImport:
    log.error("Nothing was imported from the school-unit register (%s, %s): %d problem(s), the first: %s",
              municipality_code, source.description, len(error.problems), error.problems[0] if error.problems else "")
    return RegisterImport.objects.create(
        municipality_code=municipality_code[:4], source=source.description[:500], trigger=trigger,
        outcome=RegisterImport.Outcome.REFUSED, started_at=started, finished_at=max(timezone.now(), started),
        message=error.text(),
    )


# --- The successor, recorded by hand ------------------------------------------------------------------------

def unit_may_have_successor(unit: RegisterUnit) -> bool:
    """Only a closed unit is succeeded by another (units that merge close, and the new one starts)."""
    return unit.is_closed


def school_initial(unit: RegisterUnit) -> dict:
    """What the register says of ``unit``, as the first values of the form that completes it into a
    school; the administrator adds the rest (district, invoices, contact)."""
    codes = {SCHOOL_FORM_OF_TYPE[t] for t in unit.school_types if t in SCHOOL_FORM_OF_TYPE}
    initial = {"name": unit.name, "unit_code": unit.unit_code, "organisation_number": unit.organisation_number,
               "street_address": unit.street_address, "postal_code": unit.postal_code, "city": unit.city,
               "school_forms": list(SchoolForm.objects.filter(code__in=codes))}
    return {name: value for name, value in initial.items() if value}


def _label(unit: RegisterUnit | None) -> str:
    return f"{unit.name} ({unit.unit_code})" if unit is not None else ""


@transaction.atomic
def register_successor_set(*, unit: RegisterUnit, successor: RegisterUnit | None, actor, now=None) -> RegisterUnit:
    """Record that ``successor`` took over from the closed ``unit`` (None: remove the successor).
    Raises ValidationError (keyed ``successor``) when the rule says no."""
    now = now or timezone.now()
    unit = RegisterUnit.objects.select_for_update(of=("self",)).select_related("successor").get(pk=unit.pk)
    if not unit_may_have_successor(unit):
        raise ValidationError({"successor": _("Only a closed school unit can have a successor.")}, code="not_closed")
    if successor is not None:
        successor = RegisterUnit.objects.get(pk=successor.pk)  # its successor as stored, for the circle
        if successor.pk == unit.pk:
            raise ValidationError({"successor": _("A school unit cannot succeed itself.")}, code="self")
        seen, step = {successor.pk}, successor
        while step.successor_id is not None and step.successor_id not in seen:
            if step.successor_id == unit.pk:
                raise ValidationError({"successor": _(
                    "%(name)s is already succeeded, through its successors, by this unit: that would be a "
                    "circle.") % {"name": successor.name}}, code="circle")
            seen.add(step.successor_id)
            step = RegisterUnit.objects.get(pk=step.successor_id)
    old = unit.successor
    if (old.pk if old else None) == (successor.pk if successor else None):
        return unit
    unit.successor = successor
    unit.successor_recorded_at = now if successor is not None else None
    unit.save(update_fields=["successor", "successor_recorded_at"])
    school = School.objects.filter(unit_code=unit.unit_code).first()
    RegisterChange.objects.create(unit=unit, school=school, field=Field.SUCCESSOR, old_value=_label(old),
                                  new_value=_label(successor), at=now)
    if successor is not None:
        audit_record(actor=actor, action="register.successor_set", obj=unit,
                     summary=_("Recorded %(successor)s as the successor of %(unit)s") % {
                         "successor": _label(successor), "unit": _label(unit)},
                     data={"unit": unit.unit_code, "successor": [_label(old), _label(successor)]})
    else:
        audit_record(actor=actor, action="register.successor_removed", obj=unit,
                     summary=_("Removed the successor of %(unit)s") % {"unit": _label(unit)},
                     data={"unit": unit.unit_code, "successor": [_label(old), ""]})
    return unit

