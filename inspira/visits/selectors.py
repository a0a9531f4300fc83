"""Reads of occasions and bookings that views (and other apps, such as the catalogue) share.

Places are counted in the database with subqueries, so a list runs a fixed number of queries
whatever its length.
"""

from datetime import datetime

from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from inspira.accounts.permissions import confirmed_memberships
from inspira.certification.models import Certification
from inspira.schools.models import School
from inspira.visits.models import Booking, Occasion, WaitingListEntry
from inspira.visits.permissions import HOST_ROLES


def _sum_of(queryset) -> Coalesce:
    total = queryset.order_by().values("occasion_id").annotate(total=Sum("participants")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def with_places(occasions: QuerySet[Occasion], *, now: datetime | None = None) -> QuerySet[Occasion]:
    """Annotate ``places_taken`` (held and confirmed bookings), ``places_offered`` (open
    waiting-list offers), ``free_places`` and ``waiting_count``."""
    now = now or timezone.now()
    taken = _sum_of(Booking.objects.filter(occasion=OuterRef("pk"), status__in=Booking.ACTIVE_STATUSES))
    offered = _sum_of(WaitingListEntry.objects.filter(occasion=OuterRef("pk"), status=WaitingListEntry.Status.OFFERED,
                                                      offer_expires_at__gt=now))
    waiting = Coalesce(Subquery(
        WaitingListEntry.objects.filter(occasion=OuterRef("pk"), status=WaitingListEntry.Status.WAITING)
        .order_by().values("occasion_id").annotate(n=Sum(Value(1))).values("n"), output_field=IntegerField(),
    ), Value(0))
    return occasions.annotate(places_taken=taken, places_offered=offered, waiting_count=waiting).annotate(
        free_places=Greatest(F("capacity") - F("places_taken") - F("places_offered"), Value(0)),
    )


def occasions_with_free_places(*, certification: Certification | int | None = None, now: datetime | None = None,
                               ) -> QuerySet[Occasion]:
    """Upcoming occasions that can be booked now: not cancelled, not started, of a site certified
    today, with at least one free place; soonest first. Optionally of one site (a certification
    or its id). Each row has ``free_places`` (and ``places_taken``) and its certification and
    school loaded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Dates and times are Stockholm wall-clock time: today's occasions count until they start.
    occasions = Occasion.objects.not_cancelled().filter(
        Q(date__gt=today) | Q(date=today, start_time__gt=timezone.localtime(now).time()),
        certification__in=Certification.objects.current(today),
    )
    if certification is not None:
        occasions = occasions.filter(certification=certification)
    return (with_places(occasions, now=now).filter(free_places__gt=0)
            .select_related("certification__school", "certification__application")
            .order_by("date", "start_time", "pk"))


def site_occasions(certification: Certification, *, now: datetime | None = None) -> QuerySet[Occasion]:
    return with_places(Occasion.objects.filter(certification=certification), now=now).order_by(
        "date", "start_time", "pk")


def occasion_bookings(occasion: Occasion) -> QuerySet[Booking]:
    return occasion.bookings.select_related("school", "booked_by").order_by("created_at", "pk")


def occasion_waiting_list(occasion: Occasion) -> QuerySet[WaitingListEntry]:
    return occasion.waiting_list.filter(status__in=WaitingListEntry.OPEN_STATUSES).select_related(
        "school", "user").order_by("created_at", "pk")


def bookable_schools(user) -> QuerySet[School]:
    """The schools ``user`` may book visits for."""
    return School.objects.filter(pk__in=confirmed_memberships(user).values("school_id")).order_by("name")


def bookings_for_person(user) -> QuerySet[Booking]:
    """The bookings of every school where ``user`` is confirmed staff, soonest first."""
    school_ids = confirmed_memberships(user).values("school_id")
    return (Booking.objects.filter(school_id__in=school_ids)
            .select_related("occasion__certification__school", "school", "booked_by")
            .order_by("occasion__date", "occasion__start_time", "pk"))


def waiting_entries_for_person(user) -> QuerySet[WaitingListEntry]:
    school_ids = confirmed_memberships(user).values("school_id")
    return (WaitingListEntry.objects.filter(school_id__in=school_ids, status__in=WaitingListEntry.OPEN_STATUSES)
            .select_related("occasion__certification__school", "school")
            .order_by("occasion__date", "pk"))


def hosted_sites_for_person(user, *, today=None) -> QuerySet[Certification]:
    """The current (or coming) certifications of schools where ``user`` is a site contact or principal."""
    today = today or timezone.localdate()
    school_ids = confirmed_memberships(user).filter(role__in=HOST_ROLES).values("school_id")
    return (Certification.objects.filter(school_id__in=school_ids, ends_on__gte=today, revoked_by__isnull=True)
            .select_related("school").order_by("school__name", "team_name", "pk"))


def booking_detail(pk: int) -> Booking:
    return Booking.objects.select_related(
        "occasion__certification__school", "school", "booked_by", "cancelled_by", "approved_by",
    ).get(pk=pk)


def past_or_upcoming(bookings: QuerySet[Booking], *, upcoming: bool, today=None) -> QuerySet[Booking]:
    today = today or timezone.localdate()
    if upcoming:
        return bookings.filter(occasion__date__gte=today)
    return bookings.filter(Q(occasion__date__lt=today)).order_by("-occasion__date", "-pk")
