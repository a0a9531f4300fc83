import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.events.forms import EventForm
from inspira.events.permissions import event_may_manage, event_online_link_visible
from inspira.events.rules import EventInputError, local_instant
from inspira.events.services import EventError, event_cancel, event_create, event_update
from tests.factories import EventFactory, ProgrammeCoordinatorFactory, UserFactory, programme

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _fields(**overrides):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    return {"title": "Uppstartsmöte", "kind": "kick_off", "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2), "place": "Aulan", "capacity": 30} | overrides


def test_create_writes_an_audit_row():
    actor = UserFactory()
    event = event_create(programme=programme("inspiration_sites"), actor=actor, **_fields())
    row = AuditEvent.objects.get(action="event.created")
    assert (row.actor, row.object_id, event.created_by, event.sequence) == (actor, str(event.pk), actor, 0)


def test_create_refuses_an_end_before_the_start_and_neither_place_nor_link():
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(EventInputError) as error:
        event_create(programme=programme("inspiration_sites"), actor=UserFactory(),
                     **_fields(starts_at=start, ends_at=start, place=""))
    assert set(error.value.errors) == {"ends_at", "place"}


def test_the_database_refuses_an_end_before_the_start():
    event = EventFactory()
    event.ends_at = event.starts_at - datetime.timedelta(minutes=1)
    with pytest.raises(IntegrityError):
        event.save()


def test_update_raises_the_sequence_only_for_calendar_changes():
    event = EventFactory()
    actor = UserFactory()
    event = event_update(event=event, actor=actor, capacity=80)
    assert event.sequence == 0
    event = event_update(event=event, actor=actor, place="Kulturhuset")
    assert event.sequence == 1
    rows = AuditEvent.objects.filter(action="event.updated").order_by("pk")
    assert list(rows.values_list("data__changed", flat=True)) == [["capacity"], ["place"]]


def test_update_without_changes_writes_nothing():
    event = EventFactory()
    event_update(event=event, actor=UserFactory(), title=event.title)
    assert not AuditEvent.objects.filter(action="event.updated").exists()


def test_cancel_needs_a_reason_and_happens_once():
    event = EventFactory()
    with pytest.raises(EventInputError):
        event_cancel(event=event, actor=UserFactory(), reason="  ")
    event = event_cancel(event=event, actor=UserFactory(), reason="Sjukdom")
    assert event.is_cancelled and event.sequence == 1 and event.cancellation_reason == "Sjukdom"
    with pytest.raises(EventError):
        event_cancel(event=event, actor=UserFactory(), reason="Igen")
    with pytest.raises(EventError):
        event_update(event=event, actor=UserFactory(), title="Nytt")
    assert AuditEvent.objects.filter(action="event.cancelled").count() == 1


def test_only_the_programmes_coordinators_and_administrators_manage_and_see_the_link():
    programme("tailor_made").__class__.objects.filter(key="tailor_made").update(is_active=True)
    event = EventFactory(programme=programme("tailor_made"), online_link="https://meet.example.se/x")
    own = ProgrammeCoordinatorFactory(programme=programme("tailor_made")).user
    other = ProgrammeCoordinatorFactory(programme=programme("inspiration_sites")).user
    admin = UserFactory(role="administrator")
    from inspira.programmes import state

    state.forget()
    assert event_may_manage(user=own, event=event) and event_may_manage(user=admin, event=event)
    assert not event_may_manage(user=other, event=event)
    assert not event_online_link_visible(user=other, event=event)
    assert not event_online_link_visible(user=UserFactory(), event=event)
    assert event_online_link_visible(user=own, event=event)


@pytest.mark.parametrize("day", [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25)])
def test_an_event_on_a_dst_sunday_keeps_its_local_times(day):
    form = EventForm({"programme": programme("inspiration_sites").pk, "title": "Seminarium", "kind": "seminar",
                      "day": day.isoformat(), "start_time": "09:00", "end_time": "12:00", "place": "Aulan",
                      "capacity": "20"}, programme_ids=[programme("inspiration_sites").pk])
    assert form.is_valid(), form.errors
    event = event_create(programme=form.cleaned_data["programme"], actor=UserFactory(), **form.service_fields())
    event.refresh_from_db()
    start, end = event.starts_at.astimezone(STOCKHOLM), event.ends_at.astimezone(STOCKHOLM)
    assert (start.date(), start.time(), end.time()) == (day, datetime.time(9), datetime.time(12))
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=3)


def test_a_time_the_clocks_skip_or_repeat_is_refused():
    assert local_instant(datetime.date(2026, 3, 29), datetime.time(2, 30)) is None
    assert local_instant(datetime.date(2026, 10, 25), datetime.time(2, 30)) is None
    assert local_instant(datetime.date(2026, 10, 25), datetime.time(3, 30)) is not None


def test_the_form_shows_the_rules_at_the_fields_in_swedish():
    pk = programme("inspiration_sites").pk
    form = EventForm({"programme": pk, "title": "S", "kind": "seminar", "day": "2026-05-05",
                      "start_time": "13:00", "end_time": "12:00", "capacity": "5", "quota_per_school": "9"},
                     programme_ids=[pk])
    assert not form.is_valid()
    assert form.errors["end_time"] == ["Träffen måste sluta efter att den börjar."]
    assert "place" in form.errors and "quota_per_school" in form.errors


def test_the_menus_answer_follows_coordinators_named_and_removed_through_the_cache(django_capture_on_commit_callbacks):
    from inspira.events.permissions import forget_coordinators, may_manage_events
    from inspira.programmes.services import coordinator_add, coordinator_remove

    admin = UserFactory(role="administrator")
    person = UserFactory()
    assert may_manage_events(admin) and not may_manage_events(person)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_add(programme=programme("inspiration_sites"), user=person, actor=admin)
    assert may_manage_events(person)
    forget_coordinators()  # read again from the database, as after the cache was emptied
    assert may_manage_events(person)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_remove(programme=programme("inspiration_sites"), user=person, actor=admin)
    assert not may_manage_events(person)
