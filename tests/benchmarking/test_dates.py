"""The visits' dates: the rules of a new date on plain data, moving a visit with an updated calendar
file, and the members' answers."""

import base64
from datetime import date, timedelta

import pytest
from django.utils import translation
from icalendar import Calendar

from inspira.benchmarking import dates
from inspira.benchmarking.dates import DateError, Member, date_problems, visit_move
from inspira.benchmarking.models import DateAnswer, Interest, Round, Visit
from inspira.benchmarking.publishing import round_publish
from inspira.core.models import AuditEvent, OutboxItem
from tests.benchmarking.builders_publish import coordinator, proposed_round
from tests.factories import ClosedPeriodFactory, UserFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _check(day, **overrides):
    values = {
        "day": day, "window_start": date(2027, 9, 1), "window_end": date(2027, 11, 30),
        "members": [Member(name="Anna", school="Äppelskolan"), Member(name="Bo", school="Björkskolan")],
        "host_school": "Äppelskolan", "host_closed": {}, "other_visit_days": [], "min_days_between": 7,
        "away_from_school": {}, "max_away_per_school": 1,
    }
    values.update(overrides)
    return date_problems(**values)


def test_an_ordinary_working_day_in_the_window_passes():
    assert _check(date(2027, 9, 15)) == []


@pytest.mark.parametrize("day", [date(2027, 8, 31), date(2027, 12, 1)])
def test_a_day_outside_the_window_is_refused(day):
    assert any("outside the visit window" in p for p in _check(day))


def test_weekends_and_public_holidays_are_refused():
    assert any("not a working day" in p for p in _check(date(2027, 9, 18)))  # a Saturday
    assert any("not a working day" in p for p in _check(date(2027, 11, 6), window_end=date(2027, 11, 30)))
    # All Saints' Day 2027 is Saturday 6 November; Epiphany is a weekday holiday:
    assert any("not a working day" in p for p in _check(date(2028, 1, 6), window_end=date(2028, 1, 31)))


def test_a_members_unavailable_day_is_refused_naming_them():
    day = date(2027, 9, 15)
    members = [Member(name="Anna", school="Äppelskolan", unavailable=frozenset({day}))]
    assert _check(day, members=members) == ["Anna cannot be away on 15 September 2027."]


def test_the_host_schools_closed_day_is_refused():
    day = date(2027, 10, 27)
    problems = _check(day, host_closed={day: "Höstlov"})
    assert problems == ["Äppelskolan is closed on 27 October 2027 (Höstlov)."]


def test_the_gap_to_the_groups_other_visits():
    day = date(2027, 9, 15)
    assert _check(day, other_visit_days=[day - timedelta(days=7), day + timedelta(days=7)]) == []
    assert any("too close" in p for p in _check(day, other_visit_days=[day + timedelta(days=6)]))


def test_the_per_school_cap():
    day = date(2027, 9, 15)
    assert any("Björkskolan would have 2 teachers away" in p
               for p in _check(day, away_from_school={"Björkskolan": 1}))
    assert _check(day, away_from_school={"Björkskolan": 1}, max_away_per_school=2) == []


# --- Moving a visit --------------------------------------------------------------------------------------------

def _published(django_capture_on_commit_callbacks, **fields):
    round_, made, _o = proposed_round(**fields)
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=round_, actor=coordinator())
    return round_, made


def _calendar(item):
    return Calendar.from_ical(base64.b64decode(item.payload["attachments"][0]["content"]))


def test_a_moved_visit_gets_the_same_uid_a_higher_sequence_and_each_member_an_email(
        db, django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=3)
    visit = group.visits.order_by("date").first()
    new_day = visit.date + timedelta(days=1)
    actor = coordinator()
    with django_capture_on_commit_callbacks(execute=True):
        visit_move(visit=visit, day=new_day, actor=actor)
    visit.refresh_from_db()
    assert visit.date == new_day and visit.sequence == 1
    for member in group.members.all():
        item = OutboxItem.objects.get(key=f"benchmarking-visit-moved:{visit.pk}:1:{member.pk}")
        entry = next(iter(_calendar(item).walk("VEVENT")))
        assert str(entry["uid"]) == str(visit.uid)
        assert entry["sequence"] == 1
        assert entry.decoded("dtstart") == new_day
    assert AuditEvent.objects.filter(action="benchmarking.visit_moved").exists()


def test_a_move_across_the_autumn_dst_weekend_stays_a_whole_day(db, django_capture_on_commit_callbacks):
    # Summer time ends on Sunday 31 October 2027: Friday 29th → Monday 1 November.
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=2,
                                  first_day=date(2027, 10, 15))
    visit = group.visits.get(date=date(2027, 10, 29))
    with django_capture_on_commit_callbacks(execute=True):
        visit_move(visit=visit, day=date(2027, 11, 1), actor=coordinator())
    item = OutboxItem.objects.filter(key__startswith=f"benchmarking-visit-moved:{visit.pk}:1:").first()
    entry = next(iter(_calendar(item).walk("VEVENT")))
    assert entry.decoded("dtstart") == date(2027, 11, 1)
    assert entry.decoded("dtend") == date(2027, 11, 2)
    assert b"DTSTART;VALUE=DATE:20271101" in entry.to_ical()


def test_a_move_resets_the_groups_answers(db, django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=2)
    members = list(group.members.all())
    for m in members:
        dates.date_answer_save(member=m, answer=DateAnswer.Answer.CONFIRMED, actor=m.user)
    assert set(group.visits.values_list("status", flat=True)) == {Visit.Status.CONFIRMED}
    visit = group.visits.order_by("date").first()
    visit_move(visit=visit, day=visit.date + timedelta(days=1), actor=coordinator())
    assert DateAnswer.objects.filter(member__in=members).count() == 0
    assert set(group.visits.values_list("status", flat=True)) == {Visit.Status.PROPOSED}


def test_a_move_onto_a_closed_day_is_refused_and_nothing_changes(db, django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=2)
    visit = group.visits.order_by("date").first()
    day = visit.date + timedelta(days=1)
    ClosedPeriodFactory(school=visit.host.school, name="Studiedag", kind="study_day", starts_on=day, ends_on=day)
    with pytest.raises(DateError) as caught:
        visit_move(visit=visit, day=day, actor=coordinator())
    assert any("Studiedag" in p for p in caught.value.problems)
    visit.refresh_from_db()
    assert visit.sequence == 0


def test_a_move_that_puts_two_of_one_school_away_the_same_day_is_refused(db, django_capture_on_commit_callbacks):
    round_, (one, two) = _published(django_capture_on_commit_callbacks, groups=2, size=2)
    # A member of group two from the same school as a member of group one.
    Interest.objects.filter(pk=two.members.first().pk).update(school=one.members.first().school)
    visit = one.visits.order_by("date").first()
    other_day = two.visits.order_by("date").first().date
    with pytest.raises(DateError) as caught:
        visit_move(visit=visit, day=other_day, actor=coordinator())
    assert any("teachers away" in p for p in caught.value.problems)


def test_only_coordinators_move_visits(db, django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=2)
    visit = group.visits.first()
    with pytest.raises(DateError):
        visit_move(visit=visit, day=visit.date + timedelta(days=1), actor=UserFactory())


# --- Answers --------------------------------------------------------------------------------------------------

def test_asking_for_other_dates_needs_a_comment_and_only_the_member_answers(db, django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=2)
    a, b = list(group.members.all())
    with pytest.raises(DateError):
        dates.date_answer_save(member=a, answer=DateAnswer.Answer.OTHER_DATES, comment=" ", actor=a.user)
    with pytest.raises(DateError):
        dates.date_answer_save(member=a, answer=DateAnswer.Answer.CONFIRMED, actor=b.user)
    dates.date_answer_save(member=a, answer=DateAnswer.Answer.OTHER_DATES, comment="Nationella prov", actor=a.user)
    assert a.date_answer.comment == "Nationella prov"


def test_answers_only_after_publishing(db):
    round_, (group,), _o = proposed_round(groups=1, size=2)
    a = group.members.first()
    with pytest.raises(DateError):
        dates.date_answer_save(member=a, answer=DateAnswer.Answer.CONFIRMED, actor=a.user)
    assert Round.objects.get(pk=round_.pk).stage == Round.Stage.PROPOSED


def test_the_warnings_after_a_manual_move_name_the_broken_rule(db):
    round_, (one, two), _o = proposed_round(groups=2, size=2)
    member = one.members.first()
    day = two.visits.order_by("date").first().date
    Interest.objects.filter(pk=member.pk).update(unavailable_days=[day.isoformat()])
    from inspira.benchmarking.groups import group_member_move

    group_member_move(round=round_, interest_id=member.pk, group_id=two.pk, actor=coordinator())
    warnings = dates.round_date_warnings(round_)
    assert any("cannot be away" in w for ws in warnings.values() for w in ws)
