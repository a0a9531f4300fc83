from datetime import date, timedelta

from django.db.models import Q, QuerySet

from inspira.core.search import text_matches
from inspira.schools.models import ClosedPeriod, District, School, SchoolForm


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
