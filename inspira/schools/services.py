from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.schools.models import ClosedPeriod, District, School, SchoolForm
from inspira.schools.validators import normalise_organisation_number, normalise_postal_code, normalise_unit_code

# The fields of a school that people edit in the product (school forms are set separately).
EDITABLE_FIELDS = (
    "name", "unit_code", "organisation_number", "district", "street_address", "postal_code", "city",
    "invoice_address", "invoice_reference", "invoice_email", "contact_email",
)


def _unit_code_taken_error() -> ValidationError:
    return ValidationError({"unit_code": _("Another school already has this school unit code.")}, code="unique")


def _normalise(fields: dict) -> dict:
    # Forms normalise too, but other callers (commands, imports) must not store a second spelling.
    for name, normalise in (
        ("unit_code", normalise_unit_code),
        ("organisation_number", normalise_organisation_number),
        ("postal_code", normalise_postal_code),
    ):
        if name in fields:
            fields[name] = normalise(fields[name])
    return fields


def _check_school_forms(school_forms) -> list[SchoolForm]:
    school_forms = list(school_forms)
    if not school_forms:
        raise ValidationError({"school_forms": _("Choose at least one school form.")}, code="required")
    return school_forms


def _snapshot(school: School) -> dict:
    data = {name: getattr(school, name) for name in EDITABLE_FIELDS if name != "district"}
    data["district"] = school.district.name
    data["school_forms"] = sorted(sf.code for sf in school.school_forms.all())
    return data


def _unit_code_taken(school: School) -> bool:
    return School.objects.filter(unit_code=school.unit_code).exclude(pk=school.pk).exists()


def _save(school: School) -> None:
    if _unit_code_taken(school):
        raise _unit_code_taken_error()
    school.full_clean(validate_unique=False)
    try:
        # A savepoint, so that losing a race for the unit code leaves the transaction usable.
        with transaction.atomic():
            school.save()
    except IntegrityError as exc:
        if _unit_code_taken(school):
            raise _unit_code_taken_error() from exc
        raise


@transaction.atomic
def school_create(
    *, actor, name: str, unit_code: str, organisation_number: str, district: District, school_forms,
    street_address: str, postal_code: str, city: str, invoice_address: str, invoice_reference: str,
    invoice_email: str = "", contact_email: str,
) -> School:
    """Add a school. Raises ValidationError (keyed by field) for input that breaks a rule."""
    fields = _normalise({
        "name": name, "unit_code": unit_code, "organisation_number": organisation_number, "district": district,
        "street_address": street_address, "postal_code": postal_code, "city": city,
        "invoice_address": invoice_address, "invoice_reference": invoice_reference,
        "invoice_email": invoice_email, "contact_email": contact_email,
    })
    school_forms = _check_school_forms(school_forms)
    school = School(**fields)
    _save(school)
    school.school_forms.set(school_forms)
    audit_record(
        actor=actor, action="school.create", obj=school,
        summary=_("Added the school %(name)s (%(code)s)") % {"name": school.name, "code": school.unit_code},
        data=_snapshot(school),
    )
    return school


@transaction.atomic
def school_update(*, school: School, actor, school_forms=None, **fields) -> School:
    """Change a school's details. Only the given fields change; the audit row lists what did."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"school_update() cannot change {', '.join(sorted(unknown))}")
    fields = _normalise(fields)
    # Compare with the stored row, not with ``school``: a bound form has already changed it.
    school = School.objects.select_for_update().select_related("district").get(pk=school.pk)
    before = _snapshot(school)
    for name, value in fields.items():
        setattr(school, name, value)
    _save(school)
    if school_forms is not None:
        school.school_forms.set(_check_school_forms(school_forms))
    after = _snapshot(school)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        audit_record(
            actor=actor, action="school.update", obj=school,
            summary=_("Changed the school %(name)s: %(fields)s")
            % {"name": school.name, "fields": ", ".join(changes)},
            data={"changes": changes},
        )
    return school


# --- Closed periods (breaks and study days) -----------------------------------------------------------------------

CLOSED_PERIOD_FIELDS = ("name", "kind", "starts_on", "ends_on")


def _closed_period_snapshot(period: ClosedPeriod) -> dict:
    return {"name": period.name, "kind": period.kind, "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(), "school": period.school.name if period.school_id else ""}


def _closed_period_save(period: ClosedPeriod) -> None:
    if period.ends_on < period.starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first day.")}, code="order")
    period.full_clean()
    period.save()


def _closed_period_label(period: ClosedPeriod) -> str:
    where = period.school.name if period.school_id else _("every school")
    return _("%(name)s (%(start)s to %(end)s, %(where)s)") % {
        "name": period.name, "start": period.starts_on.isoformat(), "end": period.ends_on.isoformat(),
        "where": where}


@transaction.atomic
def closed_period_create(*, actor, school: School | None, name: str, kind: str, starts_on, ends_on) -> ClosedPeriod:
    """Close ``school`` (or, with ``None``, every school) from ``starts_on`` to ``ends_on``.
    Raises ValidationError (keyed by field) for input that breaks a rule."""
    period = ClosedPeriod(school=school, name=name.strip(), kind=kind, starts_on=starts_on, ends_on=ends_on)
    _closed_period_save(period)
    audit_record(actor=actor, action="closed_period.create", obj=period,
                 summary=_("Added the closed period %(period)s") % {"period": _closed_period_label(period)},
                 data=_closed_period_snapshot(period))
    return period


@transaction.atomic
def closed_period_update(*, period: ClosedPeriod, actor, **fields) -> ClosedPeriod:
    """Change a closed period. Only the given fields change; the audit row lists what did."""
    unknown = set(fields) - set(CLOSED_PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"closed_period_update() cannot change {', '.join(sorted(unknown))}")
    # Compare with the stored row, not with ``period``: a bound form has already changed it.
    period = ClosedPeriod.objects.select_for_update(of=("self",)).select_related("school").get(pk=period.pk)
    before = _closed_period_snapshot(period)
    for name, value in fields.items():
        setattr(period, name, value.strip() if name == "name" else value)
    _closed_period_save(period)
    after = _closed_period_snapshot(period)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        audit_record(actor=actor, action="closed_period.update", obj=period,
                     summary=_("Changed the closed period %(period)s") % {"period": _closed_period_label(period)},
                     data={"changes": changes})
    return period


@transaction.atomic
def closed_period_delete(*, period: ClosedPeriod, actor) -> None:
    audit_record(actor=actor, action="closed_period.delete", obj=period,
                 summary=_("Removed the closed period %(period)s") % {"period": _closed_period_label(period)},
                 data=_closed_period_snapshot(period))
    period.delete()
