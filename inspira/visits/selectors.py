"""Reads of occasions and bookings that views (and other apps, such as the catalogue) share.

Places are counted in the database with subqueries, so a list runs a fixed number of queries
whatever its length.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from inspira.accounts.permissions import confirmed_memberships
from inspira.certification.models import Certification
from inspira.schools.models import School
from inspira.schoolyears.models import SchoolYear, school_year_start
from inspira.visits.models import Booking, Feedback, Occasion, WaitingListEntry
from inspira.visits.permissions import HOST_ROLES
from inspira.visits.places import PLACES
from inspira.visits.services import school_may_visit


def with_places(occasions: QuerySet[Occasion], *, now: datetime | None = None) -> QuerySet[Occasion]:
    """Annotate ``places_taken`` (held and confirmed bookings), ``places_offered`` (open
    waiting-list offers), ``free_places`` and ``waiting_count``."""
    return PLACES.annotate(occasions, now=now or timezone.now())


def occasions_to_book(*, certification: Certification | int | None = None, now: datetime | None = None,
                      ) -> QuerySet[Occasion]:
    """Upcoming occasions that can be booked now or waited for: not cancelled, not started, of a
    site certified today, full ones too (their waiting list is open); soonest first. Optionally of
    one site (a certification or its id). Each row has ``free_places`` (and ``places_taken``) and
    its certification and school loaded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Dates and times are Stockholm wall-clock time: today's occasions count until they start.
    occasions = Occasion.objects.not_cancelled().filter(
        Q(date__gt=today) | Q(date=today, start_time__gt=timezone.localtime(now).time()),
        certification__in=Certification.objects.current(today),
    )
    if certification is not None:
        occasions = occasions.filter(certification=certification)
    return (with_places(occasions, now=now)
            .select_related("certification__school", "certification__application")
            .order_by("date", "start_time", "pk"))


def occasions_with_free_places(*, certification: Certification | int | None = None, now: datetime | None = None,
                               ) -> QuerySet[Occasion]:
    """``occasions_to_book`` with at least one free place."""
    return occasions_to_book(certification=certification, now=now).filter(free_places__gt=0)


@dataclass(frozen=True)
class OccasionToBook:
    """A row of a list of occasions to book, with what the person looking may do with it."""

    occasion: Occasion
    is_full: bool
    offer_booking: bool  # the "Book" link
    offer_waiting_list: bool  # the "Join the waiting list" link
    is_own_school: bool  # offered by the person's own (only) school: it cannot visit itself


def visiting_school_ids(user) -> set[int] | None:
    """The schools ``user`` may book for (one query), or None for an anonymous visitor."""
    if not user.is_authenticated:
        return None
    return set(confirmed_memberships(user).values_list("school_id", flat=True))


def occasion_rows(occasions, *, school_ids: set[int] | None) -> list[OccasionToBook]:
    """What each occasion offers the person whose schools are ``school_ids`` (None: not logged in,
    who is offered the links and asked to log in on the way)."""
    rows = []
    for occasion in occasions:
        full = occasion.free_places <= 0
        if school_ids is None:
            may_act, own = True, False
        else:
            visiting = [pk for pk in school_ids if school_may_visit(occasion=occasion, school_id=pk)]
            may_act, own = bool(visiting), bool(school_ids) and not visiting
        rows.append(OccasionToBook(occasion=occasion, is_full=full, offer_booking=may_act and not full,
                                   offer_waiting_list=may_act and full, is_own_school=own))
    return rows


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
    """The open waiting-list entries of the person's schools, each with its ``position`` in line."""
    school_ids = confirmed_memberships(user).values("school_id")
    entries = WaitingListEntry.objects.filter(school_id__in=school_ids, status__in=WaitingListEntry.OPEN_STATUSES)
    return (PLACES.with_position(entries)
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
        "occasion__certification__school", "school", "booked_by", "cancelled_by", "approved_by", "outcome_marked_by",
        "feedback",
    ).get(pk=pk)


def past_or_upcoming(bookings: QuerySet[Booking], *, upcoming: bool, today=None) -> QuerySet[Booking]:
    today = today or timezone.localdate()
    if upcoming:
        return bookings.filter(occasion__date__gte=today)
    return bookings.filter(Q(occasion__date__lt=today)).order_by("-occasion__date", "-pk")


# --- The site's visits and its commitment --------------------------------------------------------------------
# A site commits to receive at least five study visits per school year (the programme's rules). The commitment is
# tracked, not enforced: a site that is behind is told so on its dashboard, and the administration
# sees every site's progress.

COMMITMENT_VISITS = 5


def school_year_of(day: date) -> SchoolYear:
    """The school year containing ``day`` (1 July to 30 June); not saved, only its dates and label."""
    return SchoolYear(start_year=school_year_start(day))


@dataclass(frozen=True)
class Commitment:
    school_year: SchoolYear
    completed: int
    booked: int  # held or confirmed, from today to the end of the school year
    to_record: int  # confirmed visits whose day has passed and that the site has not recorded
    required: int = COMMITMENT_VISITS

    MET, ON_TRACK, BEHIND = "met", "on_track", "behind"

    @property
    def remaining(self) -> int:
        return max(0, self.required - self.completed)

    @property
    def status(self) -> str:
        if self.completed >= self.required:
            return self.MET
        if self.completed + self.to_record + self.booked >= self.required:
            return self.ON_TRACK
        return self.BEHIND

    @property
    def is_met(self) -> bool:
        return self.status == self.MET

    @property
    def is_on_track(self) -> bool:
        return self.status == self.ON_TRACK

    @property
    def is_behind(self) -> bool:
        return self.status == self.BEHIND


def _commitment_counts(prefix: str, school_year: SchoolYear, today: date) -> dict:
    """Count annotations over ``<prefix>bookings`` of the school year (see ``Commitment``)."""
    in_year = Q(**{f"{prefix}date__gte": school_year.starts_on, f"{prefix}date__lte": school_year.ends_on})
    status = f"{prefix}bookings__status"
    return {
        "completed_count": Count(f"{prefix}bookings", filter=in_year & Q(**{status: Booking.Status.COMPLETED})),
        "booked_count": Count(f"{prefix}bookings", filter=in_year & Q(**{f"{prefix}date__gte": today})
                              & Q(**{f"{status}__in": Booking.ACTIVE_STATUSES})),
        "to_record_count": Count(f"{prefix}bookings", filter=in_year & Q(**{f"{prefix}date__lt": today})
                                 & Q(**{status: Booking.Status.CONFIRMED})),
    }


def site_commitment(certification: Certification, *, today: date | None = None) -> Commitment:
    """How the site stands this school year against its commitment of five visits (one query)."""
    today = today or timezone.localdate()
    school_year = school_year_of(today)
    counts = Occasion.objects.filter(certification=certification).aggregate(
        **_commitment_counts("", school_year, today))
    return Commitment(school_year=school_year, completed=counts["completed_count"], booked=counts["booked_count"],
                      to_record=counts["to_record_count"])


def sites_with_commitment(*, today: date | None = None, behind_only: bool = False) -> QuerySet[Certification]:
    """The sites certified today, each with ``commitment`` counts of this school year (for the
    administration). ``behind_only``: only sites that cannot reach five with what is booked."""
    today = today or timezone.localdate()
    school_year = school_year_of(today)
    sites = (Certification.objects.current(today).annotate(**_commitment_counts("occasions__", school_year, today))
             .select_related("school", "application").order_by("school__name", "team_name", "pk"))
    if behind_only:
        sites = sites.alias(prospect=F("completed_count") + F("booked_count") + F("to_record_count")).filter(
            prospect__lt=COMMITMENT_VISITS)
    return sites


def commitment_of(site: Certification, *, today: date | None = None) -> Commitment:
    """The ``Commitment`` of a row from ``sites_with_commitment``."""
    return Commitment(school_year=school_year_of(today or timezone.localdate()), completed=site.completed_count,
                      booked=site.booked_count, to_record=site.to_record_count)


SITE_VISIT_VIEWS = ("coming", "to_record", "past")


def site_visits(certification: Certification, *, view: str = "coming", today: date | None = None,
                ) -> QuerySet[Booking]:
    """The site's visits (cancelled bookings left out): coming (soonest first), to record (the day
    has passed, the site has not said whether it took place; oldest first) or past (latest first)."""
    today = today or timezone.localdate()
    bookings = (Booking.objects.filter(occasion__certification=certification)
                .exclude(status=Booking.Status.CANCELLED)
                .select_related("occasion", "school", "feedback"))
    if view == "to_record":
        return bookings.filter(occasion__date__lt=today, status=Booking.Status.CONFIRMED).order_by(
            "occasion__date", "occasion__start_time", "pk")
    if view == "past":
        return bookings.filter(occasion__date__lt=today).order_by("-occasion__date", "-occasion__start_time", "-pk")
    return bookings.filter(occasion__date__gte=today).order_by("occasion__date", "occasion__start_time", "pk")


def outcome_changes(booking: Booking) -> QuerySet:
    return booking.outcome_changes.select_related("by").order_by("at", "pk")


# --- Feedback ------------------------------------------------------------------------------------------------

def _feedback() -> QuerySet[Feedback]:
    return Feedback.objects.select_related("booking__occasion__certification__school", "booking__school").order_by(
        "-booking__occasion__date", "-submitted_at", "-pk")


def site_feedback(certification: Certification) -> QuerySet[Feedback]:
    return _feedback().filter(booking__occasion__certification=certification)


def feedback_search(*, school_year: int | None = None, certification: Certification | None = None,
                    ) -> QuerySet[Feedback]:
    """Feedback for the administration, by school year (its starting year) and site."""
    feedback = _feedback()
    if school_year is not None:
        year = SchoolYear(start_year=school_year)
        feedback = feedback.filter(booking__occasion__date__gte=year.starts_on,
                                   booking__occasion__date__lte=year.ends_on)
    if certification is not None:
        feedback = feedback.filter(booking__occasion__certification=certification)
    return feedback


def feedback_summary(feedback: QuerySet[Feedback]) -> dict:
    """How many answered and the average rating (one query)."""
    return feedback.order_by().aggregate(count=Count("pk"), average=Avg("rating"))


# --- Every booking, for the administration -------------------------------------------------------------------

def bookings_search(*, school_year: int | None = None, certification: Certification | None = None,
                    school: School | None = None, status: str = "", date_from: date | None = None,
                    date_to: date | None = None) -> QuerySet[Booking]:
    """All bookings, latest visit first, narrowed by the filters given. Dates are the visit's day."""
    bookings = Booking.objects.select_related(
        "occasion__certification__school", "school", "booked_by", "outcome_marked_by", "feedback",
    ).order_by("-occasion__date", "-occasion__start_time", "-pk")
    if school_year is not None:
        year = SchoolYear(start_year=school_year)
        bookings = bookings.filter(occasion__date__gte=year.starts_on, occasion__date__lte=year.ends_on)
    if certification is not None:
        bookings = bookings.filter(occasion__certification=certification)
    if school is not None:
        bookings = bookings.filter(school=school)
    if status:
        bookings = bookings.filter(status=status)
    if date_from is not None:
        bookings = bookings.filter(occasion__date__gte=date_from)
    if date_to is not None:
        bookings = bookings.filter(occasion__date__lte=date_to)
    return bookings


# --- The catalogue's hooks (registered in apps.VisitsConfig.ready) ------------------------------------------------

def certifications_with_free_occasions(certifications: QuerySet[Certification]) -> QuerySet[Certification]:
    """Narrow the catalogue to sites with at least one occasion that can be booked now (a subquery)."""
    return certifications.filter(pk__in=occasions_with_free_places().order_by().values("certification_id"))


CATALOGUE_OCCASIONS = 6


def catalogue_occasions_panel(request, certification: Certification) -> dict | None:
    """The site page's panel: the next occasions, with a link to book each or, when it is full, to
    join its waiting list. Nothing when there are none (the page's contact section then says how
    to ask the site for a visit)."""
    occasions = list(occasions_to_book(certification=certification)[:CATALOGUE_OCCASIONS + 1])
    if not occasions:
        return None
    school_ids = visiting_school_ids(request.user)
    return {
        "template": "visits/includes/catalogue_occasions.html",
        "rows": occasion_rows(occasions[:CATALOGUE_OCCASIONS], school_ids=school_ids),
        "more": len(occasions) > CATALOGUE_OCCASIONS,
        "certification": certification,
        "ask_to_log_in": school_ids is None,
        "ask_to_join_a_school": school_ids == set(),
    }


def open_bookings_of_schools(school_ids) -> QuerySet[Booking]:
    """The visits still open (held or booked, whatever their day: a booked visit in the past waits for
    its host's record) where one of ``school_ids`` visits or hosts; for the list of closed schools."""
    return (Booking.objects.filter(Q(school_id__in=school_ids) | Q(occasion__certification__school_id__in=school_ids),
                                   status__in=Booking.ACTIVE_STATUSES)
            .select_related("school", "occasion__certification__school")
            .order_by("occasion__date", "occasion__start_time", "pk"))


def open_waiting_entries_of_schools(school_ids) -> QuerySet[WaitingListEntry]:
    """The open places in line (waiting, or offered places) of ``school_ids``."""
    return (WaitingListEntry.objects.filter(school_id__in=school_ids, status__in=WaitingListEntry.OPEN_STATUSES)
            .select_related("occasion__certification__school").order_by("occasion__date", "pk"))
