"""Calendar files, reminders and the rule "one email per event", across the DST weekends."""

import base64
import uuid
from datetime import UTC, date, datetime, time

import pytest
from django.core import mail
from icalendar import Calendar

from inspira.core.models import OutboxItem
from inspira.visits import services, tasks
from inspira.visits.ics import booking_uid, occasion_ics
from inspira.visits.services import OccasionDetails, Visitors
from tests.visits.builders import STOCKHOLM, at, make_booking, make_certification, make_occasion
from tests.visits.conftest import run_outbox

pytestmark = pytest.mark.usefixtures("en")


def attached_calendar(key: str) -> Calendar:
    item = OutboxItem.objects.get(key=key)
    (attachment,) = item.payload["attachments"]
    assert attachment["filename"] == "studiebesok.ics"
    assert attachment["mimetype"].startswith("text/calendar; method=")
    return Calendar.from_ical(base64.b64decode(attachment["content"]))


@pytest.fixture
def site(school, site_contact):
    return make_certification(school=school, starts_on=date(2025, 8, 1))


def book_at(occasion, teacher, school, now):
    return services.booking_create(
        occasion=occasion, school=school, booked_by=teacher, idempotency_key=uuid.uuid4(), now=now,
        visitors=Visitors(participants=3, contact_name=teacher.name, contact_email=teacher.email),
    )


@pytest.mark.parametrize(("visit_day", "utc_hour"), [
    # Summer time starts on Sunday 29 March 2026: 09:00 on the Monday is 07:00 UTC.
    (date(2026, 3, 30), 7),
    # Summer time ends on Sunday 25 October 2026: 09:00 on the Monday is 08:00 UTC.
    (date(2026, 10, 26), 8),
])
def test_the_confirmation_carries_a_calendar_file_in_stockholm_time(site, teacher, other_school, visit_day,
                                                                    utc_hour):
    occasion = make_occasion(certification=site, day=visit_day, start=time(9), end=time(12, 30))
    booking = book_at(occasion, teacher, other_school, now=at(2026, 3, 2))

    calendar = attached_calendar(f"booking-confirmed:{booking.pk}")
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    start, end = event["DTSTART"], event["DTEND"]
    assert start.params["TZID"] == "Europe/Stockholm"
    assert start.dt == datetime.combine(visit_day, time(9), tzinfo=STOCKHOLM)
    assert start.dt.astimezone(UTC).hour == utc_hour
    assert end.dt.astimezone(STOCKHOLM).time() == time(12, 30)
    assert str(event["UID"]) == booking_uid(booking)
    assert event["SEQUENCE"] == 0
    assert str(event["LOCATION"]) == occasion.place
    assert site.display_name in str(event["SUMMARY"])
    assert str(event["ORGANIZER"]) == "mailto:kontakt@example.se"
    # The VTIMEZONE states the EU rule, so calendar programs place the times without guessing.
    (tz,) = calendar.walk("VTIMEZONE")
    assert tz["TZID"] == "Europe/Stockholm"
    rules = {component.name: component["RRULE"] for component in tz.subcomponents}
    assert rules["DAYLIGHT"]["BYMONTH"] == [3] and rules["STANDARD"]["BYMONTH"] == [10]
    # The host gets the same event.
    host = attached_calendar(f"booking-confirmed-host:{booking.pk}")
    assert str(host.walk("VEVENT")[0]["UID"]) == str(event["UID"])


def test_a_changed_occasion_sends_an_update_with_the_same_uid_and_a_higher_sequence(site, teacher, other_school,
                                                                                   site_contact):
    occasion = make_occasion(certification=site, day=date(2026, 3, 30))
    booking = book_at(occasion, teacher, other_school, now=at(2026, 3, 2))
    services.occasion_update(
        occasion=occasion, actor=site_contact, date=date(2026, 3, 30), now=at(2026, 3, 3),
        details=OccasionDetails(slot="afternoon", start_time=time(13), end_time=time(16), place="Biblioteket",
                                capacity=10),
    )
    calendar = attached_calendar(f"booking-updated:{booking.pk}:1")
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == booking_uid(booking)
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == datetime(2026, 3, 30, 13, tzinfo=STOCKHOLM)
    assert str(event["LOCATION"]) == "Biblioteket"

    # Changing only the capacity sends nothing new to calendars.
    services.occasion_update(
        occasion=occasion, actor=site_contact, date=date(2026, 3, 30), now=at(2026, 3, 3),
        details=OccasionDetails(slot="afternoon", start_time=time(13), end_time=time(16), place="Biblioteket",
                                capacity=12),
    )
    assert not OutboxItem.objects.filter(key=f"booking-updated:{booking.pk}:2").exists()


def test_a_cancellation_sends_method_cancel_with_the_same_uid(site, teacher, other_school, site_contact):
    occasion = make_occasion(certification=site, day=date(2026, 10, 26))
    booking = book_at(occasion, teacher, other_school, now=at(2026, 9, 1))
    services.booking_cancel(booking=booking, actor=site_contact, reason="Sjukdom", now=at(2026, 10, 20))
    calendar = attached_calendar(f"booking-cancelled:{booking.pk}:1")
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == booking_uid(booking)
    assert event["SEQUENCE"] == 1
    assert OutboxItem.objects.get(key=f"booking-cancelled:{booking.pk}:1").payload["attachments"][0][
        "mimetype"] == "text/calendar; method=CANCEL"


def test_the_hosts_occasion_calendar(site):
    occasion = make_occasion(certification=site, day=date(2026, 3, 30))
    event = Calendar.from_ical(occasion_ics(occasion)).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"occasion-{occasion.uid}@")
    assert event["DTSTART"].dt == datetime(2026, 3, 30, 9, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(("visit_day", "not_yet", "due"), [
    # Monday after the March change: due from midnight on Saturday 28 March, Stockholm time.
    (date(2026, 3, 30), at(2026, 3, 27, 23, 30), at(2026, 3, 28, 0, 30)),
    # Monday after the October change.
    (date(2026, 10, 26), at(2026, 10, 23, 23, 30), at(2026, 10, 24, 0, 30)),
])
def test_the_reminder_goes_two_days_before_in_stockholm_time(site, teacher, other_school, visit_day, not_yet, due):
    occasion = make_occasion(certification=site, day=visit_day)
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher)
    assert services.send_reminders(now=not_yet) == 0
    assert services.send_reminders(now=due) == 1
    services.send_reminders(now=due)  # the hourly job runs again
    key = f"booking-reminder:{booking.pk}:{visit_day:%Y%m%d}"
    assert OutboxItem.objects.filter(key__startswith=f"booking-reminder:{booking.pk}").count() == 1
    event = attached_calendar(key).walk("VEVENT")[0]
    assert event["DTSTART"].dt == datetime.combine(visit_day, time(9), tzinfo=STOCKHOLM)


def test_no_reminder_for_a_cancelled_booking(site, teacher, other_school):
    occasion = make_occasion(certification=site, day=date(2026, 3, 30))
    make_booking(occasion=occasion, school=other_school, booked_by=teacher, status="cancelled")
    assert services.send_reminders(now=at(2026, 3, 28, 8)) == 0


def test_one_email_per_event_when_the_job_runs_twice(site, teacher, other_school, visiting_principal):
    occasion = make_occasion(certification=site, day=date(2026, 3, 30))
    booking = book_at(occasion, teacher, other_school, now=at(2026, 3, 2))
    # The confirmation job is retried, and each outbox job is delivered twice.
    assert tasks.send_booking_confirmation(booking.pk)
    assert tasks.send_booking_confirmation(booking.pk)
    mail.outbox.clear()
    run_outbox()
    run_outbox()
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 3, subjects  # visitor, host, principal: once each
    visitor_mail = next(m for m in mail.outbox if m.to == [teacher.email])
    (name, content, mimetype) = visitor_mail.attachments[0]
    assert name == "studiebesok.ics" and mimetype.startswith("text/calendar")
    assert Calendar.from_ical(content).walk("VEVENT")[0]["UID"] == booking_uid(booking)
