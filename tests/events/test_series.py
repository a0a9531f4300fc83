import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.events import series as s
from inspira.events.models import Event, EventSeries
from inspira.events.rules import EventInputError
from inspira.events.services import event_cancel, event_update
from inspira.programmes.services import programme_set_active
from tests.factories import ClosedPeriodFactory, ProgrammeCoordinatorFactory, SchoolFactory, UserFactory, programme

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SHARED = {"title": "Läsfrämjande nätverk", "description": "Vi delar goda exempel.", "kind": "session",
          "place": "Aulan", "online_link": "", "district": None, "capacity": 30, "quota_per_school": None,
          "is_public": True}


@pytest.fixture
def tailor_made(administrator):
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made, user=UserFactory(name="Pia Pedagog")).user


def _create(actor, tailor_made, **overrides):
    rule = {"weekday": 1, "interval_weeks": 2, "first_date": datetime.date(2027, 10, 1),
            "last_date": datetime.date(2027, 12, 20), "start_time": datetime.time(15),
            "end_time": datetime.time(16, 30)}
    fields = rule | SHARED | overrides
    return s.series_create(programme=tailor_made, actor=actor, **fields)


def _local(event):
    return timezone.localtime(event.starts_at, STOCKHOLM)


# --- The rule ----------------------------------------------------------------------------------------------------

def test_the_rule_gives_every_nth_weekday_from_the_first_date_up_to_the_last():
    days = s.rule_days(weekday=1, interval_weeks=2, first_date=datetime.date(2027, 1, 7),
                       last_date=datetime.date(2027, 2, 16))
    # 7 January 2027 is a Thursday: the first Tuesday after it is the 12th; the 16th of February is
    # the last date and is given (inclusive).
    assert days == [datetime.date(2027, 1, 12), datetime.date(2027, 1, 26), datetime.date(2027, 2, 9)]
    assert s.rule_days(weekday=1, interval_weeks=1, first_date=datetime.date(2027, 1, 13),
                       last_date=datetime.date(2027, 1, 18)) == []


def test_rule_errors_name_the_field():
    base = {"weekday": 1, "interval_weeks": 1, "first_date": datetime.date(2027, 1, 1),
            "last_date": datetime.date(2027, 3, 1), "start_time": datetime.time(15), "end_time": datetime.time(16)}
    assert s.rule_errors(base) == {}
    assert set(s.rule_errors(base | {"last_date": datetime.date(2026, 12, 1)})) == {"last_date"}
    assert set(s.rule_errors(base | {"end_time": datetime.time(14)})) == {"end_time"}
    assert set(s.rule_errors(base | {"interval_weeks": 9})) == {"interval_weeks"}
    assert set(s.rule_errors(base | {"last_date": datetime.date(2029, 1, 1)})) == {"last_date"}  # > 53 dates
    assert set(s.rule_errors(base | {"first_date": datetime.date(2027, 1, 6),
                                     "last_date": datetime.date(2027, 1, 11)})) == {"last_date"}  # no Tuesday


def test_a_time_the_clocks_skip_on_a_date_of_the_rule_is_refused():
    # Sundays at 02:30: the 28th of March 2027 has no 02:30 in Stockholm.
    rule = {"weekday": 6, "interval_weeks": 1, "first_date": datetime.date(2027, 3, 1),
            "last_date": datetime.date(2027, 4, 30), "start_time": datetime.time(2, 30), "end_time": datetime.time(4)}
    assert "start_time" in s.rule_errors(rule)


# --- Creating a series ---------------------------------------------------------------------------------------------

def test_the_wall_clock_time_stays_across_the_october_change(coordinator, tailor_made):
    # Tuesdays every second week from October 2027: the clocks go back on Sunday 31 October.
    series = _create(coordinator, tailor_made)
    events = list(series.events.order_by("starts_at"))
    assert [e.series_date for e in events] == [datetime.date(2027, 10, 5) + datetime.timedelta(weeks=2 * n)
                                               for n in range(6)]
    assert {(_local(e).time(), timezone.localtime(e.ends_at, STOCKHOLM).time()) for e in events} == {
        (datetime.time(15), datetime.time(16, 30))}
    # Summer time before the change (13:00 UTC), winter time after it (14:00 UTC).
    assert [e.starts_at.astimezone(datetime.UTC).hour for e in events] == [13, 13, 14, 14, 14, 14]


def test_the_wall_clock_time_stays_across_the_march_change(coordinator, tailor_made):
    series = _create(coordinator, tailor_made, weekday=0, interval_weeks=1, first_date=datetime.date(2027, 3, 15),
                     last_date=datetime.date(2027, 4, 5), start_time=datetime.time(9))
    events = list(series.events.order_by("starts_at"))
    assert [_local(e).time() for e in events] == [datetime.time(9)] * 4
    assert [e.starts_at.astimezone(datetime.UTC).hour for e in events] == [8, 8, 7, 7]  # 28 March in between


def test_the_municipalitys_closed_days_are_marked_in_the_preview_and_left_out(coordinator, tailor_made):
    ClosedPeriodFactory(name="Höstlov", starts_on=datetime.date(2027, 11, 1), ends_on=datetime.date(2027, 11, 5))
    # A school's own closed day does not close the municipality's events.
    ClosedPeriodFactory(name="Studiedag", school=SchoolFactory(), starts_on=datetime.date(2027, 10, 19),
                        ends_on=datetime.date(2027, 10, 19))
    preview = s.series_preview(weekday=1, interval_weeks=2, first_date=datetime.date(2027, 10, 1),
                               last_date=datetime.date(2027, 12, 20))
    assert [(d.day, d.closed) for d in preview if d.is_closed] == [(datetime.date(2027, 11, 2), "Höstlov")]
    series = _create(coordinator, tailor_made)
    assert datetime.date(2027, 11, 2) not in set(series.events.values_list("series_date", flat=True))
    assert series.events.count() == 5
    audit = AuditEvent.objects.get(action="event_series.created")
    assert audit.data["closed_days_left_out"] == ["2027-11-02"] and audit.actor == coordinator


def test_every_event_is_created_through_the_event_service_with_its_audit_row(coordinator, tailor_made):
    series = _create(coordinator, tailor_made)
    assert AuditEvent.objects.filter(action="event.created", actor=coordinator).count() == 6
    event = series.events.first()
    assert (event.title, event.place, event.capacity, event.is_public, event.programme) == (
        "Läsfrämjande nätverk", "Aulan", 30, True, tailor_made)


def test_nothing_is_half_saved_when_one_date_fails(coordinator, tailor_made, monkeypatch):
    real = s.services.event_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise EventInputError({"capacity": ["boom"]})
        return real(**kwargs)

    monkeypatch.setattr(s.services, "event_create", failing)
    with pytest.raises(EventInputError):
        _create(coordinator, tailor_made)
    assert (EventSeries.objects.count(), Event.objects.count(), AuditEvent.objects.filter(
        action__startswith="event").count()) == (0, 0, 0)


def test_the_shared_details_keep_the_event_rules(coordinator, tailor_made):
    with pytest.raises(EventInputError) as caught:
        _create(coordinator, tailor_made, place="", online_link="", quota_per_school=40)
    assert set(caught.value.errors) == {"place", "quota_per_school"}
    assert not EventSeries.objects.exists()


def test_a_series_whose_every_date_is_closed_is_refused(coordinator, tailor_made):
    ClosedPeriodFactory(name="Jullov", starts_on=datetime.date(2027, 12, 20), ends_on=datetime.date(2028, 1, 7))
    with pytest.raises(EventInputError):
        _create(coordinator, tailor_made, first_date=datetime.date(2027, 12, 20), last_date=datetime.date(2028, 1, 7))
    assert not Event.objects.exists()


# --- Moving and removing one date -------------------------------------------------------------------------------

def test_a_moved_date_stays_in_the_series_and_is_marked(coordinator, tailor_made):
    series = _create(coordinator, tailor_made)
    first, second, third = series.events.order_by("starts_at")[:3]
    moved = event_update(event=second, actor=coordinator, starts_at=second.starts_at + datetime.timedelta(days=1),
                         ends_at=second.ends_at + datetime.timedelta(days=1))
    later = event_update(event=third, actor=coordinator, ends_at=third.ends_at + datetime.timedelta(minutes=30))
    event_cancel(event=first, actor=coordinator, reason="Föreläsaren är sjuk")
    rows = {row["event"].pk: row["moved"] for row in s.with_state(s.series_events(series), series)}
    assert rows[moved.pk] is True and rows[later.pk] is True and rows[first.pk] is False
    assert Event.objects.get(pk=moved.pk).series == series


def test_the_series_page_says_in_text_which_dates_were_moved_or_removed(client_for, coordinator, tailor_made):
    series = _create(coordinator, tailor_made)
    first, second = series.events.order_by("starts_at")[:2]
    event_cancel(event=first, actor=coordinator, reason="För få anmälda")
    event_update(event=second, actor=coordinator, starts_at=second.starts_at + datetime.timedelta(days=1),
                 ends_at=second.ends_at + datetime.timedelta(days=1))
    page = client_for(coordinator).get(reverse("events:series_detail", args=[series.pk])).content.decode()
    assert "Borttagen: För få anmälda" in page
    assert "Flyttad (planerad till tisdag 19 oktober)" in page
    assert page.count("Som planerat") == 4


# --- The pages -------------------------------------------------------------------------------------------------

def _form(tailor_made, **overrides):
    return {"programme": tailor_made.pk, "title": "Nätverksträff", "kind": "session", "description": "",
            "weekday": "1", "interval_weeks": "2", "first_date": "2027-10-01", "last_date": "2027-12-20",
            "start_time": "15:00", "end_time": "16:30", "place": "Aulan", "online_link": "", "capacity": "30",
            "is_public": "on"} | overrides


def test_a_coordinator_previews_then_creates_a_series(client_for, coordinator, tailor_made):
    ClosedPeriodFactory(name="Höstlov", starts_on=datetime.date(2027, 11, 1), ends_on=datetime.date(2027, 11, 5))
    client = client_for(coordinator)
    preview = client.post(reverse("events:series_create"), _form(tailor_made, action="preview"))
    page = preview.content.decode()
    assert preview.status_code == 200 and not Event.objects.exists()
    assert "5 träffar skapas." in page and "utelämnas: stängd dag (Höstlov)" in page
    response = client.post(reverse("events:series_create"), _form(tailor_made, action="create"))
    series = EventSeries.objects.get()
    assert response.url == reverse("events:series_detail", args=[series.pk])
    assert series.events.count() == 5 and series.created_by == coordinator


def test_the_form_shows_rule_errors_at_the_fields(client_for, coordinator, tailor_made):
    response = client_for(coordinator).post(reverse("events:series_create"), _form(
        tailor_made, action="create", last_date="2027-09-01"))
    assert response.status_code == 200 and not EventSeries.objects.exists()
    assert response.context["form"].errors["last_date"]


def test_another_programmes_coordinator_is_refused(client_for, coordinator, tailor_made, administrator):
    series = _create(coordinator, tailor_made)
    programme_set_active(programme=programme("benchmarking"), active=True, actor=administrator)
    other = ProgrammeCoordinatorFactory(programme=programme("benchmarking")).user
    client = client_for(other)
    assert client.get(reverse("events:series_detail", args=[series.pk])).status_code == 403
    # Their own programme is the only one the form offers; another's is refused as a bad choice.
    response = client.post(reverse("events:series_create"), _form(tailor_made, action="create"))
    assert response.status_code == 200 and EventSeries.objects.count() == 1
    assert client_for(UserFactory()).get(reverse("events:series_list")).status_code == 403


def test_the_series_pages_take_the_same_queries_however_long(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    short = _create(coordinator, tailor_made, last_date=datetime.date(2027, 10, 20))
    long = _create(coordinator, tailor_made, interval_weeks=1)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count(reverse("events:series_list"))  # the first request of a session fills caches
    assert count(reverse("events:series_detail", args=[short.pk])) == count(
        reverse("events:series_detail", args=[long.pk]))
    listing = count(reverse("events:series_list"))
    _create(coordinator, tailor_made, title="Tredje")
    assert count(reverse("events:series_list")) == listing


def test_the_form_bounds_the_number_of_places(client_for, coordinator, tailor_made):
    response = client_for(coordinator).post(reverse("events:series_create"), _form(
        tailor_made, action="create", capacity="99999999999999999999"))
    assert response.status_code == 200 and response.context["form"].errors["capacity"]
    assert not EventSeries.objects.exists()
