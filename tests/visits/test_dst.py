"""Times around the daylight-saving weekends in Stockholm (2026: summer time from Sunday 29 March,
winter time from Sunday 25 October). Spans people read on the clock (a hold of 72 hours, a form
open for 30 days, a reminder two days before, a deadline day) must end at the local time they
were told, not an hour off because they were counted in UTC."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from inspira.visits import services
from inspira.visits.models import Booking, SchoolVisitSettings, SiteVisitSettings
from inspira.visits.services import Visitors
from tests.visits.builders import at, make_booking, make_certification, make_occasion, member

pytestmark = pytest.mark.usefixtures("en")


@pytest.fixture
def site(school):
    return make_certification(school=school, starts_on=date(2026, 1, 1))


def _held_booking(site, other_school, *, now, day):
    SchoolVisitSettings.objects.create(school=other_school, requires_principal_approval=True)
    teacher = member(other_school)
    occasion = make_occasion(certification=site, day=day)
    return services.booking_create(
        occasion=occasion, school=other_school, booked_by=teacher, idempotency_key=uuid.uuid4(), now=now,
        visitors=Visitors(participants=2, contact_name=teacher.name, contact_email=teacher.email))


@pytest.mark.parametrize(("booked", "expires"), [
    # Friday 10:00 before the October change: Monday 10:00 winter time is 73 real hours later.
    (at(2026, 10, 23, 10), at(2026, 10, 26, 10)),
    # Friday 10:00 before the March change: Monday 10:00 summer time is 71 real hours later.
    (at(2026, 3, 27, 10), at(2026, 3, 30, 10)),
])
def test_a_72_hour_hold_ends_at_the_same_clock_time_three_days_later(site, other_school, settings, booked,
                                                                     expires):
    settings.VISIT_HOLD_HOURS = 72
    # timezone.now() is in UTC, as the services get it in production.
    booking = _held_booking(site, other_school, now=booked.astimezone(UTC), day=booked.date() + timedelta(days=14))
    assert booking.status == Booking.Status.HELD
    assert booking.hold_expires_at == expires
    # Released at the local time the principal was told, not an hour early or late.
    assert services.release_expired_holds(now=expires - timedelta(minutes=1)) == 0
    assert services.release_expired_holds(now=expires) == 1


def test_the_principals_email_names_the_local_end_of_the_hold(site, other_school, settings):
    from inspira.core.models import OutboxItem

    settings.VISIT_HOLD_HOURS = 72
    booking = _held_booking(site, other_school, now=at(2026, 10, 23, 10).astimezone(UTC), day=date(2026, 11, 9))
    text = OutboxItem.objects.get(key=f"booking-principal:{booking.pk}").payload["text"]
    assert "26 oktober 2026 10:00" in text  # emails are in Swedish


@pytest.mark.parametrize(("marked", "last_day"), [
    (at(2026, 9, 25, 15), date(2026, 10, 25)),  # the form's last day is the October change
    (at(2026, 2, 27, 15), date(2026, 3, 29)),  # ... the March change
    (at(2026, 9, 25, 0, 30), date(2026, 10, 25)),  # just after midnight: still the 24th in UTC
])
def test_the_feedback_form_is_open_until_local_midnight_after_its_last_day(site, other_school, site_contact,
                                                                           marked, last_day):
    booking = make_booking(occasion=make_occasion(certification=site, day=marked.date() - timedelta(days=1)),
                           school=other_school, booked_by=member(other_school), status=Booking.Status.COMPLETED,
                           outcome_marked_at=marked.astimezone(UTC), outcome_marked_by=site_contact)
    assert services.feedback_open_until(booking) == last_day
    midnight = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=at(2026, 1, 1).tzinfo)
    assert services.feedback_closes_at(booking) == midnight
    assert services.feedback_is_open(booking, now=midnight - timedelta(minutes=1))
    assert not services.feedback_is_open(booking, now=midnight)


@pytest.mark.parametrize(("now", "visit_day"), [
    # Saturday 00:30 local is still Friday in UTC; the Monday visit is two days away on the local calendar.
    (at(2026, 10, 24, 0, 30), date(2026, 10, 26)),
    (at(2026, 3, 28, 0, 30), date(2026, 3, 30)),
])
def test_reminders_go_two_local_days_before_across_dst(site, other_school, now, visit_day):
    occasion = make_occasion(certification=site, day=visit_day)
    make_booking(occasion=occasion, school=other_school, booked_by=member(other_school))
    now = now.astimezone(UTC)
    assert services.send_reminders(now=now - timedelta(hours=1)) == 0  # Friday 23:30: three days before
    assert services.send_reminders(now=now) == 1


@pytest.mark.parametrize(("visit_day", "last_day"), [
    (date(2026, 10, 26), date(2026, 10, 23)),  # the Monday after the October change
    (date(2026, 3, 30), date(2026, 3, 27)),  # the Monday after the March change
])
def test_visitors_may_cancel_until_local_midnight_of_the_deadline_day(site, other_school, visit_day, last_day):
    SiteVisitSettings.objects.create(certification=site, cancellation_deadline_working_days=1)
    occasion = make_occasion(certification=site, day=visit_day)
    booking = make_booking(occasion=occasion, school=other_school, booked_by=member(other_school))
    assert services.cancellation_deadline(occasion) == last_day
    assert services.visitor_may_cancel(booking, now=at(last_day.year, last_day.month, last_day.day, 23, 59))
    assert not services.visitor_may_cancel(booking, now=at(last_day.year, last_day.month, last_day.day + 1, 0, 1))


def test_an_occasions_times_are_in_the_configured_zone(site, settings):
    occasion = make_occasion(certification=site, day=date(2026, 10, 26), start=time(9), end=time(12))
    assert occasion.starts_at.astimezone(UTC) == datetime(2026, 10, 26, 8, tzinfo=UTC)  # 09:00 CET
    settings.TIME_ZONE = "Europe/Helsinki"
    assert occasion.starts_at.astimezone(UTC) == datetime(2026, 10, 26, 7, tzinfo=UTC)  # 09:00 EET
    summer = make_occasion(certification=site, day=date(2026, 3, 30), start=time(9), end=time(12))
    assert summer.starts_at.astimezone(UTC) == datetime(2026, 3, 30, 6, tzinfo=UTC)  # 09:00 EEST


@pytest.mark.parametrize(("freed", "expires"), [
    # Friday 10:00 before the October change: Sunday 10:00 winter time is 49 real hours later.
    (at(2026, 10, 23, 10), at(2026, 10, 25, 10)),
    # Friday 10:00 before the March change: Sunday 10:00 summer time is 47 real hours later.
    (at(2026, 3, 27, 10), at(2026, 3, 29, 10)),
])
def test_a_48_hour_waiting_list_offer_ends_at_the_same_clock_time_two_days_later(site, other_school, settings,
                                                                                freed, expires):
    from inspira.accounts.models import Membership
    from inspira.visits.models import WaitingListEntry
    from tests.factories import SchoolFactory
    from tests.visits.builders import make_waiting_entry

    settings.WAITING_LIST_OFFER_HOURS = 48
    occasion = make_occasion(certification=site, day=freed.date() + timedelta(days=14), capacity=4)
    early = SchoolFactory()
    booking = make_booking(occasion=occasion, school=early, booked_by=member(early), participants=4)
    entry = make_waiting_entry(occasion=occasion, school=other_school, user=member(other_school),
                               created_at=(freed - timedelta(days=1)).astimezone(UTC))
    host = member(site.school, Membership.Role.SITE_CONTACT)
    services.booking_cancel(booking=booking, actor=host, reason="Dubbelbokat", now=freed.astimezone(UTC))
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED
    assert entry.offer_expires_at == expires
