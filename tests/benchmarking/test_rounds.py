"""Opening and changing a round (inspira/benchmarking/rounds.py): its rules, its two meetings as
events of the events app, one transaction, and the audit rows."""

import datetime

import pytest
from django.utils import timezone

from inspira.benchmarking import rounds
from inspira.benchmarking.models import Round
from inspira.benchmarking.participants import GROUP_KEY
from inspira.core.models import AuditEvent
from inspira.events.models import Eligibility, Event
from inspira.events.services import event_cancel
from tests.benchmarking.factories import coordinator

TZ = datetime.timezone(datetime.timedelta(hours=2))


def round_fields(**changes) -> dict:
    """A round like the seed's: interest in spring, kick-off in September, visits September to
    November, the closing meeting in late November."""
    fields = {
        "title": "Klasslärare i åk 1–6, hösttermin 2027",
        "description": "Lärare från olika skolor besöker varandra.",
        "interest_opens_at": datetime.datetime(2027, 4, 1, 8, 0, tzinfo=TZ),
        "interest_closes_at": datetime.datetime(2027, 6, 1, 23, 59, tzinfo=TZ),
        "max_participants": 30,
        "group_size": 3,
        "visit_window_starts": datetime.date(2027, 9, 13),
        "visit_window_ends": datetime.date(2027, 11, 19),
        "min_days_between_visits": 7,
        "max_away_per_school": 1,
        "substitute_rate": 180000,
        "kickoff_date": datetime.date(2027, 9, 1),
        "kickoff_time": datetime.time(13, 0),
        "kickoff_place": "Stadshuset, sal 3",
        "closing_date": datetime.date(2027, 11, 30),
        "closing_time": datetime.time(13, 0),
        "closing_place": "Stadshuset, sal 3",
    }
    return fields | changes


@pytest.fixture
def actor(db):
    return coordinator()


def test_a_round_is_created_with_its_two_meetings_for_its_participants_only(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    made.refresh_from_db()
    assert made.programme.key == "benchmarking" and made.created_by == actor
    assert made.substitute_rate == 180000
    for event, kind, day in ((made.kickoff, Event.Kind.KICK_OFF, datetime.date(2027, 9, 1)),
                             (made.closing, Event.Kind.CLOSING, datetime.date(2027, 11, 30))):
        assert event.kind == kind
        assert event.programme == made.programme
        assert event.eligibility == Eligibility.GROUP and event.eligible_group == GROUP_KEY
        assert event.is_public is False
        assert event.capacity == 30
        assert event.place == "Stadshuset, sal 3"
        local = timezone.localtime(event.starts_at)
        assert (local.date(), local.time()) == (day, datetime.time(13, 0))
        assert event.ends_at - event.starts_at == datetime.timedelta(hours=3)
        assert made.title in event.title


def test_creating_a_round_writes_audit_rows_for_the_round_and_its_meetings(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    row = AuditEvent.objects.get(action="benchmarking.round_created")
    assert row.object_id == str(made.pk) and row.actor == actor
    assert AuditEvent.objects.filter(action="event.created").count() == 2


@pytest.mark.parametrize(("changes", "field"), [
    ({"interest_closes_at": datetime.datetime(2027, 4, 1, 8, 0, tzinfo=TZ)}, "interest_closes_at"),
    ({"visit_window_ends": datetime.date(2027, 9, 12)}, "visit_window_ends"),
    ({"visit_window_starts": datetime.date(2027, 6, 1), "kickoff_date": datetime.date(2027, 5, 30)},
     "visit_window_starts"),
    ({"kickoff_date": datetime.date(2027, 9, 13)}, "kickoff_date"),
    ({"kickoff_date": datetime.date(2027, 6, 1)}, "kickoff_date"),
    ({"closing_date": datetime.date(2027, 11, 19)}, "closing_date"),
    ({"group_size": 8, "max_participants": 5}, "group_size"),
    ({"kickoff_place": "  "}, "kickoff_place"),
])
def test_a_round_that_breaks_a_rule_is_refused_at_the_field_and_nothing_is_saved(actor, changes, field):
    with pytest.raises(rounds.RoundInputError) as refused:
        rounds.round_create(actor=actor, **round_fields(**changes))
    assert field in refused.value.errors
    assert not Round.objects.exists() and not Event.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="benchmarking.").exists()


def test_a_meeting_at_an_hour_the_clocks_skip_is_refused(actor):
    # 31 October 2027 is the last Sunday of October: 02:30 happens twice in Stockholm.
    fields = round_fields(visit_window_ends=datetime.date(2027, 10, 29), closing_date=datetime.date(2027, 10, 31),
                          closing_time=datetime.time(2, 30))
    with pytest.raises(rounds.RoundInputError) as refused:
        rounds.round_create(actor=actor, **fields)
    assert "closing_time" in refused.value.errors


def test_a_meeting_keeps_its_wall_clock_time_across_the_october_dst_change(actor):
    made = rounds.round_create(actor=actor, **round_fields(
        visit_window_ends=datetime.date(2027, 10, 29), closing_date=datetime.date(2027, 11, 1)))
    local = timezone.localtime(made.closing.starts_at)
    assert local.time() == datetime.time(13, 0) and local.utcoffset() == datetime.timedelta(hours=1)
    assert timezone.localtime(made.kickoff.starts_at).utcoffset() == datetime.timedelta(hours=2)


def test_when_a_meeting_cannot_be_made_nothing_of_the_round_is_saved(actor, monkeypatch):
    """The closing meeting fails after the round and the kick-off were written: all of it goes."""
    from inspira.events.rules import EventInputError

    calls = []
    original = rounds.event_services.event_create

    def failing_second(**kwargs):
        calls.append(kwargs["kind"])
        if len(calls) == 2:
            raise EventInputError({"place": ["Give a place, an online link or both."]})
        return original(**kwargs)

    monkeypatch.setattr(rounds.event_services, "event_create", failing_second)
    with pytest.raises(rounds.RoundInputError) as refused:
        rounds.round_create(actor=actor, **round_fields())
    assert "closing_place" in refused.value.errors
    assert not Round.objects.exists() and not Event.objects.exists()


def test_changing_a_round_changes_its_meetings_through_the_events_services(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    kickoff_sequence = made.kickoff.sequence
    rounds.round_update(benchmarking_round=made, actor=actor, **round_fields(
        title="Klasslärare i åk 1–6, HT 2027", kickoff_time=datetime.time(9, 0), max_participants=24))
    made.refresh_from_db()
    made.kickoff.refresh_from_db()
    made.closing.refresh_from_db()
    assert made.title == "Klasslärare i åk 1–6, HT 2027" and made.max_participants == 24
    assert timezone.localtime(made.kickoff.starts_at).time() == datetime.time(9, 0)
    assert made.kickoff.sequence == kickoff_sequence + 1  # the calendar files are updates of the first
    assert made.kickoff.capacity == 24 and made.closing.capacity == 24
    assert "HT 2027" in made.closing.title
    row = AuditEvent.objects.get(action="benchmarking.round_updated")
    assert set(row.data["changed"]) == {"title", "max_participants"}
    assert AuditEvent.objects.filter(action="event.updated").count() == 2


def test_saving_a_round_unchanged_writes_no_audit_row(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    rounds.round_update(benchmarking_round=made, actor=actor, **round_fields())
    assert not AuditEvent.objects.filter(action__in=["benchmarking.round_updated", "event.updated"]).exists()


def test_a_change_that_breaks_a_rule_changes_nothing(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    with pytest.raises(rounds.RoundInputError) as refused:
        rounds.round_update(benchmarking_round=made, actor=actor, **round_fields(
            title="Nytt namn", closing_date=datetime.date(2027, 11, 1)))
    assert "closing_date" in refused.value.errors
    made.refresh_from_db()
    assert made.title == "Klasslärare i åk 1–6, hösttermin 2027"


def test_fewer_places_than_registered_for_a_meeting_is_refused_at_the_participants_field(actor):
    from tests.factories import RegistrationFactory

    made = rounds.round_create(actor=actor, **round_fields())
    RegistrationFactory.create_batch(12, event=made.kickoff)
    with pytest.raises(rounds.RoundInputError) as refused:
        rounds.round_update(benchmarking_round=made, actor=actor, **round_fields(max_participants=10, group_size=3))
    assert "max_participants" in refused.value.errors
    made.refresh_from_db()
    assert made.max_participants == 30


def test_a_meeting_that_was_deleted_is_made_again(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    Event.objects.filter(pk=made.closing_id).delete()
    made.refresh_from_db()
    rounds.round_update(benchmarking_round=made, actor=actor, **round_fields())
    made.refresh_from_db()
    assert made.closing is not None and made.closing.kind == Event.Kind.CLOSING


def test_a_cancelled_meeting_is_left_as_it_is(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    event_cancel(event=made.kickoff, actor=actor, reason="Flyttas")
    rounds.round_update(benchmarking_round=made, actor=actor, **round_fields(kickoff_place="Annat ställe"))
    made.kickoff.refresh_from_db()
    assert made.kickoff.place == "Stadshuset, sal 3"


def test_a_finished_round_cannot_be_changed(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    Round.objects.filter(pk=made.pk).update(stage=Round.Stage.FINISHED)
    made.refresh_from_db()
    assert rounds.round_may_change(benchmarking_round=made) is False
    with pytest.raises(rounds.RoundError):
        rounds.round_update(benchmarking_round=made, actor=actor, **round_fields(title="Ny"))


def test_the_form_reads_the_meetings_back(actor):
    made = rounds.round_create(actor=actor, **round_fields())
    initial = rounds.round_meeting_initial(made)
    assert initial == {"kickoff_date": datetime.date(2027, 9, 1), "kickoff_time": datetime.time(13, 0),
                       "kickoff_place": "Stadshuset, sal 3", "closing_date": datetime.date(2027, 11, 30),
                       "closing_time": datetime.time(13, 0), "closing_place": "Stadshuset, sal 3"}


def test_round_errors_is_empty_for_the_seed_round():
    assert rounds.round_errors(round_fields()) == {}

