"""The proposal clock (seed 001, step 5): the deadline derived from the log in Swedish working days and
the centre's closed days, the warning day, late cases, and the actions that write the log.

Calendar facts used below (2027): 1 March is a Monday; Easter is Good Friday 26 March, Easter Sunday 28
and Easter Monday 29 March; Ascension Thursday 6 May; National Day Sunday 6 June; midsommarafton Friday
25 June; julafton Friday 24 December, Christmas Day and Boxing Day on the weekend; nyårsafton Friday 31
December; Epiphany Thursday 6 January 2028.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspira.core import workdays
from inspira.core.models import AuditEvent
from inspira.efforts import clock
from inspira.efforts.clock import (
    EMPTY,
    MAX_EXTENSION,
    ClockError,
    add_working_days,
    clock_extend,
    clock_may_extend,
    clock_may_meet,
    clock_may_pause,
    clock_may_resume,
    clock_may_start,
    clock_meet,
    clock_of,
    clock_pause,
    clock_resume,
    clock_start,
    derive,
    subtract_working_days,
    working_day_test,
)
from inspira.efforts.models import ClockEvent
from tests.efforts.factories import EffortFactory, clock_entry, closed_day, coordinator, efforts_on


@pytest.fixture(autouse=True)
def _english():
    """The refusals in English, so the assertions read the msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield


@dataclass
class Entry:
    kind: str
    day: date
    working_days: int = 0


def started(day):
    return Entry("started", day)


def paused(day):
    return Entry("paused", day)


def resumed(day):
    return Entry("resumed", day)


def extended(days, day=None):
    return Entry("extended", day or date(2027, 1, 1), days)


def met(day):
    return Entry("met", day)


def of(*entries, closed=(), working_days=None):
    return derive(entries, is_working=working_day_test(closed), working_days=working_days)


# --- core.workdays: the Swedish calendar --------------------------------------------------------------------


@pytest.mark.parametrize("day", [
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
    date(2027, 5, 6),  # Ascension Day
    date(2028, 6, 6),  # National Day on a Tuesday
    date(2027, 12, 24),  # julafton (de facto)
    date(2027, 6, 25),  # midsommarafton (de facto)
    date(2027, 12, 31),  # nyårsafton (de facto)
    date(2027, 1, 1),  # New Year's Day
    date(2027, 1, 6),  # Epiphany
    date(2028, 12, 25),  # Christmas Day on a Monday
    date(2028, 12, 26),  # Boxing Day on a Tuesday
    date(2028, 5, 1),  # May Day on a Monday
])
def test_swedish_holidays_are_not_working_days(day):
    assert day.weekday() < 5, "the test wants a weekday"
    assert workdays.is_holiday(day)
    assert not workdays.is_working_day(day)


@pytest.mark.parametrize("day", [date(2027, 3, 25), date(2027, 3, 30), date(2027, 5, 7), date(2027, 6, 24),
                                 date(2027, 12, 23), date(2027, 12, 27), date(2027, 12, 30), date(2028, 1, 3)])
def test_ordinary_weekdays_around_the_holidays_are_working_days(day):
    assert workdays.is_working_day(day)


def test_the_de_facto_days_are_holidays_by_their_swedish_names():
    from django.utils import translation

    with translation.override("sv"):
        assert workdays.holiday_name(date(2027, 6, 25)) == "Midsommarafton"
        assert workdays.holiday_name(date(2027, 12, 24)) == "Julafton"
        assert workdays.holiday_name(date(2027, 12, 31)) == "Nyårsafton"


def test_weekends_are_not_working_days_and_ordinary_sundays_are_not_holidays():
    saturday, sunday = date(2027, 3, 6), date(2027, 3, 7)
    assert not workdays.is_working_day(saturday)
    assert not workdays.is_working_day(sunday)
    # The package would list every Sunday as a Swedish holiday; the calendar asks it not to.
    assert not workdays.is_holiday(sunday)
    assert not workdays.is_holiday(saturday)


def test_the_package_is_asked_without_sundays_and_with_the_de_facto_days(monkeypatch):
    calls = []
    real = workdays.holidays.Sweden

    def sweden(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(workdays.holidays, "Sweden", sweden)
    workdays._holidays_of.cache_clear()
    try:
        assert not workdays.is_working_day(date(2031, 3, 9))  # a Sunday
        assert not workdays.is_working_day(date(2031, 3, 8))  # a Saturday
        assert workdays.is_working_day(date(2031, 3, 10))
    finally:
        workdays._holidays_of.cache_clear()
    assert calls, "the holidays package was not asked"
    for kwargs in calls:
        assert kwargs["include_sundays"] is False
        assert set(kwargs["categories"]) == {"public", "de_facto"}


def test_a_holiday_on_a_sunday_is_not_counted_twice():
    # National Day 2027 is a Sunday: the week after has five working days, no day in lieu.
    assert [workdays.is_working_day(date(2027, 6, d)) for d in range(7, 12)] == [True] * 5
    # Easter Sunday and Whitsun are Sundays: one day off, not two. From Friday 14 May (before Whitsun)
    # the fifth working day is Friday 21 May.
    assert add_working_days(date(2027, 5, 14), 5, working_day_test()) == date(2027, 5, 21)


# --- The deadline ---------------------------------------------------------------------------------------------


def test_ten_working_days_is_two_weeks_on_ordinary_days():
    clock_ = of(started(date(2027, 3, 1)))
    assert clock_.deadline == date(2027, 3, 15)
    assert clock_.working_days == 10
    assert clock_.is_running


def test_the_start_day_itself_does_not_count_and_weekends_are_skipped():
    # Started on a Friday: the first day that counts is the Monday.
    assert of(started(date(2027, 3, 5)), working_days=1).deadline == date(2027, 3, 8)
    # Started on a Sunday: the Monday is the first working day.
    assert of(started(date(2027, 3, 7)), working_days=1).deadline == date(2027, 3, 8)
    assert of(started(date(2027, 3, 5)), working_days=0).deadline == date(2027, 3, 5)


def test_easter_moves_the_deadline_by_good_friday_and_easter_monday():
    # Thursday 18 March: 19, 22–25, (26 and 29 are holidays), 30, 31 March, 1, 2 and 5 April.
    assert of(started(date(2027, 3, 18))).deadline == date(2027, 4, 5)


def test_ascension_day_does_not_count():
    # Monday 3 May: 4, 5, (6 is Ascension), 7, 10–14, 17, 18 May.
    assert of(started(date(2027, 5, 3))).deadline == date(2027, 5, 18)


def test_midsummer_eve_does_not_count():
    # Monday 21 June: 22, 23, 24, (25 is midsommarafton), 28–30 June, 1, 2, 5, 6 July.
    assert of(started(date(2027, 6, 21))).deadline == date(2027, 7, 6)


def test_christmas_and_new_year_do_not_count():
    # Monday 20 December: 21–23, (24 julafton), 27–30, (31 nyårsafton), 3, 4, 5 January; (6 is Epiphany).
    assert of(started(date(2027, 12, 20))).deadline == date(2028, 1, 5)
    assert of(started(date(2027, 12, 20)), working_days=11).deadline == date(2028, 1, 7)


def test_the_centres_closed_days_do_not_count():
    assert of(started(date(2027, 3, 1)), closed=[date(2027, 3, 4)]).deadline == date(2027, 3, 16)
    # A closed day on a weekend or a holiday changes nothing.
    assert of(started(date(2027, 3, 18)), closed=[date(2027, 3, 26), date(2027, 3, 27)]).deadline == date(2027, 4, 5)


def test_a_closed_day_on_the_deadline_moves_it_to_the_next_working_day():
    assert of(started(date(2027, 3, 1)), closed=[date(2027, 3, 15)]).deadline == date(2027, 3, 16)


def test_the_allowance_is_a_setting(settings):
    settings.INSPIRA_PROPOSAL_WORKING_DAYS = 5
    clock_ = of(started(date(2027, 3, 1)))
    assert clock_.deadline == date(2027, 3, 8)
    assert clock_.working_days == 5
    assert clock.allowance() == 5


def test_the_default_allowance_is_ten_working_days():
    from django.conf import settings as django_settings

    assert django_settings.INSPIRA_PROPOSAL_WORKING_DAYS == 10
    assert django_settings.INSPIRA_PROPOSAL_WARNING_DAYS == 3


def test_no_clock_before_it_starts():
    assert of() == EMPTY
    assert of(paused(date(2027, 3, 1)), met(date(2027, 3, 2))) == EMPTY
    assert EMPTY.deadline is None and not EMPTY.is_running and not EMPTY.is_late(date(2030, 1, 1))
    assert EMPTY.working_days_left(date(2027, 3, 1)) is None


def test_entries_before_the_start_are_ignored():
    assert of(extended(5), started(date(2027, 3, 1))).deadline == date(2027, 3, 15)


# --- Pauses ----------------------------------------------------------------------------------------------------


def test_a_paused_clock_has_no_deadline():
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 4)))
    assert clock_.deadline is None
    assert clock_.paused_since == date(2027, 3, 4)
    assert not clock_.is_running
    assert not clock_.is_late(date(2027, 12, 1))
    assert not clock_.needs_warning(date(2027, 3, 12))
    assert clock_.working_days_left(date(2027, 3, 5)) is None


def test_a_pause_moves_the_deadline_by_the_working_days_it_took():
    # Paused Thursday 4 March, resumed Tuesday 9 March: 4, 5 and 8 March did not count.
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 4)), resumed(date(2027, 3, 9)))
    assert clock_.deadline == date(2027, 3, 18)
    assert clock_.paused_since is None and clock_.is_running


def test_the_resume_day_counts_again():
    # Paused and resumed over a weekend only: Friday 5 (paused) does not count, Monday 8 (resumed) does.
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 5)), resumed(date(2027, 3, 8)))
    assert clock_.deadline == date(2027, 3, 16)


def test_a_pause_over_a_holiday_loses_only_its_working_days():
    # Started Thursday 18 March (deadline 5 April). Paused Wednesday 24 March, resumed Wednesday 31
    # March: 24, 25 and 30 March are lost; Good Friday and Easter Monday were not working days anyway.
    clock_ = of(started(date(2027, 3, 18)), paused(date(2027, 3, 24)), resumed(date(2027, 3, 31)))
    assert clock_.deadline == date(2027, 4, 8)


def test_a_pause_over_the_centres_closed_day_loses_it_once():
    entries = (started(date(2027, 3, 1)), paused(date(2027, 3, 4)), resumed(date(2027, 3, 5)))
    assert of(*entries).deadline == date(2027, 3, 16)
    assert of(*entries, closed=[date(2027, 3, 4)]).deadline == date(2027, 3, 16)


def test_pause_and_resume_on_the_same_day_change_nothing():
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 4)), resumed(date(2027, 3, 4)))
    assert clock_.deadline == date(2027, 3, 15)
    assert clock_.is_running


def test_two_pauses_add_up():
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 2)), resumed(date(2027, 3, 3)),
                paused(date(2027, 3, 10)), resumed(date(2027, 3, 12)))
    # 2 March, 10 and 11 March lost: three working days after 15 March.
    assert clock_.deadline == date(2027, 3, 18)


def test_a_resume_without_a_pause_is_ignored():
    assert of(started(date(2027, 3, 1)), resumed(date(2027, 3, 4))).deadline == date(2027, 3, 15)


def test_a_pause_after_the_deadline_keeps_the_clock_late():
    # The allowance ran out on 15 March; pausing on 17 March does not make the case punctual.
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 17)))
    assert clock_.paused_since == date(2027, 3, 17)
    assert clock_.deadline == date(2027, 3, 15)
    assert clock_.is_late(date(2027, 3, 20))
    assert not clock_.is_running and not clock_.needs_warning(date(2027, 3, 15))


def test_a_pause_on_the_deadline_day_stops_the_clock_before_it_runs_out():
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 15)))
    assert clock_.deadline is None
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 15)), resumed(date(2027, 3, 16)))
    assert clock_.deadline == date(2027, 3, 16)


def test_a_proposal_presented_while_paused_counts_the_pause():
    # Paused Wednesday 10 March with four days left (2–5, 8, 9 counted); presented Friday 19 March while
    # still paused: the pause ends that day, so 19, 22, 23, 24 March are the days left.
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 10)), met(date(2027, 3, 19)))
    assert clock_.met_on == date(2027, 3, 19)
    assert clock_.paused_since is None
    assert clock_.deadline == date(2027, 3, 24)
    assert not clock_.is_late(date(2027, 4, 1))


# --- Extensions ---------------------------------------------------------------------------------------------------


def test_an_extension_adds_working_days():
    clock_ = of(started(date(2027, 3, 1)), extended(5))
    assert clock_.working_days == 15
    assert clock_.deadline == date(2027, 3, 22)


def test_extensions_add_up_and_count_over_holidays():
    # From 18 March, 10 + 2 + 1 working days: 5 April, then 6, 7 and 8 April.
    clock_ = of(started(date(2027, 3, 18)), extended(2), extended(1))
    assert clock_.deadline == date(2027, 4, 8)


def test_an_extension_while_paused_counts_after_the_resume():
    clock_ = of(started(date(2027, 3, 1)), paused(date(2027, 3, 4)), extended(2), resumed(date(2027, 3, 9)))
    assert clock_.deadline == date(2027, 3, 22)


def test_entries_after_the_proposal_change_nothing():
    clock_ = of(started(date(2027, 3, 1)), met(date(2027, 3, 10)), extended(5), paused(date(2027, 3, 11)))
    assert clock_.deadline == date(2027, 3, 15)
    assert clock_.working_days == 10
    assert clock_.paused_since is None


# --- The warning and late cases -----------------------------------------------------------------------------------


def test_the_warning_day_is_three_working_days_before_the_deadline():
    clock_ = of(started(date(2027, 3, 1)))  # deadline Monday 15 March
    assert clock_.warn_on == date(2027, 3, 10)
    assert not clock_.needs_warning(date(2027, 3, 9))
    assert clock_.needs_warning(date(2027, 3, 10))
    assert clock_.needs_warning(date(2027, 3, 15))
    assert not clock_.needs_warning(date(2027, 3, 16))  # late, not near


def test_the_warning_day_skips_holidays_and_closed_days():
    clock_ = of(started(date(2027, 3, 18)))  # deadline 5 April: 2 and 1 April, then 31 March
    assert clock_.warn_on == date(2027, 3, 31)
    clock_ = of(started(date(2027, 3, 18)), working_days=6)  # deadline Tuesday 30 March
    assert clock_.deadline == date(2027, 3, 30)
    assert clock_.warn_on == date(2027, 3, 23)
    clock_ = of(started(date(2027, 3, 1)), closed=[date(2027, 3, 11)])  # deadline 16 March
    assert clock_.warn_on == date(2027, 3, 10)


def test_the_warning_days_are_a_setting(settings):
    settings.INSPIRA_PROPOSAL_WARNING_DAYS = 1
    assert of(started(date(2027, 3, 1))).warn_on == date(2027, 3, 12)


def test_a_short_allowance_warns_from_the_start():
    clock_ = of(started(date(2027, 3, 1)), working_days=2)
    assert clock_.warn_on == date(2027, 3, 1)
    assert clock_.needs_warning(date(2027, 3, 1))


def test_no_warning_once_the_proposal_is_presented():
    clock_ = of(started(date(2027, 3, 1)), met(date(2027, 3, 11)))
    assert not clock_.needs_warning(date(2027, 3, 12))


def test_working_days_left():
    clock_ = of(started(date(2027, 3, 1)))
    assert clock_.working_days_left(date(2027, 3, 1)) == 10
    assert clock_.working_days_left(date(2027, 3, 10)) == 3
    assert clock_.working_days_left(date(2027, 3, 13)) == 1  # a Saturday: Monday 15 is left
    assert clock_.working_days_left(date(2027, 3, 15)) == 0
    assert clock_.working_days_left(date(2027, 3, 20)) == 0
    assert clock_.working_days_left(date(2027, 2, 1)) == 10  # before the start: the whole allowance
    assert of(started(date(2027, 3, 1)), met(date(2027, 3, 2))).working_days_left(date(2027, 3, 2)) is None


def test_a_running_clock_is_late_after_the_deadline_day():
    clock_ = of(started(date(2027, 3, 1)))
    assert not clock_.is_late(date(2027, 3, 15))
    assert clock_.is_late(date(2027, 3, 16))


def test_a_proposal_after_the_deadline_is_late_for_good():
    late = of(started(date(2027, 3, 1)), met(date(2027, 3, 16)))
    assert late.is_late(date(2027, 3, 16)) and late.is_late(date(2030, 1, 1))
    assert not late.is_running


def test_a_proposal_on_the_deadline_is_on_time_for_good():
    on_time = of(started(date(2027, 3, 1)), met(date(2027, 3, 15)))
    assert not on_time.is_late(date(2027, 3, 16)) and not on_time.is_late(date(2030, 1, 1))


def test_an_extension_makes_a_late_clock_punctual_again():
    assert not of(started(date(2027, 3, 1)), extended(3)).is_late(date(2027, 3, 16))


# --- Properties ----------------------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2032, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=DAYS, allowance=st.integers(min_value=1, max_value=40),
       closed=st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_property_the_deadline_is_the_nth_working_day_after_the_start(start, allowance, closed):
    closed_days = [start + timedelta(days=n) for n in closed]
    is_working = working_day_test(closed_days)
    clock_ = derive([started(start)], is_working=is_working, working_days=allowance)
    assert is_working(clock_.deadline)
    between = [start + timedelta(days=n) for n in range(1, (clock_.deadline - start).days + 1)]
    assert sum(is_working(day) for day in between) == allowance
    assert clock_.deadline.weekday() < 5 and not workdays.is_holiday(clock_.deadline)
    assert clock_.deadline not in closed_days
    # The warning day: three counting days lie after it up to the deadline (fewer only when it is the start).
    after_warning = sum(is_working(start + timedelta(days=n))
                        for n in range((clock_.warn_on - start).days + 1, (clock_.deadline - start).days + 1))
    assert after_warning == 3 or (clock_.warn_on == start and after_warning < 3)
    assert subtract_working_days(clock_.deadline, allowance, is_working) <= start


@settings(max_examples=150, deadline=None)
@given(start=DAYS, allowance=st.integers(min_value=1, max_value=30),
       pause_after=st.integers(min_value=0, max_value=20), pause_length=st.integers(min_value=0, max_value=20))
def test_property_a_pause_never_brings_the_deadline_closer_and_the_deadline_counts(start, allowance, pause_after,
                                                                                     pause_length):
    pause = start + timedelta(days=pause_after)
    plain = of(started(start), working_days=allowance)
    clock_ = of(started(start), paused(pause), resumed(pause + timedelta(days=pause_length)), working_days=allowance)
    assert clock_.deadline >= plain.deadline
    assert workdays.is_working_day(clock_.deadline)
    assert not (pause <= clock_.deadline < pause + timedelta(days=pause_length))
    until = pause + timedelta(days=pause_length)
    days = [start + timedelta(days=n) for n in range(1, (clock_.deadline - start).days + 1)]
    counting = [day for day in days if workdays.is_working_day(day) and not pause <= day < until]
    assert len(counting) == allowance


# --- clock_of: the log in the database and the centre's closed days ---------------------------------------------


def test_clock_of_reads_the_log_and_the_closed_days(db):
    efforts_on()
    effort = EffortFactory()
    assert clock_of(effort) == EMPTY
    clock_entry(effort, "started", date(2027, 3, 1))
    closed_day(date(2027, 3, 4))
    assert clock_of(effort).deadline == date(2027, 3, 16)
    assert clock_of(effort, closed_days=[]).deadline == date(2027, 3, 15)


def test_clock_of_takes_the_log_in_the_order_it_was_recorded(db):
    from django.utils import timezone

    efforts_on()
    effort = EffortFactory()
    now = timezone.now()
    clock_entry(effort, "paused", date(2027, 3, 4), reason="Rektor sjuk", at=now)
    clock_entry(effort, "started", date(2027, 3, 1), at=now - timedelta(hours=1))
    clock_entry(effort, "resumed", date(2027, 3, 9), at=now + timedelta(hours=1))
    assert clock_of(effort).deadline == date(2027, 3, 18)


# --- The actions ---------------------------------------------------------------------------------------------------


@pytest.fixture
def effort(db):
    efforts_on()
    return EffortFactory()


@pytest.fixture
def centre(db):
    return coordinator()


def test_start_records_the_day_and_an_audit_row(effort, centre):
    assert clock_may_start(effort=effort)
    entry = clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    assert (entry.kind, entry.day, entry.actor) == ("started", date(2027, 3, 1), centre)
    assert clock_of(effort).deadline == date(2027, 3, 15)
    assert AuditEvent.objects.filter(action="effort.clock_started", actor=centre, object_id=str(effort.pk)).exists()
    assert not clock_may_start(effort=effort)
    with pytest.raises(ClockError):
        clock_start(effort=effort, day=date(2027, 3, 2), actor=centre)
    assert ClockEvent.objects.filter(effort=effort).count() == 1


def test_nothing_but_start_before_the_clock_starts(effort, centre):
    assert not clock_may_pause(effort=effort)
    assert not clock_may_resume(effort=effort)
    assert not clock_may_extend(effort=effort)
    assert not clock_may_meet(effort=effort)
    for action in (lambda: clock_pause(effort=effort, day=date(2027, 3, 2), reason="x", actor=centre),
                   lambda: clock_resume(effort=effort, day=date(2027, 3, 2), actor=centre),
                   lambda: clock_extend(effort=effort, working_days=2, reason="x", actor=centre),
                   lambda: clock_meet(effort=effort, day=date(2027, 3, 2), actor=centre)):
        with pytest.raises(ClockError):
            action()
    assert not ClockEvent.objects.exists()


@pytest.fixture
def running(effort, centre):
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    return effort


def test_pause_and_resume(running, centre):
    assert clock_may_pause(effort=running) and not clock_may_resume(effort=running)
    entry = clock_pause(effort=running, day=date(2027, 3, 4), reason="  Rektor är sjuk  ", actor=centre)
    assert entry.reason == "Rektor är sjuk"
    assert clock_of(running).deadline is None
    assert not clock_may_pause(effort=running) and clock_may_resume(effort=running)
    clock_resume(effort=running, day=date(2027, 3, 9), actor=centre)
    assert clock_of(running).deadline == date(2027, 3, 18)
    actions = AuditEvent.objects.filter(object_id=str(running.pk)).order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["effort.clock_started", "effort.clock_paused", "effort.clock_resumed"]


def test_pause_twice_is_refused(running, centre):
    clock_pause(effort=running, day=date(2027, 3, 4), reason="Rektor är sjuk", actor=centre)
    with pytest.raises(ClockError, match="not running"):
        clock_pause(effort=running, day=date(2027, 3, 5), reason="Igen", actor=centre)
    assert running.clock_events.filter(kind="paused").count() == 1


def test_resume_when_not_paused_is_refused(running, centre):
    with pytest.raises(ClockError, match="not paused"):
        clock_resume(effort=running, day=date(2027, 3, 5), actor=centre)


def test_a_pause_needs_a_reason(running, centre):
    with pytest.raises(ClockError, match="why"):
        clock_pause(effort=running, day=date(2027, 3, 4), reason="   ", actor=centre)
    assert not running.clock_events.filter(kind="paused").exists()


def test_a_pause_cannot_go_back_before_the_log(running, centre):
    with pytest.raises(ClockError, match="before the last day"):
        clock_pause(effort=running, day=date(2027, 2, 26), reason="Sjuk", actor=centre)
    clock_pause(effort=running, day=date(2027, 3, 4), reason="Sjuk", actor=centre)
    clock_resume(effort=running, day=date(2027, 3, 9), actor=centre)
    with pytest.raises(ClockError, match="before the last day"):
        clock_pause(effort=running, day=date(2027, 3, 8), reason="Igen", actor=centre)


def test_resume_before_the_pause_is_refused(running, centre):
    clock_pause(effort=running, day=date(2027, 3, 4), reason="Sjuk", actor=centre)
    with pytest.raises(ClockError, match="before the day it was paused"):
        clock_resume(effort=running, day=date(2027, 3, 3), actor=centre)


def test_pause_and_resume_on_the_same_day_through_the_actions(running, centre):
    clock_pause(effort=running, day=date(2027, 3, 4), reason="Missförstånd", actor=centre)
    clock_resume(effort=running, day=date(2027, 3, 4), actor=centre)
    assert clock_of(running).deadline == date(2027, 3, 15)


@pytest.mark.parametrize("days, reason, message", [
    (0, "Rektor vill ha mer tid", "at least one"),
    (-2, "Rektor vill ha mer tid", "at least one"),
    (MAX_EXTENSION + 1, "Rektor vill ha mer tid", "at most"),
    (3, "", "why"),
    (3, "  \n ", "why"),
])
def test_extend_refuses_bad_input(running, centre, days, reason, message):
    with pytest.raises(ClockError, match=message):
        clock_extend(effort=running, working_days=days, reason=reason, actor=centre)
    assert not running.clock_events.filter(kind="extended").exists()


def test_extend_adds_days_also_while_paused(running, centre):
    clock_extend(effort=running, working_days=MAX_EXTENSION, reason="Stor insats", actor=centre,
                 day=date(2027, 3, 2))
    clock_pause(effort=running, day=date(2027, 3, 4), reason="Sjuk", actor=centre)
    assert clock_may_extend(effort=running)
    entry = clock_extend(effort=running, working_days=2, reason="Rektor bad om det", actor=centre)
    assert (entry.working_days, entry.reason) == (2, "Rektor bad om det")
    assert clock_of(running).working_days == 10 + MAX_EXTENSION + 2


def test_met_stops_the_clock_and_refuses_what_follows(running, centre):
    clock_meet(effort=running, day=date(2027, 3, 16), actor=centre)
    clock_ = clock_of(running)
    assert clock_.met_on == date(2027, 3, 16) and clock_.is_late(date(2027, 3, 16))
    assert not any(may(effort=running) for may in (clock_may_pause, clock_may_resume, clock_may_extend,
                                                    clock_may_meet, clock_may_start))
    with pytest.raises(ClockError):
        clock_meet(effort=running, day=date(2027, 3, 17), actor=centre)
    with pytest.raises(ClockError):
        clock_extend(effort=running, working_days=2, reason="För sent", actor=centre)
    with pytest.raises(ClockError):
        clock_pause(effort=running, day=date(2027, 3, 17), reason="För sent", actor=centre)
    assert AuditEvent.objects.filter(action="effort.clock_met").count() == 1


def test_met_while_paused(running, centre):
    clock_pause(effort=running, day=date(2027, 3, 10), reason="Sjuk", actor=centre)
    assert clock_may_meet(effort=running)
    with pytest.raises(ClockError, match="before the last day"):
        clock_meet(effort=running, day=date(2027, 3, 9), actor=centre)
    clock_meet(effort=running, day=date(2027, 3, 19), actor=centre)
    assert not clock_of(running).is_late(date(2027, 3, 19))
