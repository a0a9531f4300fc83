"""The reminder two days before, the scheduled jobs, and the offer's end across a DST weekend."""

import base64
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_q.models import Schedule
from icalendar import Calendar

from inspira.core.models import OutboxItem
from inspira.events import tasks
from inspira.events.registrations import registration_cancel, registration_create, send_reminders
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _event_at(day: datetime.date, hour: int = 9, **fields):
    starts = datetime.datetime.combine(day, datetime.time(hour), tzinfo=STOCKHOLM)
    return EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                        place="Stadshuset, Ragnar Östbergs plan 1", **fields)


@pytest.mark.parametrize("monday", [datetime.date(2026, 3, 30), datetime.date(2026, 10, 26)])
def test_the_reminder_goes_two_days_before_across_a_dst_weekend(monday):
    event = _event_at(monday)
    created = datetime.datetime.combine(monday - datetime.timedelta(days=10), datetime.time(12), tzinfo=STOCKHOLM)
    registration = registration_create(event=event, user=UserFactory(), now=created)
    # Friday 23:59 Stockholm: three days before, too early; Saturday 00:00 (a DST weekend follows): due.
    saturday = monday - datetime.timedelta(days=2)
    friday_night = datetime.datetime.combine(saturday, datetime.time(0), tzinfo=STOCKHOLM) - datetime.timedelta(
        minutes=1)
    assert send_reminders(now=friday_night) == 0
    assert send_reminders(now=datetime.datetime.combine(saturday, datetime.time(0), tzinfo=STOCKHOLM)) == 1
    assert send_reminders(now=datetime.datetime.combine(saturday, datetime.time(8), tzinfo=STOCKHOLM)) == 1
    items = OutboxItem.objects.filter(key__startswith=f"event-reminder:{registration.pk}:")
    assert items.count() == 1  # the second run found the same key
    text = items.get().payload["text"]
    assert "09:00" in text and "Stadshuset" in text and str(monday.day) in text
    calendar = Calendar.from_ical(base64.b64decode(items.get().payload["attachments"][0]["content"]))
    start = calendar.walk("VEVENT")[0].decoded("dtstart")
    assert (start.hour, start.date()) == (9, monday)


def test_no_reminder_for_a_cancelled_registration_or_the_day_itself():
    monday = datetime.date(2026, 10, 26)
    event = _event_at(monday)
    created = datetime.datetime.combine(monday - datetime.timedelta(days=10), datetime.time(12), tzinfo=STOCKHOLM)
    registration = registration_create(event=event, user=UserFactory(), now=created)
    assert send_reminders(now=datetime.datetime.combine(monday, datetime.time(7), tzinfo=STOCKHOLM)) == 0
    registration_cancel(registration=registration, actor=registration.user, now=created)
    assert send_reminders(now=datetime.datetime.combine(monday - datetime.timedelta(days=1), datetime.time(7),
                                                        tzinfo=STOCKHOLM)) == 0


def test_an_offer_over_the_october_weekend_ends_at_the_same_clock_time(settings):
    settings.WAITING_LIST_OFFER_HOURS = 48
    event = _event_at(datetime.date(2026, 11, 2), capacity=1)
    friday = datetime.datetime(2026, 10, 23, 10, 0, tzinfo=STOCKHOLM)
    first = registration_create(event=event, user=UserFactory(), now=friday)
    waiting = registration_create(event=event, user=UserFactory(), now=friday)
    registration_cancel(registration=first, actor=first.user, now=friday)
    waiting.refresh_from_db()
    # Sunday 10:00 on the clock, though the night was an hour longer (49 real hours).
    assert timezone.localtime(waiting.offer_expires_at, STOCKHOLM) == datetime.datetime(
        2026, 10, 25, 10, 0, tzinfo=STOCKHOLM)


def test_the_jobs_are_scheduled_and_run():
    names = set(Schedule.objects.filter(func__startswith="inspira.events.tasks.").values_list("func", flat=True))
    assert names == {"inspira.events.tasks.expire_offers", "inspira.events.tasks.send_reminders"}
    assert tasks.expire_offers() == 0 and tasks.send_reminders() == 0
