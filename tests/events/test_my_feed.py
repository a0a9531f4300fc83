"""Each person's own calendar feed: a secret address, the events they hold a confirmed place on,
never an online link."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from inspira.core.models import AuditEvent
from inspira.events import feeds
from inspira.events.models import CalendarFeedToken, Registration
from inspira.privacy.services import person_erase
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
LINK = "https://meet.example.se/hemlig-lank"


def _feed(token: str) -> Calendar:
    response = Client().get(reverse("events:my_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert LINK.encode() not in response.content
    return Calendar.from_ical(response.content)


def _summaries(calendar: Calendar) -> dict[str, str]:
    return {str(e["summary"]): str(e["status"]) for e in calendar.walk("VEVENT")}


def test_the_feed_lists_confirmed_places_and_cancelled_events_as_cancelled(staff):
    RegistrationFactory(user=staff, event=EventFactory(title="Seminarium", online_link=LINK))
    RegistrationFactory(user=staff, event=EventFactory(title="Inställt", cancelled_at=timezone.now()))
    RegistrationFactory(user=staff, event=EventFactory(title="Grupp"), is_group=True, participants=4)
    for status in ("waiting", "offered", "cancelled", "declined"):
        RegistrationFactory(user=staff, event=EventFactory(title=f"Inte {status}"), status=status)
    RegistrationFactory(event=EventFactory(title="Någon annans"))
    token = feeds.calendar_feed_renew(user=staff).token
    assert _summaries(_feed(token)) == {"Seminarium": "CONFIRMED", "Inställt": "CANCELLED", "Grupp": "CONFIRMED"}


def test_times_are_stockholm_wall_clock_across_the_october_change(staff):
    # The Monday after summer time ends (last Sunday of October): 09:00 is 08:00 UTC, not 07:00.
    monday = datetime.datetime(2026, 10, 26, 9, 0, tzinfo=timezone.get_current_timezone())
    if monday < timezone.now():
        monday = datetime.datetime(2027, 11, 1, 9, 0, tzinfo=timezone.get_current_timezone())  # after 31 Oct 2027
    event = EventFactory(starts_at=monday, ends_at=monday + datetime.timedelta(hours=2))
    RegistrationFactory(user=staff, event=event)
    [entry] = _feed(feeds.calendar_feed_renew(user=staff).token).walk("VEVENT")
    assert entry["dtstart"].dt == monday and entry["dtstart"].dt.utcoffset() == datetime.timedelta(hours=1)


def test_an_unknown_or_old_token_is_not_found(staff):
    old = feeds.calendar_feed_renew(user=staff).token
    new = feeds.calendar_feed_renew(user=staff).token
    assert old != new and CalendarFeedToken.objects.filter(user=staff).count() == 1
    for token in (old, new[:-1] + ("A" if new[-1] != "A" else "B"), "x" * 65, "x"):
        assert Client().get(reverse("events:my_feed", args=[token])).status_code == 404
    _feed(new)


def test_the_feed_of_a_person_no_longer_active_is_not_found(staff):
    token = feeds.calendar_feed_renew(user=staff).token
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert Client().get(reverse("events:my_feed", args=[token])).status_code == 404


def test_the_token_is_compared_in_constant_time(staff, monkeypatch):
    token = feeds.calendar_feed_renew(user=staff).token
    compared = []
    real = feeds.hmac.compare_digest
    monkeypatch.setattr(feeds.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    assert feeds.calendar_feed_user(token) == staff
    assert compared == [(token.encode(), token.encode())]


def test_the_page_makes_and_renews_the_address(client_for, staff):
    client = client_for(staff)
    page = client.get(reverse("events:my_feed_page")).content.decode()
    assert "Skapa min kalenderadress" in page
    response = client.post(reverse("events:my_feed_page"), follow=True)
    token = CalendarFeedToken.objects.get(user=staff).token
    assert reverse("events:my_feed", args=[token]) in response.content.decode()
    client.post(reverse("events:my_feed_page"))
    assert CalendarFeedToken.objects.get(user=staff).token != token
    assert AuditEvent.objects.filter(action="event.calendar_feed_renewed", actor=staff).count() == 2


def test_erasing_the_person_stops_the_address(administrator, staff):
    token = feeds.calendar_feed_renew(user=staff).token
    person_erase(person=staff, actor=administrator)
    assert not CalendarFeedToken.objects.exists()
    assert Client().get(reverse("events:my_feed", args=[token])).status_code == 404


def test_the_feed_runs_a_constant_number_of_queries(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = feeds.calendar_feed_renew(user=staff).token
    RegistrationFactory.create_batch(2, user=staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            _feed(token)
        return len(queries)

    few = count()
    for _ in range(20):
        RegistrationFactory(user=staff, status=Registration.Status.CONFIRMED)
    assert count() == few
