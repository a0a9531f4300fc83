import uuid
from datetime import UTC, date, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.core.models import OutboxItem
from inspira.visits import services
from inspira.visits.models import Booking, Occasion, SchoolVisitSettings, SiteVisitSettings, WaitingListEntry
from inspira.visits.services import OccasionDetails, VisitError, Visitors
from tests.factories import SchoolFactory
from tests.visits.builders import (
    at,
    make_booking,
    make_certification,
    make_occasion,
    make_waiting_entry,
    member,
    working_day,
)
from tests.visits.conftest import run_outbox

pytestmark = pytest.mark.usefixtures("en")


def visitors(n=2, user=None, **fields):
    return Visitors(participants=n, contact_name=user.name if user else "Vera Besökare",
                    contact_email=user.email if user else "besokare@example.se", **fields)


def book(occasion, user, school, n=2, now=None, key=None):
    return services.booking_create(occasion=occasion, school=school, booked_by=user, visitors=visitors(n, user),
                                   idempotency_key=key or uuid.uuid4(), now=now)


def weekday_morning_before(day: date):
    """Tuesday 10:00 (in UTC, as timezone.now() gives it) about two weeks before ``day``: 72 hours from
    then end on Friday, before a Sunday on which the clocks could change (tests/visits/test_dst.py)."""
    tuesday = day - timedelta(days=14)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    return at(tuesday.year, tuesday.month, tuesday.day, 10).astimezone(UTC)


def details(**overrides):
    values = {"slot": Occasion.Slot.MORNING, "start_time": time(9), "end_time": time(12), "place": "Aulan",
              "capacity": 20} | overrides
    return OccasionDetails(**values)


# --- Occasions --------------------------------------------------------------------------------------------

def test_site_contact_creates_an_occasion_within_the_certification(certification, site_contact):
    day = working_day(certification.starts_on + timedelta(days=40))
    occasion = services.occasion_create(certification=certification, actor=site_contact, date=day,
                                        details=details())
    assert occasion.date == day and occasion.capacity == 20 and occasion.created_by == site_contact


def test_an_occasion_outside_the_certification_period_is_refused(certification, site_contact):
    with pytest.raises(VisitError) as error:
        services.occasion_create(certification=certification, actor=site_contact,
                                 date=certification.ends_on + timedelta(days=1), details=details())
    assert "outside the site's certification period" in str(error.value)
    assert error.value.field == "date"
    assert not Occasion.objects.exists()


def test_staff_who_are_not_site_contacts_cannot_create_occasions(certification, staff):
    with pytest.raises(VisitError):
        services.occasion_create(certification=certification, actor=staff,
                                 date=working_day(timezone.localdate() + timedelta(days=5)), details=details())


def test_the_principal_of_the_certified_school_may_create_occasions(certification, principal):
    occasion = services.occasion_create(certification=certification, actor=principal,
                                        date=working_day(timezone.localdate() + timedelta(days=5)), details=details())
    assert occasion.pk


def test_series_dates_are_the_weekday_every_week():
    dates = services.series_dates(first_date=date(2026, 3, 4), weekday=1, weeks=3)  # Wednesday -> Tuesdays
    assert dates == [date(2026, 3, 10), date(2026, 3, 17), date(2026, 3, 24)]


def test_a_series_creates_the_ticked_dates(certification, site_contact):
    first = timezone.localdate() + timedelta(days=7)
    dates = services.series_dates(first_date=first, weekday=1, weeks=8)
    ticked = [day for day in dates[:3] + dates[4:] if working_day(day) == day]  # the fourth week unticked
    created = services.occasion_create_series(certification=certification, actor=site_contact, dates=ticked,
                                              details=details())
    assert [o.date for o in created] == ticked
    assert Occasion.objects.count() == len(ticked)


def test_a_series_with_a_date_outside_the_period_creates_nothing(certification, site_contact):
    dates = [working_day(certification.ends_on - timedelta(days=7), step=-1),
             working_day(certification.ends_on + timedelta(days=7))]
    with pytest.raises(VisitError, match="outside the site's certification period"):
        services.occasion_create_series(certification=certification, actor=site_contact, dates=dates,
                                        details=details())
    assert not Occasion.objects.exists()


def test_an_occasion_must_end_after_it_starts(certification, site_contact):
    with pytest.raises(VisitError, match="end after it starts"):
        services.occasion_create(certification=certification, actor=site_contact,
                                 date=working_day(timezone.localdate() + timedelta(days=5)),
                                 details=details(start_time=time(12), end_time=time(9)))


# --- Booking ----------------------------------------------------------------------------------------------

def test_a_teacher_books_and_the_principal_booker_and_host_are_emailed(occasion, teacher, other_school,
                                                                        visiting_principal, site_contact):
    booking = book(occasion, teacher, other_school, n=3)
    assert booking.status == Booking.Status.CONFIRMED and booking.participants == 3
    keys = set(OutboxItem.objects.values_list("key", flat=True))
    assert keys == {f"booking-confirmed:{booking.pk}", f"booking-confirmed-host:{booking.pk}",
                    f"booking-principal:{booking.pk}"}
    run_outbox()
    to = {tuple(m.to) for m in mail.outbox}
    assert (teacher.email,) in to and (site_contact.email,) in to and (visiting_principal.email,) in to


# Lock, checks, the booking, and three emails each in a savepoint of its own (the outbox's unique key).
QUERIES_PER_BOOKING = 22


@pytest.mark.parametrize("booked_before", [0, 5])
def test_a_booking_runs_a_fixed_number_of_queries(occasion, teacher, other_school, visiting_principal, site_contact,
                                                  django_assert_num_queries, booked_before):
    for _ in range(booked_before):
        visitor = SchoolFactory()
        book(occasion, member(visitor), visitor, n=1)
    teacher._inspira_roles = None  # as in a request: the person's roles are read once
    # The host's addresses and the calendar file are made once for both confirmations.
    with django_assert_num_queries(QUERIES_PER_BOOKING):
        book(occasion, teacher, other_school, n=2)


def test_a_school_cannot_visit_itself(occasion, school):
    colleague = member(school)
    with pytest.raises(VisitError, match="cannot visit itself"):
        book(occasion, colleague, school)


def test_a_school_cannot_visit_its_own_team(school):
    team_site = make_certification(school=school, team_name="Arbetslag Ek")
    occasion = make_occasion(certification=team_site)
    with pytest.raises(VisitError, match="cannot visit itself"):
        book(occasion, member(school), school)


def test_only_confirmed_staff_book_for_a_school(occasion, other_school):
    pending = member(other_school)
    pending.memberships.update(confirmed_at=None)
    with pytest.raises(VisitError, match="confirmed staff"):
        book(occasion, pending, other_school)


def test_capacity_is_counted_in_participants_from_the_rows(certification, teacher, other_school):
    occasion = make_occasion(certification=certification, capacity=10)
    third = SchoolFactory()
    make_booking(occasion=occasion, school=third, booked_by=member(third), participants=7)
    gone = SchoolFactory()
    make_booking(occasion=occasion, school=gone, booked_by=member(gone), participants=5,
                 status=Booking.Status.CANCELLED)
    with pytest.raises(services.OccasionFull) as error:
        book(occasion, teacher, other_school, n=4)
    assert error.value.free == 3
    assert "only 3 places are left" in str(error.value)
    assert book(occasion, teacher, other_school, n=3).participants == 3
    assert services.places_taken(occasion.pk) == 10


def test_the_loser_of_the_last_places_gets_a_clear_message(certification, teacher, other_school):
    occasion = make_occasion(certification=certification, capacity=2)
    first = SchoolFactory()
    make_booking(occasion=occasion, school=first, booked_by=member(first), participants=2)
    with pytest.raises(services.OccasionFull, match="fully booked: someone else booked the last places"):
        book(occasion, teacher, other_school, n=1)


def test_the_same_form_key_twice_makes_one_booking(occasion, teacher, other_school):
    key = uuid.uuid4()
    first = book(occasion, teacher, other_school, key=key)
    second = book(occasion, teacher, other_school, key=key)
    assert first.pk == second.pk
    assert Booking.objects.count() == 1
    assert OutboxItem.objects.filter(key__startswith="booking-confirmed:").count() == 1


def test_another_persons_form_key_is_refused(occasion, teacher, other_school):
    key = uuid.uuid4()
    book(occasion, teacher, other_school, key=key)
    colleague = member(other_school)
    with pytest.raises(VisitError, match="already been used"):
        book(occasion, colleague, other_school, key=key)


def test_a_school_books_an_occasion_once(occasion, teacher, other_school):
    book(occasion, teacher, other_school)
    with pytest.raises(VisitError, match="already booked this occasion"):
        book(occasion, member(other_school), other_school)


def test_a_cancelled_or_passed_occasion_cannot_be_booked(certification, teacher, other_school, site_contact):
    occasion = make_occasion(certification=certification)
    services.occasion_cancel(occasion=occasion, actor=site_contact, reason="Sjukdom")
    with pytest.raises(VisitError, match="cancelled"):
        book(occasion, teacher, other_school)
    passed = make_occasion(certification=certification, day=timezone.localdate() - timedelta(days=1))
    with pytest.raises(VisitError, match="already started or passed"):
        book(passed, teacher, other_school)


# --- The visiting school's principal -----------------------------------------------------------------------

@pytest.fixture
def approval_required(other_school):
    return SchoolVisitSettings.objects.create(school=other_school, requires_principal_approval=True)


def test_a_booking_waits_for_the_principal_when_the_school_requires_it(occasion, teacher, other_school,
                                                                       visiting_principal, approval_required,
                                                                       settings):
    settings.VISIT_HOLD_HOURS = 72
    now = weekday_morning_before(occasion.date)
    booking = book(occasion, teacher, other_school, n=4, now=now)
    assert booking.status == Booking.Status.HELD
    assert booking.hold_expires_at == now + timedelta(hours=72)
    assert services.places_taken(occasion.pk) == 4  # the places are held
    principal_email = OutboxItem.objects.get(key=f"booking-principal:{booking.pk}").payload
    assert principal_email["to"] == [visiting_principal.email]
    assert f"/besok/bokningar/{booking.pk}/godkann/" in principal_email["text"]
    assert not OutboxItem.objects.filter(key=f"booking-confirmed:{booking.pk}").exists()

    services.booking_approve(booking=booking, actor=visiting_principal, now=now + timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.approved_by == visiting_principal
    assert OutboxItem.objects.filter(key=f"booking-confirmed:{booking.pk}").exists()


def test_only_the_visiting_schools_principal_approves(occasion, teacher, other_school, approval_required,
                                                      site_contact):
    booking = book(occasion, teacher, other_school)
    for person in (teacher, site_contact):
        with pytest.raises(VisitError, match="Only the visiting school's principal"):
            services.booking_approve(booking=booking, actor=person)


def test_a_principal_who_books_needs_no_approval(occasion, other_school, visiting_principal, approval_required):
    booking = book(occasion, visiting_principal, other_school)
    assert booking.status == Booking.Status.CONFIRMED and booking.approved_by == visiting_principal


def test_an_expired_hold_releases_the_places_to_the_waiting_list(certification, teacher, other_school,
                                                                 visiting_principal, approval_required):
    occasion = make_occasion(certification=certification, capacity=4)
    now = weekday_morning_before(occasion.date)
    booking = book(occasion, teacher, other_school, n=4, now=now)
    waiting_school = SchoolFactory()
    entry = make_waiting_entry(occasion=occasion, school=waiting_school, user=member(waiting_school),
                               participants=3)

    assert services.release_expired_holds(now=now + timedelta(hours=71)) == 0
    later = now + timedelta(hours=72)
    # Too late to approve, even before the job has released the places.
    with pytest.raises(VisitError, match="run out"):
        services.booking_approve(booking=booking, actor=visiting_principal, now=later)
    assert services.release_expired_holds(now=later) == 1
    assert services.release_expired_holds(now=later) == 0  # the job may run again
    booking.refresh_from_db()
    entry.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by is None
    assert entry.status == WaitingListEntry.Status.OFFERED
    assert OutboxItem.objects.filter(key=f"booking-cancelled:{booking.pk}:1").exists()


def test_the_principal_may_decline_a_held_booking(occasion, teacher, other_school, visiting_principal,
                                                  approval_required):
    booking = book(occasion, teacher, other_school)
    services.booking_cancel(booking=booking, actor=visiting_principal, reason="Ingen budget")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert services.places_taken(occasion.pk) == 0


# --- Waiting list -----------------------------------------------------------------------------------------

@pytest.fixture
def full_occasion(certification):
    occasion = make_occasion(certification=certification, capacity=4)
    early = SchoolFactory(name="Tidiga skolan")
    booking = make_booking(occasion=occasion, school=early, booked_by=member(early), participants=4)
    return occasion, booking


def test_a_school_joins_the_waiting_list_only_when_full(certification, full_occasion, teacher, other_school):
    open_occasion = make_occasion(certification=certification, capacity=10)
    with pytest.raises(VisitError, match="book the occasion instead"):
        services.waiting_list_join(occasion=open_occasion, school=other_school, user=teacher,
                                   visitors=visitors(2, teacher))
    occasion, _booking = full_occasion
    entry = services.waiting_list_join(occasion=occasion, school=other_school, user=teacher,
                                       visitors=visitors(2, teacher))
    again = services.waiting_list_join(occasion=occasion, school=other_school, user=teacher,
                                       visitors=visitors(2, teacher))
    assert entry.pk == again.pk and entry.status == WaitingListEntry.Status.WAITING


def test_freed_places_go_to_the_first_in_line_who_fits(full_occasion, settings):
    settings.WAITING_LIST_OFFER_HOURS = 48
    occasion, booking = full_occasion
    now = weekday_morning_before(occasion.date)  # 48 hours on: Thursday, clear of a clock change
    schools = [SchoolFactory() for _ in range(3)]
    big = make_waiting_entry(occasion=occasion, school=schools[0], user=member(schools[0]), participants=6,
                             created_at=now - timedelta(hours=3))
    first = make_waiting_entry(occasion=occasion, school=schools[1], user=member(schools[1]), participants=3,
                               created_at=now - timedelta(hours=2))
    second = make_waiting_entry(occasion=occasion, school=schools[2], user=member(schools[2]), participants=2,
                                created_at=now - timedelta(hours=1))
    host = member(occasion.certification.school, Membership.Role.SITE_CONTACT)
    services.booking_cancel(booking=booking, actor=host, reason="Dubbelbokat", now=now)

    for entry in (big, first, second):
        entry.refresh_from_db()
    assert big.status == WaitingListEntry.Status.WAITING  # 6 do not fit on 4 places
    assert first.status == WaitingListEntry.Status.OFFERED
    assert first.offer_expires_at == now + timedelta(hours=48)
    assert second.status == WaitingListEntry.Status.WAITING  # 1 place left after the offer; 2 do not fit
    offer = OutboxItem.objects.get(key=f"waiting-offer:{first.pk}").payload
    assert f"/besok/vantelista/{first.pk}/" in offer["text"]
    # The offered places are kept: a direct booking sees only the one place left.
    assert services.free_places(occasion, now=now) == 1


def test_accepting_an_offer_books_the_visit(full_occasion):
    occasion, booking = full_occasion
    now = timezone.now()
    school = SchoolFactory()
    waiting_user = member(school)
    entry = make_waiting_entry(occasion=occasion, school=school, user=waiting_user, participants=3)
    services.booking_cancel(booking=booking, actor=booking.booked_by, now=now)
    colleague = member(school)
    made = services.waiting_offer_accept(entry=entry, actor=colleague, now=now + timedelta(hours=1))
    again = services.waiting_offer_accept(entry=entry, actor=colleague, now=now + timedelta(hours=1))
    entry.refresh_from_db()
    assert made.pk == again.pk and made.participants == 3 and made.status == Booking.Status.CONFIRMED
    assert entry.status == WaitingListEntry.Status.ACCEPTED and entry.booking == made
    assert services.places_taken(occasion.pk) == 3


def test_an_expired_offer_passes_to_the_next_in_line(full_occasion, settings):
    settings.WAITING_LIST_OFFER_HOURS = 48
    occasion, booking = full_occasion
    now = timezone.now()
    schools = [SchoolFactory(), SchoolFactory()]
    first = make_waiting_entry(occasion=occasion, school=schools[0], user=member(schools[0]), participants=4,
                               created_at=now - timedelta(hours=2))
    second = make_waiting_entry(occasion=occasion, school=schools[1], user=member(schools[1]), participants=4,
                                created_at=now - timedelta(hours=1))
    services.booking_cancel(booking=booking, actor=booking.booked_by, now=now)
    first.refresh_from_db()
    assert first.status == WaitingListEntry.Status.OFFERED

    assert services.expire_offers(now=now + timedelta(hours=47)) == 0
    later = now + timedelta(hours=48)
    assert services.expire_offers(now=later) == 1
    assert services.expire_offers(now=later) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingListEntry.Status.EXPIRED
    assert second.status == WaitingListEntry.Status.OFFERED
    with pytest.raises(VisitError, match="no longer open"):
        services.waiting_offer_accept(entry=first, actor=first.user, now=later)


def test_raising_the_capacity_offers_the_new_places(full_occasion, site_contact):
    occasion, _booking = full_occasion
    school = SchoolFactory()
    entry = make_waiting_entry(occasion=occasion, school=school, user=member(school), participants=2)
    services.occasion_update(occasion=occasion, actor=site_contact, date=occasion.date,
                             details=details(capacity=6, place=occasion.place))
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED


def test_capacity_cannot_drop_below_the_booked_places(full_occasion, site_contact):
    occasion, _booking = full_occasion
    with pytest.raises(VisitError, match="cannot be lower"):
        services.occasion_update(occasion=occasion, actor=site_contact, date=occasion.date,
                                 details=details(capacity=3))


# --- Cancellation -----------------------------------------------------------------------------------------

def test_cancelled_places_are_free_at_once(certification, teacher, other_school):
    occasion = make_occasion(certification=certification, capacity=2)
    booking = book(occasion, teacher, other_school, n=2)
    services.booking_cancel(booking=booking, actor=teacher)
    third = SchoolFactory()
    assert book(occasion, member(third), third, n=2).status == Booking.Status.CONFIRMED


@pytest.mark.parametrize(("visit_day", "deadline"), [
    # Midsummer: Friday 19 June 2026 is Midsummer Eve, not a working day.
    (date(2026, 6, 22), date(2026, 6, 12)),
    # Easter: Good Friday 3 April and Easter Monday 6 April 2026.
    (date(2026, 4, 7), date(2026, 3, 27)),
    # An ordinary week: five weekdays back.
    (date(2026, 9, 14), date(2026, 9, 7)),
])
def test_the_cancellation_deadline_counts_swedish_working_days(school, visit_day, deadline):
    certification = make_certification(school=school, starts_on=date(2025, 8, 1))
    occasion = make_occasion(certification=certification, day=visit_day)
    assert services.cancellation_deadline(occasion) == deadline


def test_visitors_cancel_until_the_deadline_around_midsummer(school, other_school, teacher):
    certification = make_certification(school=school, starts_on=date(2025, 8, 1))
    occasion = make_occasion(certification=certification, day=date(2026, 6, 22))
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    assert services.visitor_may_cancel(booking, now=at(2026, 6, 12, 23, 59))
    with pytest.raises(VisitError, match="The last day to cancel was 12 June 2026"):
        services.booking_cancel(booking=booking, actor=teacher, now=at(2026, 6, 15, 8))
    services.booking_cancel(booking=booking, actor=teacher, now=at(2026, 6, 12, 16))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and not booking.cancelled_by_host


def test_the_site_sets_its_own_deadline(school, other_school, teacher):
    certification = make_certification(school=school, starts_on=date(2025, 8, 1))
    SiteVisitSettings.objects.create(certification=certification, cancellation_deadline_working_days=1)
    occasion = make_occasion(certification=certification, day=date(2026, 9, 14))  # a Monday
    assert services.cancellation_deadline(occasion) == date(2026, 9, 11)


def test_the_host_cancels_at_any_time_with_a_reason(school, other_school, teacher, site_contact):
    certification = make_certification(school=school, starts_on=date(2025, 8, 1))
    occasion = make_occasion(certification=certification, day=date(2026, 6, 22))
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    late = at(2026, 6, 22, 7)
    with pytest.raises(VisitError, match="Give a reason"):
        services.booking_cancel(booking=booking, actor=site_contact, now=late)
    services.booking_cancel(booking=booking, actor=site_contact, reason="Skolan är stängd", now=late)
    booking.refresh_from_db()
    assert booking.cancelled_by_host and booking.cancellation_reason == "Skolan är stängd"
    assert OutboxItem.objects.filter(key=f"booking-cancelled:{booking.pk}:1").exists()
    assert not OutboxItem.objects.filter(key__startswith="booking-cancelled-host:").exists()


def test_a_visitors_cancellation_tells_the_host(occasion, teacher, other_school, site_contact):
    booking = book(occasion, teacher, other_school)
    services.booking_cancel(booking=booking, actor=teacher)
    host_email = OutboxItem.objects.get(key=f"booking-cancelled-host:{booking.pk}:1").payload
    assert host_email["to"] == [site_contact.email]


def test_other_schools_cannot_cancel(occasion, teacher, other_school):
    booking = book(occasion, teacher, other_school)
    stranger_school = SchoolFactory()
    with pytest.raises(VisitError, match="cannot cancel"):
        services.booking_cancel(booking=booking, actor=member(stranger_school))


def test_cancelling_an_occasion_cancels_its_bookings(occasion, teacher, other_school, site_contact):
    booking = book(occasion, teacher, other_school)
    school = SchoolFactory()
    entry = make_waiting_entry(occasion=occasion, school=school, user=member(school))
    with pytest.raises(VisitError, match="Give a reason"):
        services.occasion_cancel(occasion=occasion, actor=site_contact, reason=" ")
    services.occasion_cancel(occasion=occasion, actor=site_contact, reason="Studiedag")
    booking.refresh_from_db()
    entry.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by_host
    assert entry.status == WaitingListEntry.Status.WITHDRAWN
    item = OutboxItem.objects.get(key=f"booking-cancelled:{booking.pk}:1")
    assert "Studiedag" in item.payload["text"]


# --- Selectors ----------------------------------------------------------------------------------------------

def test_occasions_with_free_places(certification, school, other_school, django_assert_num_queries):
    from inspira.visits.selectors import occasions_with_free_places

    open_one = make_occasion(certification=certification, capacity=5)
    full = make_occasion(certification=certification, capacity=2)
    make_booking(occasion=full, school=other_school, booked_by=member(other_school), participants=2)
    make_occasion(certification=certification, capacity=5, cancelled_at=timezone.now())
    make_occasion(certification=certification, day=timezone.localdate() - timedelta(days=1))
    ended = make_certification(school=SchoolFactory(), starts_on=date(2020, 1, 1))
    make_occasion(certification=ended, day=timezone.localdate() + timedelta(days=3))
    partly = make_occasion(certification=certification, capacity=5)
    make_booking(occasion=partly, school=other_school, booked_by=member(other_school), participants=3)

    with django_assert_num_queries(1):
        rows = list(occasions_with_free_places())
    assert [(o.pk, o.free_places) for o in rows] == [(open_one.pk, 5), (partly.pk, 2)]
    assert [o.pk for o in occasions_with_free_places(certification=certification.pk)] == [open_one.pk, partly.pk]
