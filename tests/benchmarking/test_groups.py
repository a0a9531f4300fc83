"""The groups by hand before publishing, and leaving after it: the hard rule (every member of a
group from a different school) under every path."""

import base64

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from inspira.benchmarking import groups as services
from inspira.benchmarking.groups import GroupError
from inspira.benchmarking.models import Interest, Round, Visit
from inspira.benchmarking.publishing import round_publish
from inspira.core.models import AuditEvent, OutboxItem
from inspira.events.models import Registration
from tests.benchmarking.builders_publish import coordinator, interest, proposed_round
from tests.factories import EventFactory, UserFactory, programme

pytestmark = pytest.mark.django_db


def _members(group):
    return list(group.members.order_by("pk"))


def _no_school_twice(round_):
    seen = set()
    for group_id, school_id in Interest.objects.filter(round=round_, group__isnull=False).values_list(
            "group", "school"):
        assert (group_id, school_id) not in seen
        seen.add((group_id, school_id))


def test_moving_a_person_moves_the_visit_they_host_and_keeps_its_date():
    round_, (one, two), _o = proposed_round(groups=2, size=3)
    person = _members(one)[0]
    visit = Visit.objects.get(host=person)
    day = visit.date
    services.group_member_move(round=round_, interest_id=person.pk, group_id=two.pk, actor=coordinator())
    person.refresh_from_db()
    visit.refresh_from_db()
    assert person.group == two and visit.group == two and visit.date == day
    assert AuditEvent.objects.filter(action="benchmarking.member_moved", data__to=2).exists()


def test_a_move_that_puts_two_of_one_school_in_a_group_is_refused_naming_the_school():
    round_, (one, two), _o = proposed_round(groups=2, size=3)
    mover = _members(one)[0]
    # A second teacher of the mover's school, in group two.
    same_school = _members(two)[0]
    Interest.objects.filter(pk=same_school.pk).update(school=mover.school)
    with pytest.raises(GroupError, match=mover.school.name):
        services.group_member_move(round=round_, interest_id=mover.pk, group_id=two.pk, actor=coordinator())
    mover.refresh_from_db()
    assert mover.group == one
    _no_school_twice(round_)


def test_the_database_holds_the_rule_when_the_check_is_passed_by(monkeypatch):
    round_, (one, two), _o = proposed_round(groups=2, size=2)
    mover, other = _members(one)[0], _members(two)[0]
    Interest.objects.filter(pk=other.pk).update(school=mover.school)
    # A race: the check saw no clash, the constraint still refuses.
    monkeypatch.setattr(services, "school_clash", lambda **kw: None)
    with pytest.raises(GroupError, match="olika skolor"):
        services.group_member_move(round=round_, interest_id=mover.pk, group_id=two.pk, actor=coordinator())
    mover.refresh_from_db()
    assert mover.group == one


def test_the_constraint_itself_refuses_two_of_one_school():
    round_, (one,), _o = proposed_round(groups=1, size=2)
    first = _members(one)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        interest(round_, school=first.school, group=one)


def test_two_people_of_one_school_in_different_groups_may_swap():
    round_, (one, two), _o = proposed_round(groups=2, size=3)
    first, second = _members(one)[0], _members(two)[0]
    Interest.objects.filter(pk=second.pk).update(school=first.school)
    services.group_members_swap(round=round_, first_id=first.pk, second_id=second.pk, actor=coordinator())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.group == two and second.group == one
    assert Visit.objects.get(host=first).group == two
    _no_school_twice(round_)


def test_a_swap_that_breaks_the_rule_is_refused():
    round_, (one, two), _o = proposed_round(groups=2, size=3)
    first, second, third = _members(one)[0], _members(two)[0], _members(two)[1]
    Interest.objects.filter(pk=third.pk).update(school=first.school)
    with pytest.raises(GroupError):
        services.group_members_swap(round=round_, first_id=first.pk, second_id=second.pk, actor=coordinator())
    first.refresh_from_db()
    assert first.group == one


def test_swapping_within_one_group_is_refused():
    round_, (one, _two), _o = proposed_round(groups=2, size=3)
    a, b = _members(one)[:2]
    with pytest.raises(GroupError):
        services.group_members_swap(round=round_, first_id=a.pk, second_id=b.pk, actor=coordinator())


def test_only_coordinators_and_only_before_publishing_change_groups():
    round_, (one, two), _o = proposed_round(groups=2, size=3)
    person = _members(one)[0]
    with pytest.raises(GroupError):
        services.group_member_move(round=round_, interest_id=person.pk, group_id=two.pk, actor=UserFactory())
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.PUBLISHED)
    with pytest.raises(GroupError):
        services.group_member_move(round=round_, interest_id=person.pk, group_id=two.pk, actor=coordinator())


def test_a_group_of_another_round_is_refused():
    round_, (one, _two), _o = proposed_round(groups=2, size=2)
    _other_round, (foreign,), _x = proposed_round(groups=1, size=2)
    with pytest.raises(GroupError):
        services.group_member_move(round=round_, interest_id=_members(one)[0].pk, group_id=foreign.pk,
                                   actor=coordinator())


def test_the_changes_are_listed_against_the_proposal():
    round_, (one, two), _o = proposed_round(groups=2, size=3)
    person = _members(one)[0]
    assert services.proposal_changes(round_) == []
    services.group_member_move(round=round_, interest_id=person.pk, group_id=two.pk, actor=coordinator())
    from django.utils import translation

    with translation.override("sv"):
        assert services.proposal_changes(round_) == [f"{person.user.name}: grupp 1 → grupp 2"]


# --- Late withdrawal -----------------------------------------------------------------------------------------

def _published(django_capture_on_commit_callbacks, **fields):
    round_, made, others = proposed_round(**fields)
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=round_, actor=coordinator())
    round_.refresh_from_db()
    return round_, made


def test_a_participant_who_leaves_is_out_of_the_group_and_their_visit_is_cancelled(django_capture_on_commit_callbacks):
    kickoff = EventFactory(programme=programme("benchmarking"), eligibility="group",
                           eligible_group="benchmarking:participants", is_public=False)
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=3, kickoff=kickoff)
    leaver, *rest = _members(group)
    visit = Visit.objects.get(host=leaver)
    assert Registration.objects.get(event=kickoff, user=leaver.user).status == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_withdraw_late(interest=leaver, actor=leaver.user)
    leaver.refresh_from_db()
    visit.refresh_from_db()
    assert leaver.group is None and leaver.withdrawn_at is not None
    assert leaver.decision_reason == "Du har lämnat omgången."
    assert visit.status == Visit.Status.CANCELLED and visit.sequence == 1
    assert Registration.objects.get(event=kickoff, user=leaver.user).status == "cancelled"
    for member in rest:
        item = OutboxItem.objects.get(key=f"benchmarking-visit-cancelled:{visit.pk}:1:{member.pk}")
        calendar = Calendar.from_ical(base64.b64decode(item.payload["attachments"][0]["content"]))
        assert calendar["method"] == "CANCEL"
        entry = next(iter(calendar.walk("VEVENT")))
        assert str(entry["uid"]) == str(visit.uid) and entry["sequence"] == 1
    assert OutboxItem.objects.filter(key=f"benchmarking-decision-left:{leaver.pk}").exists()
    _no_school_twice(round_)


def test_the_coordinator_removes_a_participant_with_its_own_reason(django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=3)
    person = _members(group)[1]
    services.participant_withdraw_late(interest=person, actor=coordinator(), reason="Sjukskriven")
    person.refresh_from_db()
    assert person.decision_reason == "Samordnaren har tagit bort dig från omgången."
    assert AuditEvent.objects.get(action="benchmarking.participant_left").data["reason"] == "Sjukskriven"


def test_nobody_else_removes_a_participant(django_capture_on_commit_callbacks):
    round_, (group,) = _published(django_capture_on_commit_callbacks, groups=1, size=3)
    a, b = _members(group)[:2]
    with pytest.raises(GroupError):
        services.participant_withdraw_late(interest=a, actor=b.user)
    a.refresh_from_db()
    assert a.group == group


def test_leaving_is_only_after_publishing():
    round_, (group,), _o = proposed_round(groups=1, size=2)
    person = _members(group)[0]
    with pytest.raises(GroupError):
        services.participant_withdraw_late(interest=person, actor=person.user, now=timezone.now())
