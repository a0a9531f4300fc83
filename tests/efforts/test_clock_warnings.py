"""The warning job: the effort's leader (or the coordinators) is emailed once per deadline, from three
working days before it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from inspira.core.models import OutboxItem
from inspira.efforts.clock import clock_extend, clock_start
from inspira.efforts.tasks import warn_of_proposal_deadlines
from tests.efforts.factories import EffortFactory, clock_entry, coordinator
from tests.factories import UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 45, tzinfo=STOCKHOLM)


@pytest.fixture
def centre(db):
    return coordinator()


@pytest.fixture
def effort(centre):
    leader = UserFactory(email="ledare@example.se")
    effort = EffortFactory(leader=leader, title="Språk i alla ämnen")
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)  # deadline 15 March, warned from 10 March
    return effort


def warnings():
    return list(OutboxItem.objects.filter(key__startswith="effort-clock-warning:").order_by("pk"))


def test_no_warning_before_the_warning_day(effort):
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 9))) == 0
    assert warnings() == []


def test_the_leader_is_warned_once(effort):
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 10))) == 1
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 10))) == 0
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 11))) == 0
    [item] = warnings()
    assert item.payload["to"] == ["ledare@example.se"]
    assert "Språk i alla ämnen" in item.payload["subject"]
    assert "15 mars 2027" in item.payload["text"] and "3 arbetsdagar kvar" in item.payload["text"]
    assert f"/insatser/{effort.pk}/" in item.payload["text"]
    effort.refresh_from_db()
    assert effort.warned_for == date(2027, 3, 15)


def test_a_changed_deadline_warns_again(effort, centre):
    warn_of_proposal_deadlines(now=on(date(2027, 3, 10)))
    clock_extend(effort=effort, working_days=2, reason="Rektor vill förankra", actor=centre, day=date(2027, 3, 10))
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 11))) == 0  # the new warning day is 12 March
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 12))) == 1
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 12))) == 0
    assert len(warnings()) == 2
    effort.refresh_from_db()
    assert effort.warned_for == date(2027, 3, 17)


def test_without_a_leader_every_coordinator_is_warned(centre, db):
    second = coordinator()
    effort = EffortFactory(leader=None)
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 12))) == 1
    [item] = warnings()
    assert sorted(item.payload["to"]) == sorted([centre.email, second.email])


def test_a_late_clock_not_yet_warned_is_warned_as_late(effort):
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 17))) == 1
    [item] = warnings()
    assert "har inte presenterats" in item.payload["text"]


def test_no_warning_when_paused_met_or_switched_off(effort, centre, db):
    paused = EffortFactory()
    clock_entry(paused, "started", date(2027, 3, 1))
    clock_entry(paused, "paused", date(2027, 3, 8), reason="Sjuk")
    clock_entry(effort, "met", date(2027, 3, 9))
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 12))) == 0
    from inspira.programmes import state
    from inspira.programmes.models import Programme

    running = EffortFactory()
    clock_entry(running, "started", date(2027, 3, 1))
    Programme.objects.filter(key="tailor_made").update(is_active=False)
    state.forget()
    assert warn_of_proposal_deadlines(now=on(date(2027, 3, 12))) == 0
    assert warnings() == []


def test_the_job_is_scheduled_daily(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="efforts-proposal-deadline-warnings")
    assert schedule.func == "inspira.efforts.tasks.warn_of_proposal_deadlines"
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1
