import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from inspira.core.models import AuditEvent
from inspira.events.models import Event
from inspira.events.services import event_update
from inspira.programmes.services import programme_set_active
from tests.factories import DistrictFactory, EventFactory, ProgrammeCoordinatorFactory, UserFactory, programme

pytestmark = pytest.mark.django_db
MANAGE = reverse("events:manage")
CALENDAR = reverse("events:calendar")
LINK = "https://meet.example.se/hemlig-lank"


@pytest.fixture
def tailor_made(administrator):
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made, user=UserFactory(name="Pia Pedagog")).user


def _form(**overrides):
    day = timezone.localdate() + datetime.timedelta(days=20)
    return {"title": "Seminarium om läsning", "kind": "seminar", "description": "Goda exempel.",
            "day": day.isoformat(), "start_time": "13:00", "end_time": "16:00", "place": "Aulan",
            "online_link": "", "capacity": "60", "is_public": "on"} | overrides


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_coordinator_creates_edits_and_cancels_an_event_of_their_programme(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    response = client.post(reverse("events:create"), _form(programme=tailor_made.pk))
    event = Event.objects.get()
    assert response.status_code == 302 and event.programme == tailor_made and event.created_by == coordinator
    response = client.post(reverse("events:edit", args=[event.pk]), _form(place="Kulturhuset"))
    event.refresh_from_db()
    assert response.status_code == 302 and event.place == "Kulturhuset" and event.sequence == 1
    assert "Vill du ställa in" in client.get(reverse("events:cancel", args=[event.pk])).content.decode()
    assert client.post(reverse("events:cancel", args=[event.pk]), {"reason": ""}).status_code == 200
    client.post(reverse("events:cancel", args=[event.pk]), {"reason": "För få anmälda"})
    event.refresh_from_db()
    assert event.is_cancelled and event.cancellation_reason == "För få anmälda"
    assert list(AuditEvent.objects.filter(object_id=str(event.pk)).order_by("pk").values_list("action", "actor")) == [
        ("event.created", coordinator.pk), ("event.updated", coordinator.pk), ("event.cancelled", coordinator.pk)]


def test_a_coordinator_cannot_create_in_or_touch_another_programme(client_for, coordinator):
    other = EventFactory(programme=programme("inspiration_sites"))
    client = client_for(coordinator)
    for name in ("detail", "edit", "cancel"):
        assert client.get(reverse(f"events:{name}", args=[other.pk])).status_code == 403, name
    assert client.post(reverse("events:cancel", args=[other.pk]), {"reason": "x"}).status_code == 403
    response = client.post(reverse("events:create"), _form(programme=programme("inspiration_sites").pk))
    assert response.status_code == 200 and "programme" in response.context["form"].errors
    assert other.title not in client.get(MANAGE).content.decode()
    assert not Event.objects.exclude(pk=other.pk).exists()


def test_people_who_coordinate_nothing_get_no_list_and_no_menu_entry(client_for, coordinator):
    client = client_for(UserFactory())
    assert client.get(MANAGE).status_code == 403
    assert 'href="/traffar/"' not in client.get(reverse("core:dashboard")).content.decode()
    assert 'href="/traffar/"' in client_for(coordinator).get(reverse("core:dashboard")).content.decode()


def test_the_event_pages_answer_404_while_the_programme_is_off(client_for, coordinator, tailor_made, administrator):
    event = EventFactory(programme=tailor_made)
    client = client_for(coordinator)
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 200
    programme_set_active(programme=tailor_made, active=False, actor=administrator)
    for name in ("detail", "edit", "cancel"):
        assert client.get(reverse(f"events:{name}", args=[event.pk])).status_code == 404, name
    assert client.get(MANAGE).status_code == 403  # the only programme they coordinate is off
    assert client.get(reverse("events:feed", args=["tailor_made"])).status_code == 404


def test_the_organisers_list_runs_a_constant_number_of_queries(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    client.get(MANAGE)
    EventFactory.create_batch(2, programme=tailor_made, district=DistrictFactory())
    few = _count_queries(client, MANAGE)
    EventFactory.create_batch(28, programme=tailor_made, district=DistrictFactory())
    assert _count_queries(client, MANAGE) == few


def test_the_calendar_lists_upcoming_public_events_of_programmes_that_are_on(tailor_made, administrator):
    shown = EventFactory(title="Öppet seminarium", online_link=LINK)
    EventFactory(title="Internt möte", is_public=False)
    EventFactory(title="Inställt möte", cancelled_at=timezone.now())
    past = timezone.now() - datetime.timedelta(days=3)
    EventFactory(title="Gammal träff", starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    EventFactory(title="Panelens fokusgrupp", programme=programme("teacher_panel"))  # off
    content = Client().get(CALENDAR).content.decode()
    assert shown.title in content
    for hidden in ("Internt möte", "Inställt möte", "Gammal träff", "Panelens fokusgrupp", LINK, "hemlig-lank"):
        assert hidden not in content, hidden


def test_the_calendar_filters(tailor_made):
    district = DistrictFactory(name="Söderort")
    EventFactory(title="Seminarium A", district=district)
    EventFactory(title="Fokusgrupp B", kind="focus_group", programme=tailor_made)
    late = timezone.now() + datetime.timedelta(days=60)
    EventFactory(title="Avslutning C", kind="closing", starts_at=late, ends_at=late + datetime.timedelta(hours=2))

    def titles(**query):
        page = Client().get(CALENDAR, query).context["page_obj"]
        return sorted(event.title for event in page)

    assert titles(kind="focus_group") == ["Fokusgrupp B"]
    assert titles(programme="tailor_made") == ["Fokusgrupp B"]
    assert titles(district=district.pk) == ["Seminarium A"]
    since = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert titles(since=since) == ["Avslutning C"]
    assert titles(programme="nonsense") == ["Avslutning C", "Fokusgrupp B", "Seminarium A"]
    # A date before today never brings past events back (nor overflows at the start of the calendar).
    assert titles(since="0001-01-01") == ["Avslutning C", "Fokusgrupp B", "Seminarium A"]


def test_the_calendar_runs_a_constant_number_of_queries(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure the page, not the cache
    client = Client()
    EventFactory.create_batch(2, district=DistrictFactory())
    few = _count_queries(client, CALENDAR)
    EventFactory.create_batch(28, district=DistrictFactory())
    assert _count_queries(client, CALENDAR) == few


def test_anonymous_visitors_get_the_calendar_from_the_cache_until_an_event_changes(
        django_assert_num_queries, django_capture_on_commit_callbacks):
    event = EventFactory(title="Första titeln")
    assert Client().get(CALENDAR)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert Client().get(CALENDAR)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, actor=UserFactory(), title="Andra titeln")
    response = Client().get(CALENDAR)
    assert response["X-Page-Cache"] == "miss" and "Andra titeln" in response.content.decode()


def test_the_programme_feed_parses_back_without_the_online_link(tailor_made):
    october = datetime.datetime(2026, 10, 26, 9, 0, tzinfo=timezone.get_current_timezone())
    if october < timezone.now():
        october = october.replace(year=timezone.now().year + 1)
    event = EventFactory(programme=tailor_made, title="Uppstart", kind="kick_off", online_link=LINK,
                         starts_at=october, ends_at=october + datetime.timedelta(hours=3))
    event.sequence = 2
    event.save()
    EventFactory(programme=tailor_made, title="Intern", is_public=False)
    EventFactory(title="Annat program")
    response = Client().get(reverse("events:feed", args=["tailor_made"]))
    assert response["Content-Type"].startswith("text/calendar")
    assert LINK not in response.content.decode() and "hemlig" not in response.content.decode()
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    [entry] = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Uppstart" and int(entry["SEQUENCE"]) == 2
    assert str(entry["UID"]).startswith(f"event-{event.uid}@")
    start = entry.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (9, "Europe/Stockholm") and start == october
    assert Client().get(reverse("events:feed", args=["teacher_panel"])).status_code == 404
    assert Client().get(reverse("events:feed", args=["nonsense"])).status_code == 404
