"""The proposal and the dialogue about it (inspira/efforts/proposals.py): versions that never change,
an acceptance bound to one version, the clock met by the first version, what changed since the last
version, who may do what, the emails and the audit trail; and the database's own rules, also under a
race."""

import datetime
import importlib
import time
from datetime import date

import pytest
from django.apps import apps
from django.core import mail
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation

from inspira.core.appendonly import erasure_rewrites
from inspira.core.models import AuditEvent
from inspira.efforts import proposals
from inspira.efforts.clock import clock_of
from inspira.efforts.models import ClockEvent, Effort, Proposal, ProposalResponse
from inspira.efforts.proposals import (
    ProposalError,
    proposal_accept,
    proposal_changes,
    proposal_may_accept,
    proposal_may_present,
    proposal_may_request_changes,
    proposal_request_changes,
    text_diff,
)
from inspira.privacy.scrub import rewrite_protected
from tests.appendonly import forged_copy, on_postgresql, raw_sql
from tests.efforts.factories import (
    PROPOSAL_TEXT,
    clock_entry,
    coordinator,
    effort_awaiting_proposal,
    present,
    principal_of,
)
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db

STOCKHOLM = datetime.timezone(datetime.timedelta(hours=2))  # summer time, as in the tests' dates


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _english():
    """The services' messages in English (their msgids), as the race harness reads them."""
    with translation.override("en"):
        yield


@pytest.fixture
def centre(db):
    return coordinator()


@pytest.fixture
def effort(school):
    return effort_awaiting_proposal(schools=[school])


# --- Versions -------------------------------------------------------------------------------------------------------

def test_versions_are_numbered_one_after_the_other(effort, centre):
    first = present(effort, centre)
    second = present(effort, centre, goals="Alla lärare använder stöttande strukturer.")
    other = present(effort_awaiting_proposal(schools=[SchoolFactory()]), centre)
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert second.created_by == centre and second.goals == "Alla lärare använder stöttande strukturer."
    assert second.summary == PROPOSAL_TEXT["summary"]


def test_a_version_needs_its_parts_and_a_change(effort, centre):
    for part in ("summary", "goals", "plan"):
        with pytest.raises(ProposalError) as refused:
            present(effort, centre, **{part: "   "})
        assert refused.value.field == part
    present(effort, centre)  # the scope may be empty
    with pytest.raises(ProposalError, match="Nothing has changed since version 1"):
        present(effort, centre, summary=PROPOSAL_TEXT["summary"] + "  ")  # the same text once trimmed
    assert list(Proposal.objects.values_list("version", flat=True)) == [1]


def test_only_the_centre_presents_and_only_while_the_proposal_is_prepared(school, effort, centre, principal,
                                                                           administrator):
    assert proposal_may_present(effort=effort, actor=centre) and proposal_may_present(effort=effort,
                                                                                      actor=administrator)
    for person in (principal, member(school), UserFactory()):
        assert not proposal_may_present(effort=effort, actor=person)
        with pytest.raises(ProposalError, match="Only the development centre"):
            present(effort, person)
    requested = effort_awaiting_proposal(schools=[school], state=Effort.State.REQUESTED)
    assert not proposal_may_present(effort=requested, actor=centre)
    with pytest.raises(ProposalError, match="after the planning meeting"):
        present(requested, centre)
    assert not Proposal.objects.exists()


# --- Versions never change ------------------------------------------------------------------------------------------

def test_a_version_and_its_answer_cannot_be_changed_or_deleted(effort, centre, principal):
    proposal = present(effort, centre)
    answer = proposal_request_changes(proposal=proposal, actor=principal, comment="Fler träffar, tack.")
    for row, field in ((proposal, "summary"), (answer, "comment")):
        model = type(row)
        attempts = [
            lambda r=row: r.save(),
            lambda r=row, f=field: r.save(update_fields=[f]),
            lambda r=row: r.delete(),
            lambda r=row, f=field: type(r).objects.filter(pk=r.pk).update(**{f: "Något annat"}),
            lambda r=row: type(r).objects.filter(pk=r.pk).delete(),
            lambda r=row, f=field: type(r).objects.bulk_update([r], [f]),
        ]
        for attempt in attempts:
            with pytest.raises(TypeError, match="append-only"), transaction.atomic():
                attempt()
        assert model.objects.filter(pk=row.pk).exists()
        with pytest.raises(IntegrityError), transaction.atomic():
            forged_copy(row, **{field: "Något annat"}).save()  # a new object with the stored row's id
    proposal.refresh_from_db(), answer.refresh_from_db()
    assert (proposal.summary, answer.comment) == (PROPOSAL_TEXT["summary"], "Fler träffar, tack.")


@on_postgresql
@pytest.mark.parametrize(("table", "column", "value"), [
    ("efforts_proposal", "summary", "Något annat"), ("efforts_proposal", "version", 7),
    ("efforts_proposal", "created_at", "2020-01-01T00:00:00Z"),
    ("efforts_proposalresponse", "kind", "accepted"), ("efforts_proposalresponse", "comment", "Något annat"),
])
def test_the_database_refuses_to_change_a_version_or_an_answer(effort, centre, principal, table, column, value):
    proposal = present(effort, centre)
    answer = proposal_request_changes(proposal=proposal, actor=principal, comment="Fler träffar, tack.")
    row_id = proposal.pk if table == "efforts_proposal" else answer.pk
    with pytest.raises(DatabaseError, match="append-only"):
        raw_sql(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row_id])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        raw_sql(f"DELETE FROM {table} WHERE id = %s", [row_id])  # noqa: S608
    assert Proposal.objects.filter(pk=proposal.pk, summary=PROPOSAL_TEXT["summary"]).exists()
    assert ProposalResponse.objects.filter(pk=answer.pk, kind="changes").exists()


@on_postgresql
def test_the_database_lets_erasure_rewrite_only_the_text(effort, centre, principal):
    proposal = present(effort, centre, summary="Rut Rektor leder första träffen.")
    # Erasure (privacy.scrub) may replace a mention of a person in the text; and a deleted account's
    # reference becomes NULL.
    rewrite_protected(Proposal, proposal.pk, summary="Borttagen person leder första träffen.")
    assert raw_sql("UPDATE efforts_proposal SET created_by_id = NULL WHERE id = %s", [proposal.pk]) == 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), erasure_rewrites():
        raw_sql("UPDATE efforts_proposal SET version = 9 WHERE id = %s", [proposal.pk])
    proposal.refresh_from_db()
    assert (proposal.summary, proposal.created_by, proposal.version) == (
        "Borttagen person leder första träffen.", None, 1)


# --- The answer: accepting one version ------------------------------------------------------------------------------

def test_accepting_names_the_version_and_the_time_and_starts_the_effort(effort, centre, principal):
    present(effort, centre)
    second = present(effort, centre, plan="Två träffar.")
    now = at(2026, 9, 14, 10, 30)

    answer = proposal_accept(proposal=second, actor=principal, now=now)

    assert (answer.kind, answer.proposal, answer.effort, answer.at, answer.by) == (
        ProposalResponse.Kind.ACCEPTED, second, effort, now, principal)
    effort.refresh_from_db()
    assert (effort.state, effort.state_changed_at) == (Effort.State.RUNNING, now)
    assert proposals.accepted_answer(effort) == answer


def test_only_the_latest_version_can_be_answered(effort, centre, principal):
    first = present(effort, centre)
    present(effort, centre, plan="Två träffar.")
    assert not proposal_may_accept(proposal=first, actor=principal)
    assert not proposal_may_request_changes(proposal=first, actor=principal)
    with pytest.raises(ProposalError, match="Version 1 is no longer the latest: answer version 2"):
        proposal_accept(proposal=first, actor=principal)
    with pytest.raises(ProposalError, match="no longer the latest"):
        proposal_request_changes(proposal=first, actor=principal, comment="Hellre den första.")
    assert not ProposalResponse.objects.exists()


def test_after_acceptance_nothing_more_happens_to_the_proposal(effort, centre, principal):
    proposal = present(effort, centre)
    proposal_accept(proposal=proposal, actor=principal)
    assert not proposal_may_present(effort=effort, actor=centre)
    with pytest.raises(ProposalError, match="already accepted"):
        present(effort, centre, plan="Fem träffar.")
    for attempt in (lambda: proposal_accept(proposal=proposal, actor=principal),
                    lambda: proposal_request_changes(proposal=proposal, actor=principal, comment="Ändå en sak.")):
        with pytest.raises(ProposalError, match="already accepted"):
            attempt()
    assert (Proposal.objects.count(), ProposalResponse.objects.count()) == (1, 1)


def test_the_database_keeps_one_accepted_version_and_one_answer_a_version(effort, centre, principal):
    first = present(effort, centre)
    second = present(effort, centre, plan="Två träffar.")
    ProposalResponse.objects.create(proposal=first, effort=effort, kind="accepted", by=principal)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalResponse.objects.create(proposal=second, effort=effort, kind="accepted", by=principal)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalResponse.objects.create(proposal=first, effort=effort, kind="changes", comment="x", by=principal)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalResponse.objects.create(proposal=second, effort=effort, kind="changes", comment="", by=principal)


# --- The answer: asking for changes ---------------------------------------------------------------------------------

def test_asking_for_changes_needs_a_comment_and_leads_to_the_next_version(effort, centre, principal):
    first = present(effort, centre)
    with pytest.raises(ProposalError) as refused:
        proposal_request_changes(proposal=first, actor=principal, comment="  \n ")
    assert refused.value.field == "comment"

    answer = proposal_request_changes(proposal=first, actor=principal, comment="  Fler träffar, tack. ")

    assert (answer.kind, answer.comment, answer.proposal) == (ProposalResponse.Kind.CHANGES,
                                                             "Fler träffar, tack.", first)
    effort.refresh_from_db()
    assert effort.state == Effort.State.PROPOSAL
    # The version is answered; the centre presents the next, which the principal may accept.
    assert not proposal_may_accept(proposal=first, actor=principal)
    with pytest.raises(ProposalError, match="already answered"):
        proposal_accept(proposal=first, actor=principal)
    second = present(effort, centre, plan="Sex träffar.")
    assert proposal_may_accept(proposal=second, actor=principal)
    proposal_accept(proposal=second, actor=principal)
    assert ProposalResponse.objects.get(kind="accepted").proposal == second


# --- Who may answer -------------------------------------------------------------------------------------------------

def test_only_the_principal_of_the_unit_answers(school, other_school, effort, centre, principal):
    proposal = present(effort, centre)
    others = [principal_of(other_school), member(school), centre, UserFactory()]
    for person in others:
        assert not proposal_may_accept(proposal=proposal, actor=person)
        assert not proposal_may_request_changes(proposal=proposal, actor=person)
        with pytest.raises(ProposalError, match="Only the principal of the unit"):
            proposal_accept(proposal=proposal, actor=person)
        with pytest.raises(ProposalError, match="Only the principal of the unit"):
            proposal_request_changes(proposal=proposal, actor=person, comment="Något.")
    assert not ProposalResponse.objects.exists()
    # A principal of any of the effort's units may answer.
    shared = effort_awaiting_proposal(schools=[school, other_school])
    assert proposal_may_accept(proposal=present(shared, centre), actor=principal_of(other_school))


# --- The proposal clock ---------------------------------------------------------------------------------------------

def test_the_first_version_meets_the_clock_on_its_local_day(effort, centre):
    clock_entry(effort, "started", date(2026, 9, 21))
    # 23:30 UTC on 5 October is 01:30 on 6 October in Stockholm: the day the proposal was presented.
    late = datetime.datetime(2026, 10, 5, 23, 30, tzinfo=datetime.UTC)
    present(effort, centre, now=late)
    present(effort, centre, plan="Två träffar.", now=late + datetime.timedelta(days=3))

    met = ClockEvent.objects.filter(effort=effort, kind="met")
    assert [(entry.day, entry.actor) for entry in met] == [(date(2026, 10, 6), centre)]
    assert clock_of(effort).met_on == date(2026, 10, 6)


def test_a_clock_that_never_started_is_left_alone(effort, centre):
    present(effort, centre)
    assert not ClockEvent.objects.exists()


# --- What changed since the last version ----------------------------------------------------------------------------

def test_the_diff_marks_lines_added_and_removed():
    lines = text_diff("Träff 1\nTräff 2\nTräff 3", "Träff 1\nTräff 2b\nTräff 3\nTräff 4")
    assert [(line.kind, line.text) for line in lines] == [
        ("same", "Träff 1"), ("removed", "Träff 2"), ("added", "Träff 2b"), ("same", "Träff 3"),
        ("added", "Träff 4")]
    assert [line.kind for line in text_diff("", "Ny text")] == ["added"]
    assert [line.kind for line in text_diff("Gammal text", "")] == ["removed"]


def test_the_changes_are_given_per_part(effort, centre):
    first = present(effort, centre)
    second = present(effort, centre, plan=PROPOSAL_TEXT["plan"].replace("Träff 4: uppföljning.", "Träff 4: avslut."),
                     scope="Rektor deltar.")
    changes = {change.name: change for change in proposal_changes(proposal=second, previous=first)}
    assert list(changes) == ["summary", "goals", "plan", "scope"]
    assert not changes["summary"].changed and not changes["goals"].changed
    plan = [(line.kind, line.text) for line in changes["plan"].lines if line.kind != "same"]
    assert plan == [("removed", "Träff 4: uppföljning."), ("added", "Träff 4: avslut.")]
    assert [(line.kind, line.text) for line in changes["scope"].lines] == [("added", "Rektor deltar.")]


# --- Emails and the audit trail -------------------------------------------------------------------------------------

def test_the_principals_are_told_of_a_new_version(school, other_school, centre, principal,
                                                 django_capture_on_commit_callbacks):
    other = principal_of(other_school)
    effort = effort_awaiting_proposal(schools=[school, other_school])
    with django_capture_on_commit_callbacks(execute=True):
        proposal = present(effort, centre)
    [email] = mail.outbox
    assert sorted(email.to) == sorted([principal.email, other.email])
    assert effort.title in email.subject and "version 1" in email.subject
    assert f"/insatser/{effort.pk}/" in email.body and f"/insatser/forslag/{proposal.pk}/" in email.body


def test_a_unit_without_a_principal_is_told_at_its_own_address(centre, django_capture_on_commit_callbacks):
    school = SchoolFactory(contact_email="expedition@skolan.example")
    effort = effort_awaiting_proposal(schools=[school])
    with django_capture_on_commit_callbacks(execute=True):
        present(effort, centre)
    assert [email.to for email in mail.outbox] == [["expedition@skolan.example"]]


def test_the_centre_is_told_of_an_answer(effort, centre, principal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = present(effort, centre)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_request_changes(proposal=proposal, actor=principal, comment="Fler träffar, tack.")
    [changes] = mail.outbox
    assert changes.to == [centre.email] and "Fler träffar, tack." in changes.body
    assert f"/insatser/{effort.pk}/forslag/nytt/" in changes.body

    # With a person responsible for the effort, that person is told (not every coordinator).
    responsible = coordinator()
    Effort.objects.filter(pk=effort.pk).update(leader=responsible)
    effort.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        second = present(effort, centre, plan="Sex träffar.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_accept(proposal=second, actor=principal)
    [accepted] = mail.outbox
    assert accepted.to == [responsible.email] and "version 2" in accepted.body


def test_every_step_is_in_the_audit_trail(effort, centre, principal):
    clock_entry(effort, "started", date(2026, 9, 21))
    first = present(effort, centre)
    proposal_request_changes(proposal=first, actor=principal, comment="Fler träffar.")
    second = present(effort, centre, plan="Sex träffar.")
    proposal_accept(proposal=second, actor=principal)
    rows = list(AuditEvent.objects.filter(object_type="efforts.effort").order_by("pk")
                .values_list("action", "actor_id", "data__version"))
    assert rows == [
        ("effort.proposal_presented", centre.pk, 1), ("effort.clock_met", centre.pk, None),
        ("effort.proposal_changes_requested", principal.pk, 1), ("effort.proposal_presented", centre.pk, 2),
        ("effort.proposal_accepted", principal.pk, 2),
    ]


def test_a_refused_action_writes_nothing(effort, centre, principal):
    proposal = present(effort, centre)
    count = AuditEvent.objects.count()
    with pytest.raises(ProposalError):
        proposal_accept(proposal=proposal, actor=centre)
    with pytest.raises(ProposalError):
        present(effort, principal, plan="Annat.")
    assert AuditEvent.objects.count() == count and ProposalResponse.objects.count() == 0


# --- Races (both engines: the threads commit) -----------------------------------------------------------------------

programmes_migration = importlib.import_module("inspira.programmes.migrations.0002_the_five_programmes")


@pytest.fixture
def _programmes_back(transactional_db):
    # A transactional test empties the tables afterwards, the programmes of the data migration among
    # them; put them back first (as tests/events/test_race.py does).
    programmes_migration.create(apps, None)


def _sleep_in_window():
    time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_of_different_versions_at_once_one_wins_by_the_database(_programmes_back, monkeypatch):
    """Two acceptances of versions 1 and 2 at the same moment, with the service's own checks and lock
    switched off, as if both had read "nothing accepted yet, this is the latest": the database's
    constraint (one accepted version an effort) lets exactly one through; the other is told, not a 500."""
    from tests.race import race

    school = SchoolFactory()
    effort = effort_awaiting_proposal(schools=[school])
    centre, principal = coordinator(), principal_of(school)
    first = present(effort, centre)
    second = present(effort, centre, plan="Två träffar.")
    monkeypatch.setattr(proposals, "answer_refusal", lambda **kwargs: None)
    monkeypatch.setattr(proposals, "_lock_effort", lambda effort: Effort.objects.get(pk=effort.pk))
    monkeypatch.setattr(proposals, "_race_window", _sleep_in_window)

    outcome = race([lambda p=p: proposal_accept(proposal=p, actor=principal) for p in (first, second)],
                   full=ProposalError)

    assert outcome.errors == []
    assert outcome.made == 1 and len(outcome.full) == 1
    assert "answered at the same moment" in outcome.full[0]
    assert ProposalResponse.objects.filter(effort=effort, kind="accepted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_principals_accepting_at_once_one_wins_by_the_lock(_programmes_back, monkeypatch):
    """The service as the pages call it: two principals of the effort's units accept the latest version
    at once; the effort's row lock lets one in, the other reads the acceptance and is told."""
    from tests.race import race

    schools = [SchoolFactory(), SchoolFactory()]
    effort = effort_awaiting_proposal(schools=schools)
    proposal = present(effort, coordinator())
    monkeypatch.setattr(proposals, "_race_window", _sleep_in_window)

    outcome = race([lambda s=s: proposal_accept(proposal=proposal, actor=principal_of(s)) for s in schools],
                   full=ProposalError)

    assert outcome.errors == []
    assert outcome.made == 1 and outcome.full == ["A version of the proposal is already accepted."]
    assert ProposalResponse.objects.filter(effort=effort).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_presenting_at_once_make_versions_two_and_three(_programmes_back, monkeypatch):
    """Two coordinators present at the same moment: the lock makes them take turns, so one makes
    version 2 and the other version 3 (never two version 2s, never a server error)."""
    from tests.race import race

    effort = effort_awaiting_proposal(schools=[SchoolFactory()])
    first_centre, second_centre = coordinator(), coordinator()
    present(effort, first_centre)
    monkeypatch.setattr(proposals, "_race_window", _sleep_in_window)

    outcome = race([lambda c=c, n=n: present(effort, c, plan=f"Plan {n}.")
                    for n, c in enumerate([first_centre, second_centre])], full=ProposalError)

    assert outcome.errors == [] and outcome.made == 2
    assert sorted(Proposal.objects.filter(effort=effort).values_list("version", flat=True)) == [1, 2, 3]
