import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inspira.core.models import AuditEvent
from inspira.events import attendance
from inspira.events.attendance import ABSENT, PRESENT, UNMARKED, AttendanceError
from inspira.events.models import Registration
from inspira.programmes.services import programme_set_active
from tests.factories import (
    EventFactory,
    ProgrammeCoordinatorFactory,
    RegistrationFactory,
    SchoolFactory,
    UserFactory,
    programme,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def tailor_made(administrator):
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made, user=UserFactory(name="Pia Pedagog")).user


@pytest.fixture
def event(tailor_made):
    """Started an hour ago: the organiser is at the door."""
    start = timezone.now() - datetime.timedelta(hours=1)
    return EventFactory(programme=tailor_made, title="Läsfrämjande i praktiken", starts_at=start,
                        ends_at=start + datetime.timedelta(hours=3), place="Aulan, Kulturhuset", capacity=2)


def person(event, name="Anna Andersson", **fields):
    return RegistrationFactory(event=event, user=UserFactory(name=name), **fields)


def group(event, participants=5, **fields):
    return RegistrationFactory(event=event, is_group=True, participants=participants, school=SchoolFactory(
        name="Bergaskolan"), participant_names="Bo, Cia, Dan, Eva, Fia", **fields)


def mark(registration, state, version, count=None):
    return attendance.attendance_mark(registration=registration, state=state, version=version, count=count)


# --- The service: absolute states, versions, groups -----------------------------------------------------------

def test_a_tick_sets_an_absolute_state_and_sending_it_again_changes_nothing(event):
    registration = person(event)
    first = mark(registration, PRESENT, 1000)
    assert first.applied and first.registration.attended is True and first.registration.attendance_marked_at
    again = mark(registration, PRESENT, 1000)
    registration.refresh_from_db()
    assert not again.applied and registration.attended is True and registration.attendance_version == 1000


def test_an_older_tick_arriving_after_a_newer_one_does_not_undo_it(event):
    registration = person(event)
    mark(registration, PRESENT, 1000)
    mark(registration, UNMARKED, 3000)  # undo, at 3000
    late = mark(registration, ABSENT, 2000)  # tapped before the undo, arrived after it
    registration.refresh_from_db()
    assert not late.applied and late.registration.attended is None
    assert registration.attended is None and registration.attendance_marked_at is None
    assert registration.attendance_version == 3000


def test_undo_sets_a_person_back_to_unmarked(event):
    registration = person(event)
    mark(registration, ABSENT, 10)
    registration.refresh_from_db()
    assert registration.attended is False
    mark(registration, UNMARKED, 11)
    registration.refresh_from_db()
    assert registration.attended is None and attendance.registration_state(registration) == UNMARKED


def test_a_group_records_how_many_came_and_the_rest_are_no_shows(event):
    registration = group(event, participants=5)
    mark(registration, PRESENT, 10, count=3)
    registration.refresh_from_db()
    assert registration.attended is True and registration.attended_count == 3
    counts = attendance.attendance_counts(attendance.attendance_list(event))
    assert (counts.registered, counts.came, counts.no_shows, counts.unmarked) == (5, 3, 2, 0)
    mark(registration, PRESENT, 11, count=0)
    registration.refresh_from_db()
    assert registration.attended is False and registration.attended_count == 0
    with pytest.raises(AttendanceError):
        mark(registration, PRESENT, 12, count=6)
    mark(registration, PRESENT, 13)  # no count: the whole group
    registration.refresh_from_db()
    assert registration.attended_count == 5


def test_only_confirmed_places_of_an_event_that_is_not_cancelled_are_marked(event):
    cancelled = person(event, status=Registration.Status.CANCELLED)
    with pytest.raises(AttendanceError):
        mark(cancelled, PRESENT, 10)
    waiting = person(event, name="Vera Väntar", status=Registration.Status.WAITING)
    with pytest.raises(AttendanceError):
        mark(waiting, PRESENT, 10)
    registration = person(event, name="Karl Kom")
    event.cancelled_at = timezone.now()
    event.save(update_fields=["cancelled_at"])
    with pytest.raises(AttendanceError):
        mark(registration, PRESENT, 10)
    assert not Registration.objects.filter(attended__isnull=False).exists()
    with pytest.raises(AttendanceError):
        mark(registration, "maybe", 10)


@pytest.mark.parametrize(("start", "closed_until", "open_from"), [
    # The last Sunday of March: Saturday ends at 23:00 UTC (CET), the clocks go forward that night.
    (datetime.datetime(2027, 3, 28, 8, 0, tzinfo=UTC), datetime.datetime(2027, 3, 27, 22, 59, tzinfo=UTC),
     datetime.datetime(2027, 3, 27, 23, 0, tzinfo=UTC)),
    # The last Sunday of October: Saturday ends at 22:00 UTC (still CEST), the clocks go back that night.
    (datetime.datetime(2027, 10, 31, 9, 0, tzinfo=UTC), datetime.datetime(2027, 10, 30, 21, 59, tzinfo=UTC),
     datetime.datetime(2027, 10, 30, 22, 0, tzinfo=UTC)),
])
def test_marking_opens_at_midnight_of_the_events_day_on_the_stockholm_clock(tailor_made, start, closed_until,
                                                                              open_from):
    event = EventFactory(programme=tailor_made, starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    registration = person(event)
    assert not attendance.attendance_may_mark(event=event, now=closed_until)
    with pytest.raises(AttendanceError):
        attendance.attendance_mark(registration=registration, state=PRESENT, version=1, now=closed_until)
    assert attendance.attendance_may_mark(event=event, now=open_from)
    assert attendance.attendance_mark(registration=registration, state=PRESENT, version=1, now=open_from).applied


# --- Finishing the list: no-shows --------------------------------------------------------------------------------

def test_finishing_records_the_unmarked_as_absent_once_with_one_audit_row(event, coordinator):
    came, unmarked, the_group = person(event), person(event, name="Bo Borta"), group(event, participants=4)
    mark(came, PRESENT, 10)
    assert attendance.attendance_finish(event=event, actor=coordinator) == 2
    unmarked.refresh_from_db()
    the_group.refresh_from_db()
    assert unmarked.attended is False and (the_group.attended, the_group.attended_count) == (False, 0)
    counts = attendance.attendance_counts(attendance.attendance_list(event))
    assert (counts.registered, counts.came, counts.no_shows, counts.unmarked) == (6, 1, 5, 0)
    assert attendance.attendance_finish(event=event, actor=coordinator) == 0  # idempotent
    rows = AuditEvent.objects.filter(action="event.attendance_finished")
    assert [(r.actor_id, r.data["marked_absent"], r.data["no_shows"]) for r in rows] == [(coordinator.pk, 2, 5)]


def test_the_list_cannot_be_finished_before_the_event_starts(tailor_made, coordinator):
    event = EventFactory(programme=tailor_made)  # in two weeks
    person(event)
    with pytest.raises(AttendanceError):
        attendance.attendance_finish(event=event, actor=coordinator)
    assert not Registration.objects.filter(attended__isnull=False).exists()


def test_a_tick_still_on_its_way_wins_over_finishing_the_list(event, coordinator):
    registration = person(event)
    tapped_at = attendance.version_now()  # ticked at the door, on a phone without network
    attendance.attendance_finish(event=event, actor=coordinator)
    registration.refresh_from_db()
    assert registration.attended is False
    assert mark(registration, PRESENT, tapped_at).applied  # the phone is back online
    registration.refresh_from_db()
    assert registration.attended is True


# --- Walk-ins ---------------------------------------------------------------------------------------------------

def test_a_walk_in_is_a_confirmed_place_marked_present_even_beyond_capacity(event, coordinator):
    person(event)
    person(event, name="Bo Bokad")  # the event's two places are taken
    school = SchoolFactory(name="Ekskolan")
    walk_in = attendance.attendance_add_walk_in(event=event, actor=coordinator, name="  Greta   Gäst ", school=school)
    assert (walk_in.status, walk_in.attended, walk_in.walk_in_name, walk_in.school) == (
        Registration.Status.CONFIRMED, True, "Greta Gäst", school)
    counts = attendance.attendance_counts(attendance.attendance_list(event))
    assert (counts.registered, counts.walk_ins, counts.came) == (3, 1, 1)
    assert AuditEvent.objects.get(action="event.walk_in_added").actor == coordinator
    with pytest.raises(AttendanceError):
        attendance.attendance_add_walk_in(event=event, actor=coordinator, name="   ")


# --- The pages -----------------------------------------------------------------------------------------------------

def test_the_organiser_ticks_without_javascript_and_sees_it_confirmed(client_for, coordinator, event):
    registration = person(event)
    client = client_for(coordinator)
    url = reverse("events:attendance_mark", args=[event.pk, registration.pk])
    response = client.post(url, {"state": PRESENT}, follow=True)
    registration.refresh_from_db()
    assert registration.attended is True
    page = response.content.decode()
    assert "Anna Andersson: kom." in page and "Ångra" in page
    client.post(url, {"state": UNMARKED})
    registration.refresh_from_db()
    assert registration.attended is None


def test_the_phone_gets_the_stored_state_and_an_older_tick_is_answered_with_what_won(client_for, coordinator, event):
    registration = person(event)
    client = client_for(coordinator)
    url = reverse("events:attendance_mark", args=[event.pk, registration.pk])
    json = {"HTTP_ACCEPT": "application/json"}
    answer = client.post(url, {"state": PRESENT, "version": "2000"}, **json).json()
    assert answer["applied"] and answer["state"] == PRESENT and answer["version"] == 2000
    assert answer["counts"] == {"registered": 1, "came": 1, "no_shows": 0, "unmarked": 0}
    answer = client.post(url, {"state": ABSENT, "version": "1000"}, **json).json()
    assert not answer["applied"] and answer["state"] == PRESENT
    refused = client.post(url, {"state": "maybe", "version": "3000"}, **json)
    assert refused.status_code == 400 and refused.json()["state"] == PRESENT
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    refused = client.post(url, {"state": ABSENT, "version": "4000"}, **json)
    assert refused.status_code == 409 and refused.json()["error"]


def test_a_coordinator_of_another_programme_is_refused_everywhere(client_for, event):
    registration = person(event)
    stranger = ProgrammeCoordinatorFactory(programme=programme("inspiration_sites")).user
    client = client_for(stranger)
    for name, args in [("attendance", [event.pk]), ("attendance_pdf", [event.pk])]:
        assert client.get(reverse(f"events:{name}", args=args)).status_code == 403, name
    for name, args, data in [("attendance_mark", [event.pk, registration.pk], {"state": PRESENT}),
                             ("attendance_walk_in", [event.pk], {"name": "Greta Gäst"}),
                             ("attendance_finish", [event.pk], {})]:
        assert client.post(reverse(f"events:{name}", args=args), data).status_code == 403, name
    registration.refresh_from_db()
    assert registration.attended is None and Registration.objects.count() == 1


def test_a_registration_of_another_event_is_not_found(client_for, coordinator, event, tailor_made):
    other = person(EventFactory(programme=tailor_made))
    url = reverse("events:attendance_mark", args=[event.pk, other.pk])
    assert client_for(coordinator).post(url, {"state": PRESENT}).status_code == 404


def test_the_page_lists_confirmed_places_with_counts_in_swedish(client_for, coordinator, event):
    person(event)
    group(event, participants=5)
    person(event, name="Vera Väntar", status=Registration.Status.WAITING)
    response = client_for(coordinator).get(reverse("events:attendance", args=[event.pk]))
    page = response.content.decode()
    assert "Närvaro: Läsfrämjande i praktiken" in page
    for text in ("Anna Andersson", "Bergaskolan", "Bo, Cia, Dan, Eva, Fia", "Hur många kom?", "Kom inte",
                 "Lägg till deltagare på plats", "Skriv ut närvarolista", "Avsluta listan",
                 'data-count="registered">6<'):
        assert text in page, text
    assert "Vera Väntar" not in page
    assert 'aria-live="polite"' in page and "js/attendance" in page


def test_the_page_has_no_tick_buttons_before_the_events_day(client_for, coordinator, tailor_made):
    event = EventFactory(programme=tailor_made)
    person(event)
    page = client_for(coordinator).get(reverse("events:attendance", args=[event.pk])).content.decode()
    assert "Anna Andersson" in page and "Ångra" not in page and "Avsluta listan" not in page
    assert "Närvaron kan markeras från och med dagen för träffen" in page


def test_a_walk_in_is_added_from_the_page_and_an_empty_name_is_shown_at_the_field(client_for, coordinator, event):
    client = client_for(coordinator)
    url = reverse("events:attendance_walk_in", args=[event.pk])
    response = client.post(url, {"name": ""})
    assert response.status_code == 200 and "name" in response.context["walk_in_form"].errors
    response = client.post(url, {"name": "Greta Gäst", "school": ""}, follow=True)
    assert "Greta Gäst är tillagd och markerad som kommen." in response.content.decode()
    assert Registration.objects.get(walk_in_name="Greta Gäst").attended is True


def test_finishing_from_the_page_confirms_what_it_did(client_for, coordinator, event):
    person(event)
    client = client_for(coordinator)
    response = client.post(reverse("events:attendance_finish", args=[event.pk]), follow=True)
    page = response.content.decode()
    assert "1 som inte var markerade är registrerade som att de inte kom" in page
    assert Registration.objects.get().attended is False


def _fill(event, n):
    """n registrations of every kind the page shows: people, groups, walk-ins with a school."""
    for i in range(n):
        if i % 3 == 0:
            person(event, name=f"Person {i}", school=SchoolFactory())
        elif i % 3 == 1:
            group(event, participants=3)
        else:
            attendance.attendance_add_walk_in(event=event, actor=None, name=f"Gäst {i}", school=SchoolFactory())


def test_the_page_asks_the_same_number_of_queries_for_3_and_30_registrations(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    counts = []
    for n in (3, 30):
        start = timezone.now() - datetime.timedelta(hours=1)
        event = EventFactory(programme=tailor_made, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
        _fill(event, n)
        url = reverse("events:attendance", args=[event.pk])
        client.get(url)  # warm the caches (programme switches, coordinators)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- The printed list ------------------------------------------------------------------------------------------

def test_the_printed_list_has_the_event_every_place_a_box_and_a_signature_line(client_for, coordinator, event):
    person(event, school=SchoolFactory(name="Ekskolan"))
    group(event, participants=5)
    response = client_for(coordinator).get(reverse("events:attendance_pdf", args=[event.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="narvarolista-')
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    local_start = timezone.localtime(event.starts_at)
    for fact in ("Närvarolista: Läsfrämjande i praktiken", "Aulan, Kulturhuset", local_start.strftime("%H:%M"),
                 str(local_start.day), "Anna Andersson", "Ekskolan", "Grupp om 5: Bo, Cia, Dan, Eva, Fia",
                 "Bergaskolan", "av 5", "Tillagda på plats", "Underskrift", "Namnförtydligande"):
        assert fact in text, fact
    assert reader.metadata.title == "Närvarolista: Läsfrämjande i praktiken"
