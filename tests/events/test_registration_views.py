"""The participants' pages and the organiser's list of registrations: access, wiring, the online
link's visibility and constant query counts."""

import base64
import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from inspira.core.models import OutboxItem
from inspira.events.models import Registration
from inspira.events.permissions import event_online_link_visible
from inspira.events.registrations import registration_create
from tests.factories import (
    EventFactory,
    ProgrammeCoordinatorFactory,
    RegistrationFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db
LINK = "https://meet.example.se/hemlig-lank"
S = Registration.Status


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_calendar_links_to_the_event_page_which_anyone_may_read(client):
    event = EventFactory(is_public=True, online_link=LINK)
    assert reverse("events:event", args=[event.pk]) in client.get(reverse("events:calendar")).content.decode()
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert event.title in page and LINK not in page and reverse("accounts:login") in page


def test_a_non_public_event_asks_anonymous_visitors_to_log_in_and_refuses_the_ineligible(client, client_for):
    event = EventFactory(is_public=False, eligibility="schools")
    event.eligible_schools.add(SchoolFactory())
    url = reverse("events:event", args=[event.pk])
    assert client.get(url).url.startswith(reverse("accounts:login"))
    assert client_for(UserFactory()).get(url).status_code == 403


def test_register_wait_and_take_an_offer_through_the_pages(client_for, en):
    event = EventFactory(capacity=1, is_public=True)
    first, second = UserFactory(), UserFactory()
    client = client_for(first)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert "You are registered" in response.content.decode()
    client = client_for(second)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert "waiting list, number 1" in response.content.decode()
    assert "number 1 in line" in client.get(reverse("events:mine")).content.decode()
    mine = Registration.objects.get(user=first)
    client = client_for(first)
    assert client.get(reverse("events:registration_cancel", args=[mine.pk])).status_code == 200
    client.post(reverse("events:registration_cancel", args=[mine.pk]))
    offered = Registration.objects.get(user=second)
    assert offered.status == S.OFFERED
    # Another person cannot answer the offer.
    assert client.post(reverse("events:offer_accept", args=[offered.pk])).status_code == 403
    client = client_for(second)
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert reverse("events:offer_accept", args=[offered.pk]) in page
    client.post(reverse("events:offer_accept", args=[offered.pk]))
    offered.refresh_from_db()
    assert offered.status == S.CONFIRMED


def test_decline_and_leave_through_the_pages(client_for):
    event = EventFactory(capacity=1)
    holder = registration_create(event=event, user=UserFactory())
    waiting = registration_create(event=event, user=UserFactory())
    later = registration_create(event=event, user=UserFactory())
    client = client_for(later.user)
    client.post(reverse("events:waiting_leave", args=[later.pk]))
    later.refresh_from_db()
    assert later.status == S.WITHDRAWN
    client_for(holder.user).post(reverse("events:registration_cancel", args=[holder.pk]))
    client_for(waiting.user).post(reverse("events:offer_decline", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == S.DECLINED


def test_a_rule_broken_is_shown_at_the_form(client_for, en):
    school = SchoolFactory()
    event = EventFactory(quota_per_school=1)
    RegistrationFactory(event=event, school=school)
    response = client_for(member(school)).post(reverse("events:register", args=[event.pk]), {"school": school.pk})
    assert "at most 1 per school" in response.content.decode()


def test_only_the_principal_or_site_contact_opens_the_group_form(client_for, en):
    school = SchoolFactory()
    event = EventFactory(capacity=30)
    url = reverse("events:register_group", args=[event.pk])
    assert client_for(member(school)).get(url).status_code == 403
    client = client_for(member(school, "principal"))
    assert client.get(url).status_code == 200
    response = client.post(url, {"school": school.pk, "participants": "40"})
    assert "30 places in all" in response.content.decode()
    client.post(url, {"school": school.pk, "participants": "4", "participant_names": "Ann\nBo"})
    group = Registration.objects.get(is_group=True)
    assert (group.school, group.participants, group.status) == (school, 4, S.CONFIRMED)


def test_my_events_runs_the_same_queries_whatever_its_length(client_for):
    user = UserFactory()
    client = client_for(user)
    RegistrationFactory(user=user)
    few = _count(client, reverse("events:mine"))
    for _ in range(6):
        RegistrationFactory(user=user, school=SchoolFactory())
    RegistrationFactory(user=user, status="waiting")
    assert _count(client, reverse("events:mine")) == few


def test_the_organiser_sees_the_registrations_the_line_and_the_counts_in_constant_queries(client_for, en):
    event = EventFactory(capacity=2, kind="closing")
    coordinator = UserFactory(role="administrator")
    client = client_for(coordinator)
    url = reverse("events:detail", args=[event.pk])
    RegistrationFactory(event=event, school=SchoolFactory(name="Representerad skola"))
    SchoolFactory()
    few = _count(client, url)
    RegistrationFactory(event=event)
    for _ in range(4):
        RegistrationFactory(event=event, status="waiting", school=SchoolFactory())
    assert _count(client, url) == few
    page = client.get(url).content.decode()
    assert "number 4 in line" in page and "Representerad skola" not in page.split('id="schools"')[1]
    waiting = Registration.objects.filter(status="waiting").first()
    client.post(reverse("events:registration_cancel", args=[waiting.pk]), {"reason": "Fel program"})
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED


def test_the_online_link_only_to_the_registered_from_half_an_hour_before_until_the_end(client_for):
    event = EventFactory(online_link=LINK, is_public=True)
    person = registration_create(event=event, user=UserFactory()).user
    outsider = UserFactory()
    before = event.starts_at - datetime.timedelta(minutes=31)
    assert not event_online_link_visible(user=person, event=event, now=before)
    for moment in (event.starts_at - datetime.timedelta(minutes=30), event.ends_at - datetime.timedelta(seconds=1)):
        assert event_online_link_visible(user=person, event=event, now=moment)
        assert not event_online_link_visible(user=outsider, event=event, now=moment)
    assert not event_online_link_visible(user=person, event=event, now=event.ends_at)
    assert event_online_link_visible(user=ProgrammeCoordinatorFactory(programme=event.programme).user, event=event,
                                     now=before)


def test_the_online_link_is_never_in_the_calendar_the_feed_or_the_emails(client, client_for):
    event = EventFactory(online_link=LINK, is_public=True)
    registration_create(event=event, user=UserFactory())
    other = registration_create(event=event, user=UserFactory())
    event.refresh_from_db()
    from inspira.events.services import event_cancel, event_update

    event_update(event=event, actor=UserFactory(role="administrator"), place="Aulan")
    client_for(other.user).post(reverse("events:registration_cancel", args=[other.pk]))
    Client().get(reverse("events:calendar"))
    assert LINK not in Client().get(reverse("events:calendar")).content.decode()
    assert LINK not in Client().get(reverse("events:feed", args=["inspiration_sites"])).content.decode()
    event_cancel(event=event, actor=UserFactory(role="administrator"), reason="Sjuk")
    items = OutboxItem.objects.filter(key__startswith="event-")
    assert items.count() >= 4
    for item in items:
        payload = item.payload
        assert LINK not in payload["text"] + payload["html"]
        for attachment in payload["attachments"]:
            assert LINK.encode() not in base64.b64decode(attachment["content"])


def test_the_calendar_file_of_a_registration_parses_and_a_cancellation_supersedes_it(client_for):
    event = EventFactory()
    registration = registration_create(event=event, user=UserFactory())
    client_for(registration.user).post(reverse("events:registration_cancel", args=[registration.pk]))

    def calendar(prefix):
        item = OutboxItem.objects.get(key__startswith=prefix)
        return Calendar.from_ical(base64.b64decode(item.payload["attachments"][0]["content"]))

    sent, cancelled = calendar("event-registered:"), calendar("event-registration-cancelled:")
    first, second = sent.walk("VEVENT")[0], cancelled.walk("VEVENT")[0]
    assert (str(sent["method"]), str(cancelled["method"])) == ("REQUEST", "CANCEL")
    assert str(first["uid"]) == str(second["uid"]) == f"event-{event.uid}@{first['uid'].split('@')[1]}"
    assert int(second["sequence"]) > int(first["sequence"])
    assert sent.walk("VTIMEZONE")[0]["tzid"] == "Europe/Stockholm"
    assert first.decoded("dtstart") == timezone.localtime(event.starts_at)


def test_my_events_leaves_out_the_programmes_that_are_off(client_for):
    from inspira.programmes.state import active_keys
    from tests.factories import programme

    assert "tailor_made" not in active_keys()  # off until an administrator switches it on
    user = UserFactory()
    kept = RegistrationFactory(user=user)
    hidden = RegistrationFactory(user=user, event=EventFactory(programme=programme("tailor_made")))
    page = client_for(user).get(reverse("events:mine")).content.decode()
    assert kept.event.title in page and hidden.event.title not in page
