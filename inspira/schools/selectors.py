from django.db.models import Q, QuerySet

from inspira.core.search import text_matches
from inspira.schools.models import District, School, SchoolForm


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


