from datetime import date, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery

from inspira.core.search import text_matches
from inspira.schools.models import (
    ClosedPeriod,
    District,
    RegisterChange,
    RegisterImport,
    RegisterUnit,
    School,
    SchoolForm,
)


def schools_for_display() -> QuerySet[School]:
    """Schools with what a page shows of them: the district joined, the school forms prefetched."""
    return School.objects.select_related("district").prefetch_related("school_forms")


def school_search(*, q: str = "", district: District | None = None,
                  school_form: SchoolForm | None = None) -> QuerySet[School]:
    """Schools by name, school unit code or organisation number, sorted by name.

    Ready for a table: the district is joined and the school forms are prefetched, so a
    page costs the same number of queries however many schools it shows.
    """
    schools = schools_for_display()
    q = q.strip()
    if q:
        condition = text_matches(q, "name", "organisation_number")
        compact = "".join(q.replace("-", "").split())
        if compact.isdigit():
            # "1234 5678" finds a unit code; "2120000142" finds 212000-0142.
            condition |= Q(unit_code__contains=compact)
            if len(compact) == 10:
                condition |= Q(organisation_number=f"{compact[:6]}-{compact[6:]}")
        schools = schools.filter(condition)
    if district is not None:
        schools = schools.filter(district=district)
    if school_form is not None:
        # A school has each school form once, so this join cannot repeat a school.
        schools = schools.filter(school_forms=school_form)
    return schools.order_by("name", "unit_code")


def closed_days(school: School | int | None, start: date, end: date) -> dict[date, str]:
    """The days from ``start`` to ``end`` (inclusive) when ``school`` is closed, each with the
    closure's name: the municipality's periods and the school's own, in one query. Where both
    close a day, the school's own name is given (it says more)."""
    if end < start:
        return {}
    periods = ClosedPeriod.objects.filter(starts_on__lte=end, ends_on__gte=start)
    if school is None:
        periods = periods.filter(school__isnull=True)
    else:
        periods = periods.filter(Q(school__isnull=True) | Q(school=school))
    days: dict[date, str] = {}
    # The municipality's first, so that a school's own period overrides it.
    rows = sorted(periods.values_list("school_id", "starts_on", "ends_on", "name"),
                  key=lambda row: (row[0] is not None, row[1]))
    for _school_id, starts_on, ends_on, name in rows:
        day = max(starts_on, start)
        while day <= min(ends_on, end):
            days[day] = name
            day += timedelta(days=1)
    return days


def closed_periods_of(school: School | None) -> QuerySet[ClosedPeriod]:
    """A school's own closed periods, or (``None``) the municipality's, newest first."""
    periods = ClosedPeriod.objects.all()
    periods = periods.filter(school__isnull=True) if school is None else periods.filter(school=school)
    return periods.order_by("-starts_on", "name")


# --- Skolverket's school-unit register ----------------------------------------------------------------------------

def _school_of_unit():
    """The school in Inspira with a unit's code (a subquery): the one link between the two."""
    return Subquery(School.objects.filter(unit_code=OuterRef("unit_code")).values("pk")[:1])


# The filter of the register's list: a status, or the units no longer in the register's list.
UNLISTED = "unlisted"


def register_units(*, q: str = "", status: str = "", in_inspira: bool | None = None) -> QuerySet[RegisterUnit]:
    """The register's units by name, unit code or organiser, each with ``school_id`` (its school in
    Inspira, or None: a unit to complete into a school) and its successor; constant queries a page."""
    units = RegisterUnit.objects.annotate(school_id=_school_of_unit()).select_related("successor")
    q = q.strip()
    if q:
        condition = text_matches(q, "name", "organiser_name")
        compact = "".join(q.split())
        if compact.isdigit():
            condition |= Q(unit_code__contains=compact)
        units = units.filter(condition)
    if status == UNLISTED:
        units = units.filter(listed=False)
    elif status:
        units = units.filter(status=status)
    if in_inspira is not None:
        units = units.filter(school_id__isnull=not in_inspira)
    return units.order_by("name", "unit_code")


def _school_of_successor():
    return Subquery(School.objects.filter(unit_code=OuterRef("successor__unit_code")).values("pk")[:1])


def register_unit(unit_code: str) -> RegisterUnit:
    """One unit with ``school_id``, its successor and ``successor_school_id`` (raises DoesNotExist)."""
    return RegisterUnit.objects.annotate(
        school_id=_school_of_unit(), successor_school_id=_school_of_successor(),
    ).select_related("successor").get(unit_code=unit_code)


def register_unit_of(school: School) -> RegisterUnit | None:
    """The register's unit of ``school`` (matched by unit code), with its successor; None when the
    register has not listed it."""
    return RegisterUnit.objects.select_related("successor").filter(unit_code=school.unit_code).first()


def register_history(unit: RegisterUnit) -> QuerySet[RegisterChange]:
    """What the register (and the administrators' successors) changed about ``unit``, newest first."""
    return unit.changes.select_related("school", "run").order_by("-at", "-pk")


def register_imports() -> QuerySet[RegisterImport]:
    return RegisterImport.objects.order_by("-started_at", "-pk")


def latest_register_import() -> RegisterImport | None:
    return register_imports().first()


def with_register_status(schools: QuerySet[School]) -> QuerySet[School]:
    """``schools`` with ``register_status`` (a RegisterUnit.Status, None when the register has not
    listed the school) and ``register_listed``, in the same query."""
    unit = RegisterUnit.objects.filter(unit_code=OuterRef("unit_code"))
    return schools.annotate(register_status=Subquery(unit.values("status")[:1]),
                            register_listed=Subquery(unit.values("listed")[:1]))


def closed_schools() -> QuerySet[School]:
    """The schools in Inspira whose unit the register says is closed, by name."""
    closed = RegisterUnit.objects.filter(status=RegisterUnit.Status.CLOSED).values("unit_code")
    return School.objects.filter(unit_code__in=closed).order_by("name", "unit_code")


def register_units_of_schools(schools) -> dict[str, RegisterUnit]:
    """The units of ``schools`` by unit code, each with its successor and ``successor_school_id`` (one query)."""
    units = RegisterUnit.objects.filter(unit_code__in=[school.unit_code for school in schools])
    return {unit.unit_code: unit for unit in units.select_related("successor").annotate(
        successor_school_id=_school_of_successor())}
