"""What the demo holds of the development efforts (inspira/efforts/demo.py): Pedagogcentrum's efforts in
every state and one cooperation programme in its third year with its closing seminar. One load of the whole
demo per module, as tests/portal/test_demo_contents.py does."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from inspira.accounts.models import User
from inspira.efforts import demo as efforts_demo
from inspira.efforts.models import (
    ClockEvent,
    CooperationProgramme,
    Document,
    Effort,
    Level,
    ProposalResponse,
    Session,
)
from inspira.efforts.overview import LATE, OTHER, WARNED, urgency
from inspira.efforts.selectors import clock_states
from inspira.events.attendance import attendance_counts, attendance_list
from inspira.events.models import Registration
from tests.portal.test_demo_data import run_load_demo


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_once, db):
    from inspira.events.permissions import forget_coordinators
    from inspira.programmes.state import forget

    forget()
    forget_coordinators()
    return _demo_once


def _counts() -> dict:
    return {"efforts": Effort.objects.count(), "documents": Document.objects.count(),
            "clock": ClockEvent.objects.count(), "sessions": Session.objects.count(),
            "programmes": CooperationProgramme.objects.count(), "registrations": Registration.objects.count(),
            "people": User.objects.count()}


def test_loading_the_efforts_again_changes_nothing(demo):
    first = _counts()
    efforts_demo.load()
    assert _counts() == first


def test_tailor_made_efforts_in_every_state(demo):
    tailor_made = Effort.objects.filter(cooperation__isnull=True)
    assert set(tailor_made.values_list("state", flat=True)) == set(Effort.State.values)
    # Every effort is for one of the demo's schools, asked for by its principal.
    for effort in tailor_made.prefetch_related("schools"):
        (school,) = effort.schools.all()
        assert effort.requested_by.memberships.filter(school=school, role="principal").exists()
    planning = tailor_made.get(state=Effort.State.PLANNING)
    assert planning.planning_meeting.starts_at > timezone.now()
    assert tailor_made.get(state=Effort.State.WITHDRAWN).withdrawn_reason


def test_the_proposals_being_prepared_show_every_kind_of_clock(demo):
    today = timezone.localdate()
    preparing = Effort.objects.filter(cooperation__isnull=True, state=Effort.State.PROPOSAL)
    clocks = clock_states(preparing)
    kinds = sorted(urgency(clock, today) for clock in clocks.values())
    assert kinds == [LATE, WARNED, OTHER, OTHER]
    assert sum(1 for clock in clocks.values() if clock.paused_since is not None) == 1
    assert sum(1 for clock in clocks.values() if urgency(clock, today) == OTHER and clock.is_running) == 1
    # The clocks were started through the clock's action: each has its audit row.
    assert all(effort.clock_events.filter(kind="started").exists() for effort in preparing)


def test_the_running_effort_has_an_accepted_version_and_sessions_on_both_sides_of_today(demo):
    running = Effort.objects.get(cooperation__isnull=True, state=Effort.State.RUNNING)
    accepted = ProposalResponse.objects.get(effort=running, kind=ProposalResponse.Kind.ACCEPTED)
    assert accepted.proposal.version == 2
    assert ProposalResponse.objects.filter(effort=running, kind=ProposalResponse.Kind.CHANGES).exists()
    assert running.clock_events.filter(kind="met").exists()
    starts = [session.event.starts_at for session in running.sessions.select_related("event")]
    assert min(starts) < timezone.now() < max(starts)


def test_the_ended_effort_is_documented_shared_and_evaluated(demo):
    ended = Effort.objects.get(cooperation__isnull=True, state=Effort.State.ENDED)
    assert ended.documentation_shared_at is not None and ended.ended_at is not None
    kinds = set(ended.documents.values_list("kind", flat=True))
    assert {Document.Kind.NOTE, Document.Kind.LESSON, Document.Kind.GOOD_EXAMPLE} <= kinds
    last = ended.sessions.select_related("event__evaluation").order_by("event__starts_at").last().event
    assert last.ends_at < timezone.now()
    # Answered by those who came, enough of them for the results to show (five or more).
    came = last.registrations.filter(attended=True).count()
    assert last.evaluation.responses.count() == came >= 5


def test_one_cooperation_programme_in_its_third_year(demo):
    today = timezone.localdate()
    cooperation = CooperationProgramme.objects.get()
    assert cooperation.first_year == today.year - 2 and cooperation.last_year >= today.year
    assert list(cooperation.partners.values_list("name", flat=True)) == ["Skolverket", "Stockholms universitet"]
    assert cooperation.process_leaders.count() == 7
    efforts = cooperation.efforts.all()
    assert set(efforts.values_list("level", flat=True)) == set(Level.values)
    assert set(efforts.values_list("area", flat=True)) == set(cooperation.areas.values_list("pk", flat=True))
    assert cooperation.areas.count() == 5
    assert all(effort.leader in cooperation.process_leaders.all() for effort in efforts)
    units = set(efforts.values_list("schools", flat=True)) - {None}
    # Every unit has documented lessons; good examples too.
    lessons = Document.objects.filter(effort__cooperation=cooperation, kind=Document.Kind.LESSON)
    assert set(lessons.values_list("school", flat=True)) >= units
    assert Document.objects.filter(effort__cooperation=cooperation, kind=Document.Kind.GOOD_EXAMPLE).exists()


def test_the_closing_seminar_was_attended_by_every_unit(demo):
    cooperation = CooperationProgramme.objects.get()
    seminar = cooperation.closing_seminar
    assert seminar.ends_at < timezone.now() and seminar.programme == cooperation.programme
    registrations = list(attendance_list(seminar))
    counts = attendance_counts(registrations)
    assert 55 <= counts.came <= 65 and counts.unmarked == 0
    units = set(cooperation.efforts.values_list("schools", flat=True)) - {None}
    assert {r.school_id for r in registrations if r.attended} == units


def test_the_centres_overview_shows_the_demo_late_effort_first(demo, client):
    client.force_login(User.objects.get(email=efforts_demo.CENTRE))
    response = client.get(reverse("efforts:overview"))
    assert response.status_code == 200
    first = response.context["rows"][0]
    assert first["is_late"]
    assert response.context["late_count"] == 1 and response.context["warned_count"] == 1
