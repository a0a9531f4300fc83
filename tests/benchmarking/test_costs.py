"""Days away and substitute-cost claims (inspira/benchmarking/costs.py)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.benchmarking import costs
from inspira.benchmarking.models import Claim, ClaimLine, DayAway, Visit
from inspira.core.models import AuditEvent, OutboxItem
from inspira.events.attendance import ABSENT, PRESENT, UNMARKED, attendance_mark, version_now
from tests.benchmarking.builders_costs import group_of_three, make_meeting, make_participant, make_round, register
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def round_():
    return make_round()


# --- Visits ---------------------------------------------------------------------------------------------------

def test_host_confirms_visit_and_every_member_gets_the_day(round_):
    _group, members, visit = group_of_three(round_)
    host = members[0].user
    costs.visit_confirm_held(visit=visit, actor=host)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.HELD and visit.held_confirmed_by == host and visit.held_confirmed_at
    days = DayAway.objects.filter(visit=visit)
    assert {d.participant_id for d in days} == {m.pk for m in members}
    assert {(d.date, d.kind) for d in days} == {(visit.date, DayAway.Kind.VISIT)}
    assert AuditEvent.objects.filter(action="benchmarking.visit_held").count() == 1


def test_confirming_twice_records_nothing_more(round_):
    _group, members, visit = group_of_three(round_)
    costs.visit_confirm_held(visit=visit, actor=members[0].user)
    costs.visit_confirm_held(visit=visit, actor=members[0].user)
    assert DayAway.objects.count() == 3
    assert AuditEvent.objects.filter(action="benchmarking.visit_held").count() == 1


def test_withdrawn_member_gets_no_day(round_):
    _group, members, visit = group_of_three(round_)
    members[2].withdrawn_at = timezone.now()
    members[2].save(update_fields=["withdrawn_at"])
    costs.visit_confirm_held(visit=visit, actor=members[0].user)
    assert set(DayAway.objects.values_list("participant_id", flat=True)) == {members[0].pk, members[1].pk}


def test_visit_cannot_be_confirmed_before_its_day(round_):
    _group, members, visit = group_of_three(round_, visit_date=TODAY + datetime.timedelta(days=1))
    with pytest.raises(costs.CostError):
        costs.visit_confirm_held(visit=visit, actor=members[0].user)
    assert not DayAway.objects.exists()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED
    # On the day itself (Stockholm calendar) it can.
    costs.visit_confirm_held(visit=visit, actor=members[0].user,
                             now=timezone.make_aware(datetime.datetime.combine(visit.date, datetime.time(0, 5))))


def test_only_the_host_or_a_coordinator_confirms(round_, administrator):
    _group, members, visit = group_of_three(round_)
    with pytest.raises(costs.CostError):
        costs.visit_confirm_held(visit=visit, actor=members[1].user)
    assert not DayAway.objects.exists()
    costs.visit_confirm_held(visit=visit, actor=administrator)
    assert DayAway.objects.count() == 3


def test_cancelled_visit_is_refused(round_):
    _group, members, visit = group_of_three(round_)
    visit.status = Visit.Status.CANCELLED
    visit.save(update_fields=["status"])
    with pytest.raises(costs.CostError):
        costs.visit_confirm_held(visit=visit, actor=members[0].user)


# --- Meetings -------------------------------------------------------------------------------------------------

def _mark(registration, state):
    return attendance_mark(registration=registration, state=state, version=version_now() + 1)


def test_attendance_at_the_kickoff_is_a_day_away_and_unmarking_removes_it(round_):
    participant = make_participant(round_)
    kickoff = make_meeting(round_, "kickoff")
    registration = register(kickoff, participant.user)
    _mark(registration, PRESENT)
    day = DayAway.objects.get(participant=participant)
    assert day.kind == DayAway.Kind.KICKOFF and day.date == timezone.localdate(kickoff.starts_at)
    registration.refresh_from_db()
    attendance_mark(registration=registration, state=UNMARKED, version=registration.attendance_version + 1)
    assert not DayAway.objects.exists()


def test_absent_at_the_closing_gives_no_day(round_):
    participant = make_participant(round_)
    closing = make_meeting(round_, "closing")
    _mark(register(closing, participant.user), ABSENT)
    assert not DayAway.objects.exists()
    _mark(register(make_meeting(make_round(), "closing"), participant.user), PRESENT)  # another round's
    assert not DayAway.objects.filter(participant=participant).exists()


def test_other_events_and_non_participants_are_left_alone(round_):
    from tests.factories import EventFactory

    _mark(register(EventFactory(starts_at=timezone.now() - datetime.timedelta(hours=4)), UserFactory()), PRESENT)
    closing = make_meeting(round_, "closing")
    _mark(register(closing, UserFactory()), PRESENT)
    assert not DayAway.objects.exists()


def test_a_claimed_meeting_day_stays_when_unmarked(round_, school):
    principal = member(school, Membership.Role.PRINCIPAL)
    participant = make_participant(round_, school=school)
    closing = make_meeting(round_, "closing")
    registration = register(closing, participant.user)
    _mark(registration, PRESENT)
    costs.claim_create(round=round_, school=school, actor=principal)
    registration.refresh_from_db()
    attendance_mark(registration=registration, state=ABSENT, version=registration.attendance_version + 1)
    assert DayAway.objects.filter(participant=participant, kind=DayAway.Kind.CLOSING).exists()


# --- Claims -----------------------------------------------------------------------------------------------------

def _held_visit_for(round_, school):
    """A held visit of a group in which one member (the second, not the host) teaches at ``school``."""
    _group, members, visit = group_of_three(round_)
    members[1].school = school
    members[1].save(update_fields=["school"])
    costs.visit_confirm_held(visit=visit, actor=members[0].user)
    return members, visit


def test_claim_totals_in_whole_ore(school):
    round_ = make_round(substitute_rate=175050)  # 1 750,50 kr a day
    principal = member(school, Membership.Role.PRINCIPAL)
    members, _visit = _held_visit_for(round_, school)
    kickoff = make_meeting(round_, "kickoff", starts_at=timezone.now() - datetime.timedelta(days=10))
    _mark(register(kickoff, members[1].user), PRESENT)
    claim = costs.claim_create(round=round_, school=school, actor=principal)
    amounts = list(claim.lines.values_list("amount", flat=True))
    assert amounts == [175050, 175050]
    assert all(isinstance(a, int) for a in amounts)
    claim = costs.claims_with_totals().get(pk=claim.pk)
    assert (claim.total, claim.days) == (350100, 2)
    assert costs.claims_total(Claim.objects.all()) == {"total": 350100, "days": 2}


def test_the_rate_is_copied_when_the_claim_is_made(school):
    round_ = make_round(substitute_rate=100000)
    principal = member(school, Membership.Role.PRINCIPAL)
    _held_visit_for(round_, school)
    claim = costs.claim_create(round=round_, school=school, actor=principal)
    round_.substitute_rate = 250000
    round_.save(update_fields=["substitute_rate"])
    assert list(claim.lines.values_list("amount", flat=True)) == [100000]


def test_a_day_cannot_be_claimed_twice(round_, school):
    principal = member(school, Membership.Role.PRINCIPAL)
    _held_visit_for(round_, school)
    claim = costs.claim_create(round=round_, school=school, actor=principal)
    with pytest.raises(costs.CostError):
        costs.claim_create(round=round_, school=school, actor=principal)
    assert Claim.objects.count() == 1
    # The database holds it too, whatever path tries.
    day = claim.lines.get().day_away
    other = Claim.objects.create(round=round_, school=school, claimed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.create(claim=other, day_away=day, amount=1)


def test_an_empty_claim_is_refused(round_, school):
    principal = member(school, Membership.Role.PRINCIPAL)
    with pytest.raises(costs.CostError):
        costs.claim_create(round=round_, school=school, actor=principal)
    assert not Claim.objects.exists()


def test_only_the_schools_principal_claims_only_its_own_teachers(round_, school, other_school):
    members, _visit = _held_visit_for(round_, school)
    with pytest.raises(costs.CostError):
        costs.claim_create(round=round_, school=school, actor=member(school))
    with pytest.raises(costs.CostError):
        costs.claim_create(round=round_, school=school, actor=member(other_school, Membership.Role.PRINCIPAL))
    claim = costs.claim_create(round=round_, school=school, actor=member(school, Membership.Role.PRINCIPAL))
    assert [line.day_away.participant_id for line in claim.lines.all()] == [members[1].pk]


def test_approval_by_finance_emails_the_principal_and_never_changes_again(round_, school, finance,
                                                                          django_capture_on_commit_callbacks):
    principal = member(school, Membership.Role.PRINCIPAL, email="rektor@example.se")
    _held_visit_for(round_, school)
    claim = costs.claim_create(round=round_, school=school, actor=principal)
    with pytest.raises(costs.CostError):
        costs.claim_approve(claim=claim, actor=principal)
    with pytest.raises(costs.CostError):
        costs.claim_approve(claim=claim, actor=UserFactory(role="director"))
    with django_capture_on_commit_callbacks(execute=True):  # the email goes after the commit
        costs.claim_approve(claim=claim, actor=finance)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED and claim.approved_by == finance
    with pytest.raises(costs.CostError):
        costs.claim_approve(claim=claim, actor=finance)
    assert AuditEvent.objects.filter(action="benchmarking.claim_approved").count() == 1
    item = OutboxItem.objects.get(key=f"benchmarking-claim-approved:{claim.pk}")
    assert item.payload["to"] == ["rektor@example.se"]
    assert round_.title in item.payload["subject"] and "1\u00a0800\u00a0kr" in item.payload["text"]


def test_unclaimed_days_per_round(school):
    principal = member(school, Membership.Role.PRINCIPAL)
    first, second = make_round(), make_round()
    _held_visit_for(first, school)
    _held_visit_for(second, school)
    costs.claim_create(round=first, school=school, actor=principal)
    by_round = {item.round.pk: item for item in costs.rounds_to_claim(school=school)}
    assert not by_round[first.pk].may_claim and len(by_round[first.pk].claims) == 1
    assert by_round[second.pk].may_claim and by_round[second.pk].amount == 180000


@pytest.mark.parametrize("day", [datetime.date(2027, 3, 29), datetime.date(2026, 10, 26)])
def test_the_visit_day_starts_at_stockholm_midnight_on_the_dst_weekends(round_, day):
    """The Mondays after the clocks change: the day before at 23:59 local is too early, 00:01 is not."""
    from zoneinfo import ZoneInfo

    stockholm = ZoneInfo("Europe/Stockholm")
    _group, members, visit = group_of_three(round_, visit_date=day)
    before = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(23, 59), tzinfo=stockholm)
    assert not costs.visit_may_confirm_held(visit=visit, now=before)
    with pytest.raises(costs.CostError):
        costs.visit_confirm_held(visit=visit, actor=members[0].user, now=before)
    after = datetime.datetime.combine(day, datetime.time(0, 1), tzinfo=stockholm)
    costs.visit_confirm_held(visit=visit, actor=members[0].user, now=after)
    assert DayAway.objects.filter(visit=visit, date=day).count() == 3
