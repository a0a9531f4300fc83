"""The proposal: who may start it, the job from selection to the applied groups and visits, failure."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inspira.benchmarking import proposals, timetable
from inspira.benchmarking.models import Group, Interest, Proposal, Round, Visit
from inspira.benchmarking.proposals import ProposalError, proposal_run, proposal_start, step_text
from inspira.core.models import AuditEvent
from inspira.core.workdays import is_working_day
from tests.benchmarking.factories import InterestFactory, closed_round, coordinator
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

WINDOW = {"visit_window_starts": date(2027, 9, 6), "visit_window_ends": date(2027, 10, 29)}


def _round(**fields):
    return closed_round(**WINDOW | {"max_participants": 6, "group_size": 3, "min_days_between_visits": 7} | fields)


def _register(round, schools, **fields):
    return [InterestFactory(round=round, school=school, **fields) for school in schools]


def test_a_run_end_to_end_applies_groups_members_and_visits(django_capture_on_commit_callbacks):
    actor = coordinator()
    round = _round()
    schools = SchoolFactory.create_batch(5)
    # Seven teachers from five schools for six places: two of the first school get in, one does not.
    interests = _register(round, [schools[0], schools[0], schools[0], *schools[1:]])
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_start(round=round, actor=actor)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DONE, proposal.error
    assert (proposal.progress, step_text(proposal)) == (100, "Förslaget är klart")
    assert len(proposal.admitted) == 6 and interests[2].pk not in proposal.admitted
    assert proposal.details["reasons"][str(interests[2].pk)] == "full"
    assert proposal.selection_objective == {"admitted": 6, "schools": 5, "deferred": 0,
                                            "order_sum": 1 + 2 + 4 + 5 + 6 + 7}
    assert (proposal.solver_name, proposal.grouping_status, proposal.seed) == ("OR-Tools CP-SAT", "OPTIMAL", 1)
    assert proposal.solver_version and proposal.grouping_objective is not None and proposal.seconds > 0
    assert proposal.timetable_status in ("OPTIMAL", "FEASIBLE")

    round.refresh_from_db()
    assert round.stage == Round.Stage.PROPOSED
    groups = list(Group.objects.filter(round=round))
    assert [g.number for g in groups] == [1, 2] and all(g.proposal == proposal for g in groups)
    for group, ids in zip(groups, proposal.groups, strict=True):
        members = list(group.members.all())
        assert sorted(m.pk for m in members) == sorted(ids)
        assert len({m.school_id for m in members}) == len(members) == 3
        visits = list(group.visits.order_by("date"))
        assert sorted(v.host_id for v in visits) == sorted(ids)
        assert all(v.status == Visit.Status.PROPOSED and is_working_day(v.date) for v in visits)
        assert all(WINDOW["visit_window_starts"] <= v.date <= WINDOW["visit_window_ends"] for v in visits)
        assert all((b.date - a.date).days >= 7 for a, b in zip(visits, visits[1:], strict=False))
    assert Interest.objects.get(pk=interests[2].pk).group is None
    assert list(AuditEvent.objects.filter(object_id=str(proposal.pk)).values_list("action", flat=True)
                .order_by("pk")) == ["benchmarking.proposal_start", "benchmarking.proposal_done"]


def test_the_job_reports_each_step_in_turn(monkeypatch):
    round = _round()
    _register(round, SchoolFactory.create_batch(3))
    proposal = proposal_start(round=round, actor=coordinator())
    seen = []
    report = proposals._report
    monkeypatch.setattr(proposals, "_report", lambda pk, progress, step: (seen.append((progress, step)),
                                                                           report(pk, progress, step)))
    proposal_run(proposal.pk)
    assert [s for _p, s in seen] == [proposals.STEP_GROUPING, proposals.STEP_TIMETABLE, proposals.STEP_SAVING]
    assert [p for p, _s in seen] == sorted(p for p, _s in seen)


def test_running_again_changes_nothing():
    round = _round()
    _register(round, SchoolFactory.create_batch(3))
    proposal = proposal_start(round=round, actor=coordinator())
    proposal_run(proposal.pk)
    visits = list(Visit.objects.values_list("pk", "date"))
    proposal_run(proposal.pk)
    assert list(Visit.objects.values_list("pk", "date")) == visits


def test_a_new_proposal_replaces_the_earlier_groups():
    actor = coordinator()
    round = _round()
    _register(round, SchoolFactory.create_batch(6))
    proposal_run(proposal_start(round=round, actor=actor).pk)
    first_groups = set(Group.objects.values_list("pk", flat=True))
    second = proposal_start(round=round, actor=actor)
    proposal_run(second.pk)
    assert not first_groups & set(Group.objects.values_list("pk", flat=True))
    assert set(Group.objects.values_list("proposal", flat=True)) == {second.pk}
    assert Visit.objects.count() == 6


def test_a_failure_leaves_nothing_half_applied(monkeypatch):
    actor = coordinator()
    round = _round()
    _register(round, SchoolFactory.create_batch(6))
    proposal_run(proposal_start(round=round, actor=actor).pk)
    before = (sorted(Group.objects.values_list("pk", flat=True)), sorted(Visit.objects.values_list("pk", "date")),
              sorted(Interest.objects.values_list("pk", "group")))
    second = proposal_start(round=round, actor=actor)

    def broken(*args, **kwargs):  # the groups are already replaced when the visits fail
        raise RuntimeError("disk full")

    monkeypatch.setattr(Visit.objects, "bulk_create", broken)
    proposal_run(second.pk)
    second.refresh_from_db()
    assert second.status == Proposal.Status.FAILED and "disk full" in second.error
    assert second.finished_at is not None and step_text(second) == "Förslaget kunde inte tas fram"
    assert (sorted(Group.objects.values_list("pk", flat=True)), sorted(Visit.objects.values_list("pk", "date")),
            sorted(Interest.objects.values_list("pk", "group"))) == before
    assert not AuditEvent.objects.filter(action="benchmarking.proposal_done", object_id=str(second.pk)).exists()


def test_a_timetable_that_cannot_be_made_fails_with_the_group_named():
    round = _round(visit_window_ends=WINDOW["visit_window_starts"] + timedelta(days=4))
    interests = _register(round, SchoolFactory.create_batch(3))
    everything = [(WINDOW["visit_window_starts"] + timedelta(days=i)).isoformat() for i in range(5)]
    Interest.objects.filter(pk=interests[1].pk).update(unavailable_days=everything)
    proposal = proposal_start(round=round, actor=coordinator())
    proposal_run(proposal.pk)
    proposal.refresh_from_db()
    round.refresh_from_db()
    assert proposal.status == Proposal.Status.FAILED and "Grupp 1" in proposal.error
    assert round.stage == Round.Stage.INTEREST and not Group.objects.exists() and not Visit.objects.exists()


def test_nobody_registered_fails_clearly():
    proposal = proposal_start(round=_round(), actor=coordinator())
    proposal_run(proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FAILED and proposal.error


def test_pairs_of_an_earlier_round_are_not_grouped_again():
    actor = coordinator()
    schools = SchoolFactory.create_batch(6)
    teachers = UserFactory.create_batch(6)
    earlier = _round()
    for school, teacher in zip(schools, teachers, strict=True):
        InterestFactory(round=earlier, school=school, user=teacher)
    proposal_run(proposal_start(round=earlier, actor=actor).pk)
    pairs = set()
    for group in Group.objects.filter(round=earlier):
        users = list(group.members.values_list("user", flat=True))
        pairs |= {frozenset((a, b)) for a in users for b in users if a != b}
    assert len(pairs) == 6
    later = _round()
    for school, teacher in zip(schools, teachers, strict=True):
        InterestFactory(round=later, school=school, user=teacher)
    proposal = proposal_start(round=later, actor=actor)
    proposal_run(proposal.pk)
    proposal.refresh_from_db()
    assert proposal.details["grouping"]["earlier_pairs_present"] == 6
    # Six people from two earlier groups of three: a new group of three holds two of one earlier group
    # (pigeonhole), so one repeated pair a group is the least, and the solver does not do worse.
    for group in Group.objects.filter(round=later):
        users = list(group.members.values_list("user", flat=True))
        assert sum(1 for a in users for b in users if a < b and frozenset((a, b)) in pairs) == 1
    assert 2 * 1000 <= proposal.grouping_objective < 3 * 1000


def test_only_coordinators_start_a_proposal():
    round = _round()
    coordinator()
    with pytest.raises(ProposalError):
        proposal_start(round=round, actor=UserFactory())
    assert not Proposal.objects.exists()


def test_no_proposal_while_interest_registration_is_open():
    actor = coordinator()
    round = _round(interest_closes_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ProposalError, match="pågår"):
        proposal_start(round=round, actor=actor)


def test_no_proposal_once_published():
    actor = coordinator()
    round = _round(stage=Round.Stage.PUBLISHED)
    with pytest.raises(ProposalError):
        proposal_start(round=round, actor=actor)


def test_refused_while_a_run_is_queued_or_running():
    actor = coordinator()
    round = _round()
    first = proposal_start(round=round, actor=actor)
    with pytest.raises(ProposalError):
        proposal_start(round=round, actor=actor)
    Proposal.objects.filter(pk=first.pk).update(status=Proposal.Status.RUNNING)
    with pytest.raises(ProposalError):
        proposal_start(round=round, actor=actor)
    assert Proposal.objects.count() == 1


def test_a_lost_run_is_given_up_and_a_new_one_may_start():
    actor = coordinator()
    round = _round()
    lost = proposal_start(round=round, actor=actor, now=timezone.now() - timedelta(minutes=30))
    Proposal.objects.filter(pk=lost.pk).update(status=Proposal.Status.RUNNING,
                                              created_at=timezone.now() - timedelta(minutes=30))
    proposal_start(round=round, actor=actor)
    lost.refresh_from_db()
    assert lost.status == Proposal.Status.FAILED and Proposal.objects.count() == 2


def test_the_timetable_reads_the_round(monkeypatch):
    # The job passes the round's rules to the timetable, not defaults.
    round = _round(min_days_between_visits=14, max_away_per_school=2)
    _register(round, SchoolFactory.create_batch(3))
    seen = {}
    plan = timetable.plan
    monkeypatch.setattr(timetable, "plan", lambda **kwargs: (seen.update(kwargs), plan(**kwargs))[1])
    proposal_run(proposal_start(round=round, actor=coordinator()).pk)
    assert (seen["min_days_between"], seen["max_away_per_school"]) == (14, 2)
    assert (seen["starts"], seen["ends"]) == (WINDOW["visit_window_starts"], WINDOW["visit_window_ends"])


def test_the_jobs_messages_are_in_the_sites_language_whatever_is_active():
    from django.utils import translation

    proposal = proposal_start(round=_round(), actor=coordinator())
    with translation.override("en"):
        proposal_run(proposal.pk)
    proposal.refresh_from_db()
    assert proposal.error == "Ingen har anmält intresse till omgången."


def test_the_grouping_mixes_schools_by_their_school_forms():
    # Four schools, two of each kind, in two groups of two: each group gets one of each kind.
    round = _round(max_participants=4, group_size=2)
    compulsory = SchoolFactory.create_batch(2, school_forms=["grundskola"])
    with_upper = SchoolFactory.create_batch(2, school_forms=["grundskola", "gymnasieskola"])
    interests = _register(round, [*compulsory, *with_upper])
    assert proposals._school_kinds([compulsory[0].pk, with_upper[0].pk, SchoolFactory(school_forms=[]).pk]) == {
        compulsory[0].pk: ("grundskola",), with_upper[0].pk: ("grundskola", "gymnasieskola")}
    proposal = proposal_start(round=round, actor=coordinator())
    proposal_run(proposal.pk)
    proposal.refresh_from_db()
    assert proposal.grouping_objective == 0
    kinds = {i.pk: i.school in compulsory for i in interests}
    assert all({kinds[a], kinds[b]} == {True, False} for a, b in proposal.groups)
