from django.db.models import Prefetch, Q, QuerySet

from inspira.accounts.models import Membership, User
from inspira.core.search import text_matches
from inspira.schools.models import School

SCHOOL_SEARCH_LIMIT = 20


def school_search(query: str, *, limit: int = SCHOOL_SEARCH_LIMIT) -> tuple[list[School], bool]:
    """Schools whose name contains ``query`` or whose unit code starts with it.

    Returns at most ``limit`` schools and whether there were more, so the page can ask the
    person to be more specific instead of showing a long list.
    """
    query = " ".join(query.split())
    if not query:
        return [], False
    condition = text_matches(query, "name")
    digits = query.replace(" ", "")
    if digits.isascii() and digits.isdigit():
        condition |= Q(unit_code__startswith=digits)
    schools = list(
        School.objects.filter(condition).only("pk", "name", "unit_code", "city").order_by("name", "unit_code")[
            : limit + 1
        ]
    )
    return schools[:limit], len(schools) > limit


def school_waiting_memberships(school) -> QuerySet[Membership]:
    """People who asked to join ``school`` and have verified their email address."""
    return (
        Membership.objects.filter(school=school, confirmed_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("requested_at", "pk")
    )


def school_confirmed_memberships(school) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(school=school, confirmed_at__isnull=False)
        .select_related("user")
        .order_by("user__name", "user__email", "pk")
    )


def people_search(query: str = "") -> QuerySet[User]:
    people = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("school").order_by("school__name"))
    ).order_by("name", "email")
    query = query.strip()
    if query:
        people = people.filter(text_matches(query, "name", "email"))
    return people


def person_memberships(person) -> QuerySet[Membership]:
    return Membership.objects.filter(user=person).select_related("school").order_by("school__name")
