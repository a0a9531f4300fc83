"""What the demo holds (the development efforts too): tests that only read it (or change it inside their
own savepoint), sharing one load of the demo per module. Loading it takes a few seconds, once per test it
was a minute and a half of the suite. The tests that load it themselves (from an empty database, on a
pinned day) are in test_demo_data.py."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from stdnum.se import orgnr

from inspira.accounts.models import Membership, User
from inspira.core.models import AuditEvent
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
from inspira.events.models import Event, Registration
from inspira.portal.management.commands import load_demo
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme, ProgrammeCoordinator
from inspira.schools.models import District, School, SchoolForm
from inspira.schoolyears.models import FeeRule, SchoolYear
from inspira.schoolyears.services import fee_rule_for
from inspira.surveys.models import Survey
from tests.portal.test_demo_data import MUNICIPAL, counts, run_load_demo


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    # One transaction around the module, rolled back at its end; each test runs in a savepoint
    # inside it (pytest-django's db fixture), so a test that changes the demo changes it for itself.
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
    # tests/conftest.py seeds each test's cache with the defaults the database holds at the start of a
    # test; here it holds the demo's (every programme on, coordinators named): read those instead.
    from inspira.events.permissions import forget_coordinators
    from inspira.programmes.state import forget

    forget()
    forget_coordinators()
    return _demo_once


def test_loading_twice_changes_nothing(demo):
    first = counts()
    run_load_demo()
    assert counts() == first
    assert first["schools"] >= 12
    assert first["school forms"] >= first["schools"]


def test_the_demo_holds_stockholms_units_from_the_recorded_register(demo):
    from inspira.schools.models import RegisterChange, RegisterImport, RegisterUnit
    from inspira.schools.selectors import closed_schools

    assert RegisterUnit.objects.filter(municipality_code="0180").count() == 25
    assert RegisterImport.objects.filter(trigger=RegisterImport.Trigger.DEMO, outcome="imported").exists()
    # Every demo school is a unit of the register, matched by its code, and has the register's data already.
    assert set(School.objects.values_list("unit_code", flat=True)) <= set(
        RegisterUnit.objects.values_list("unit_code", flat=True))
    assert not RegisterChange.objects.exclude(field__in=["added", "successor"]).exists()
    # Skarpnäcksskolan closed when it merged; the administration recorded its successor by hand.
    merged = RegisterUnit.objects.get(unit_code="57381620")
    assert merged.is_closed and merged.successor.name == "Skarpnäcks skola"
    assert list(closed_schools().values_list("name", flat=True)) == ["Skarpnäcksskolan"]


def test_demo_has_people_in_every_role(demo):
    assert set(User.objects.exclude(role="").values_list("role", flat=True)) == set(User.Role.values) - {""}
    confirmed = Membership.objects.filter(confirmed_at__isnull=False)
    assert set(confirmed.values_list("role", flat=True)) == set(Membership.Role.values)
    assert confirmed.filter(role=Membership.Role.PRINCIPAL).values("school").distinct().count() >= 3
    pending = Membership.objects.get(confirmed_at__isnull=True)
    assert pending.user.is_active and pending.user.email_verified_at is not None


def test_demo_schools_are_valid(demo):
    schools = list(School.objects.prefetch_related("school_forms"))
    for school in schools:
        school.full_clean()  # unit code, organisation number, emails, lengths, uniqueness
        assert orgnr.is_valid(school.organisation_number), school
        assert len(school.unit_code) == 8 and school.unit_code.isdigit(), school
        assert school.school_forms.all(), school
    assert len({s.unit_code for s in schools}) == len(schools)
    municipal = [s for s in schools if s.organisation_number == MUNICIPAL]
    independent = [s for s in schools if s.organisation_number != MUNICIPAL]
    assert len(municipal) >= 10
    assert len(independent) >= 2


def test_demo_email_addresses_are_not_real(demo):
    # Demo emails must never reach a real person, whatever the email settings.
    addresses = list(User.objects.values_list("email", flat=True))
    for school in School.objects.all():
        addresses += [school.contact_email, school.invoice_email]
    assert all(a.endswith(".example") for a in addresses if a)


def test_demo_password_logs_everyone_in(demo):
    from django.contrib.auth.hashers import check_password

    assert all(User.objects.values_list("is_active", flat=True))
    # Argon2 is slow on purpose: check each distinct hash once, not each of the many people.
    for encoded in set(User.objects.values_list("password", flat=True)):
        assert check_password(load_demo.DEMO_PASSWORD, encoded)


def test_fee_rule_2010_follows_the_programme(demo):
    rule = FeeRule.objects.get(school_year__start_year=2010)
    assert rule.visit_fee_ore == 200_000
    assert rule.central_share_ore == 100_000
    assert rule.visiting_share_ore == 100_000
    assert rule.establishment_support_ore == 1_000_000
    rule.full_clean()


def test_fee_rule_for_today_resolves(demo):
    rule = fee_rule_for()
    assert rule.visit_fee_ore == 200_000
    assert rule.central_share_ore + rule.visiting_share_ore == rule.visit_fee_ore


def test_new_rows_after_loading_get_free_ids(demo):
    # On PostgreSQL loaddata must leave the sequences past the fixture's fixed ids.
    district = District.objects.create(name="Ny stadsdel")
    school = School.objects.create(
        name="Nya skolan", unit_code="99999999", organisation_number=MUNICIPAL, district=district,
        street_address="Nygatan 1", postal_code="111 22", invoice_address="Stockholms stad",
        invoice_reference="NY1", contact_email="ny@skola.example",
    )
    school.school_forms.set(SchoolForm.objects.filter(code="grundskola"))
    user = User.objects.create_user("ny.person@inspira.example", "x", name="Ny Person")
    Membership.objects.create(user=user, school=school)
    year = SchoolYear.objects.create(start_year=2099)
    # Past the fixture's ids, so the sequence never walks into a demo row later.
    assert district.pk > District.objects.exclude(pk=district.pk).latest("pk").pk
    assert user.pk > User.objects.exclude(pk=user.pk).latest("pk").pk
    assert year.pk > SchoolYear.objects.exclude(pk=year.pk).latest("pk").pk


def test_prints_every_login_and_the_password(demo):
    assert load_demo.DEMO_PASSWORD in demo
    for email in User.objects.values_list("email", flat=True):
        assert email in demo
    assert "Katarina Södra skola" in demo


def test_every_demo_school_has_a_confirmed_principal(demo):
    schools = School.objects.all()
    with_principal = schools.filter(memberships__role=Membership.Role.PRINCIPAL,
                                    memberships__confirmed_at__isnull=False).distinct()
    assert set(with_principal) == set(schools)


def test_demo_has_two_current_sites_one_certified_last_school_year(demo, client):
    from django.urls import reverse

    from inspira.certification.models import Certification, Decision, EstablishmentSupportPayment
    from inspira.schoolyears.models import school_year_start

    run_load_demo()  # a second load must not certify the sites again
    today = datetime.date.today()
    sites = {site.school.name: site for site in Certification.objects.current()}
    assert set(sites) == {"Katarina Södra skola", "Fridhemsskolan"}
    assert sites["Katarina Södra skola"].starts_on == today
    older = sites["Fridhemsskolan"]
    assert school_year_start(older.starts_on) == school_year_start(today) - 1
    # Made at the time it stands for, not today: the decision and the case's trail carry its date.
    decision = Decision.objects.get(application__school__name="Fridhemsskolan")
    assert decision.decided_at.date() == older.starts_on
    assert {change.at.date() for change in older.application.status_changes.all()} == {older.starts_on}
    assert Decision.objects.count() == 2
    assert set(EstablishmentSupportPayment.objects.values_list("amount_ore", flat=True)) == {1_000_000}
    response = client.get(reverse("catalogue:index"))
    assert "Utomhusmatematik i årskurs 1–3" in response.content.decode()


def test_demo_site_has_bookable_occasions_and_one_booking(demo, client):
    from django.urls import reverse

    from inspira.visits.models import Booking, Occasion

    run_load_demo()  # a second load must not publish or book again
    occasions = Occasion.objects.filter(certification__school__name="Katarina Södra skola")
    assert occasions.count() == 3
    assert all(o.date > datetime.date.today() for o in occasions)
    booking = Booking.objects.get(occasion__in=occasions)
    assert (booking.school.name, booking.participants, booking.status) == (
        "Farsta grundskola", 3, Booking.Status.CONFIRMED)
    site = occasions.first().certification
    response = client.get(reverse("catalogue:index") + "?free_occasions=on")
    assert response.status_code == 200
    assert site.application.area_title in response.content.decode()


def test_every_programme_is_on_with_a_coordinator_of_its_own(demo):
    assert set(Programme.objects.filter(is_active=True).values_list("key", flat=True)) == set(Key.values)
    coordinators = {}
    for key, email in ProgrammeCoordinator.objects.values_list("programme__key", "user__email"):
        coordinators.setdefault(key, set()).add(email)
    assert set(coordinators) == set(Key.values)
    # One person a programme: each coordinator's login shows one programme's events.
    everyone = [email for emails in coordinators.values() for email in emails]
    assert len(everyone) == len(set(everyone)) == len(Key.values)
    assert coordinators[Key.TAILOR_MADE] == {"pedagogcentrum@inspira.example"}
    for email in everyone:
        assert email in demo


def test_every_programme_has_events_past_and_coming_of_its_kinds(demo):
    now = timezone.now()
    for key in Key.values:
        events = Event.objects.filter(programme__key=key)
        assert events.filter(ends_at__lt=now).exists(), key
        assert events.filter(starts_at__gt=now).exists(), key
        # Made by the programme's own coordinator, through the service (its audit row).
        assert set(events.values_list("created_by__programme_coordinations__programme__key", flat=True)) == {key}
    assert AuditEvent.objects.filter(action="event.created").count() == Event.objects.count()

    def kinds(key):
        return set(Event.objects.filter(programme__key=key).values_list("kind", flat=True))

    assert {Event.Kind.KICK_OFF, Event.Kind.CLOSING} <= kinds(Key.BENCHMARKING)
    assert {Event.Kind.FOCUS_GROUP, Event.Kind.CHAT} <= kinds(Key.TEACHER_PANEL)
    assert Event.Kind.SESSION in kinds(Key.TAILOR_MADE)
    assert Event.Kind.SEMINAR in kinds(Key.INSPIRATION_SITES)
    # The cooperation programme's closing seminar was held last week (inspira.efforts.demo); a seminar is ahead.
    closing = Event.objects.get(programme__key=Key.COOPERATION, kind=Event.Kind.CLOSING)
    assert closing.cooperation_closing_of is not None and closing.ends_at < now
    assert Event.objects.filter(programme__key=Key.COOPERATION, kind=Event.Kind.SEMINAR, starts_at__gt=now,
                                is_public=True).exists()


def test_the_public_calendar_shows_the_public_events_ahead_and_no_online_link(demo):
    from django.test import Client
    from django.urls import reverse

    now = timezone.now()
    page = Client().get(reverse("events:calendar")).content.decode()
    public = Event.objects.filter(is_public=True, starts_at__gt=now)
    assert public.values("programme").distinct().count() >= 3
    for event in public:
        assert event.title in page
    for event in Event.objects.filter(is_public=False):
        assert event.title not in page
    for event in Event.objects.filter(is_public=True, ends_at__lt=now):
        assert event.title not in page
    assert "moten.inspira.example" not in page


def test_demo_teachers_registered_and_one_event_is_full_with_a_waiting_list(demo):
    now = timezone.now()
    registrations = Registration.objects.select_related("user", "event")
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.filter(user__email__startswith="larare.").values("user").distinct().count() >= 8
    # Each counts against the person's school.
    assert not registrations.filter(school__isnull=True).exists()
    # A benchmarking round's meetings hold a place for every participant, and an effort's planning meeting one
    # for each person invited, so they are full by design.
    full = [event for event in Event.objects.filter(starts_at__gt=now, benchmarking_closing_of__isnull=True,
                                                    effort_planning_of__isnull=True)
            if event.registrations.filter(status=Registration.Status.CONFIRMED).count() == event.capacity]
    assert len(full) == 1
    waiting = full[0].registrations.filter(status=Registration.Status.WAITING).order_by("created_at")
    assert waiting.count() == 2
    # The line comes after the places were taken.
    assert waiting.first().created_at > full[0].registrations.filter(
        status=Registration.Status.CONFIRMED).latest("created_at").created_at
    # Nobody holds more places than there are.
    for event in Event.objects.all():
        assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() <= event.capacity


def test_attendance_is_marked_on_the_events_that_are_over_only(demo):
    now = timezone.now()
    over = Registration.objects.filter(event__ends_at__lt=now, status=Registration.Status.CONFIRMED)
    assert over.exists()
    assert not over.filter(attended__isnull=True).exists()
    assert not over.filter(attendance_marked_at__isnull=True).exists()
    assert over.filter(attended=True).exists() and over.filter(attended=False).exists()
    assert not Registration.objects.filter(event__starts_at__gt=now, attended__isnull=False).exists()


def test_the_site_days_evaluation_is_closed_and_shows_figures(demo, client):
    from django.urls import reverse

    from inspira.events.demo import SITE_DAY
    from inspira.surveys.selectors import survey_results

    survey = Survey.objects.get(title__contains=SITE_DAY)
    assert survey.state() == Survey.State.CLOSED
    event = Event.objects.get(title=SITE_DAY)
    # Sent to those who came, answered by every one of them, at least six.
    came = set(event.registrations.filter(attended=True).values_list("user", flat=True))
    assert set(survey.invitations.values_list("user", flat=True)) == came
    assert survey.responses.count() == len(came) >= 6
    assert all(event.ends_at.date() < r.submitted_on < timezone.localdate() for r in survey.responses.all())
    results = survey_results(survey=survey)
    assert not results.suppressed
    shown = [row.count.value for question in results.questions for row in question.rows if not row.count.suppressed]
    assert shown and all(value >= 5 for value in shown)
    assert results.questions[0].mean is not None
    coordinator = User.objects.get(email="inspirationsplatser@inspira.example")
    client.force_login(coordinator)
    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "Samtalen i små grupper med lärare från andra skolor." in page
    assert str(results.questions[0].mean).replace(".", ",") in page


def test_benchmarking_holds_one_round_in_progress(demo):
    from inspira.benchmarking.demo import TITLE
    from inspira.benchmarking.models import Claim, DateAnswer, DayAway, Interest, Proposal, Round, Visit

    current = Round.objects.get(title=TITLE)
    assert Round.objects.filter(title=TITLE).count() == 1
    assert current.stage == Round.Stage.PUBLISHED and current.published_at is not None
    assert AuditEvent.objects.filter(action="benchmarking.round_created", object_id=str(current.pk)).exists()
    today = timezone.localdate()
    assert current.interest_closes_at < timezone.now()
    assert current.kickoff.ends_at < timezone.now() < current.closing.starts_at
    assert current.visit_window_starts < today < current.visit_window_ends
    # Made by the job: the solver's record is kept with the proposal.
    proposal = current.proposals.get()
    assert proposal.status == Proposal.Status.DONE and proposal.solver_name and proposal.grouping_status
    # More registrations than places: someone is not admitted; one admitted was deferred from the round before.
    interests = current.interests.all()
    admitted = interests.filter(decision=Interest.Decision.ADMITTED)
    assert interests.count() > current.max_participants == admitted.count()
    assert interests.filter(decision=Interest.Decision.NOT_ADMITTED).exists()
    deferred = interests.get(deferred_from__isnull=False)
    assert deferred.decision == Interest.Decision.ADMITTED
    assert deferred.deferred_from.stage == Round.Stage.FINISHED
    # Groups whose members all come from different schools, and from more than one school each.
    assert current.groups.count() == 3
    for group in current.groups.all():
        schools = list(group.members.values_list("school", flat=True))
        assert len(schools) == len(set(schools)) >= 2
    visits = Visit.objects.filter(group__round=current)
    assert visits.filter(date__lt=today).exists() and visits.filter(date__gt=today).exists()
    held = visits.get(status=Visit.Status.HELD)
    assert held.held_confirmed_by == held.host.user and held.date < today
    assert DayAway.objects.filter(visit=held).count() == held.group.members.count()
    # Days away from the kick-off: the participants who came.
    assert DayAway.objects.filter(participant__round=current, kind=DayAway.Kind.KICKOFF).count() == (
        current.kickoff.registrations.filter(attended=True).count()) > 0
    answers = DateAnswer.objects.filter(member__round=current)
    assert answers.filter(answer=DateAnswer.Answer.CONFIRMED).exists()
    assert answers.filter(answer=DateAnswer.Answer.OTHER_DATES).exists()
    claim = Claim.objects.get(round=current)
    assert claim.status == Claim.Status.CLAIMED and claim.lines.exists()
    assert claim.claimed_by.memberships.filter(school=claim.school, role=Membership.Role.PRINCIPAL).exists()


# --- Development efforts (inspira/efforts/demo.py): Pedagogcentrum's efforts in every state and one
# cooperation programme in its third year with its closing seminar. ---------------------------------------

def _effort_counts() -> dict:
    return {"efforts": Effort.objects.count(), "documents": Document.objects.count(),
            "clock": ClockEvent.objects.count(), "sessions": Session.objects.count(),
            "programmes": CooperationProgramme.objects.count(), "registrations": Registration.objects.count(),
            "people": User.objects.count()}


def test_loading_the_efforts_again_changes_nothing(demo):
    first = _effort_counts()
    efforts_demo.load()
    assert _effort_counts() == first


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


# --- The teacher panel (inspira.panel.demo) ----------------------------------------------------------------

def test_the_panel_has_members_and_one_who_left(demo):
    from inspira.panel import demo as panel_demo
    from inspira.panel.models import Member

    assert Member.objects.filter(ended_at__isnull=True).count() == len(panel_demo.JOINED) - 1
    assert Member.objects.filter(ending=Member.Ending.LEFT).count() == 1


def test_the_panels_closed_survey_shows_figures_to_a_member_asked(demo):
    from inspira.panel import demo as panel_demo
    from inspira.surveys.models import Survey
    from inspira.surveys.selectors import min_group, survey_results

    survey = Survey.objects.get(title=panel_demo.SURVEY_TITLE)
    assert survey.state() == Survey.State.CLOSED
    results = survey_results(survey=survey)
    assert results.total >= min_group() and not results.suppressed
    assert survey.invitations.filter(answered=True).count() == len(panel_demo.ANSWERS)


def test_the_past_chat_has_its_transcript_and_open_questions_with_owners(demo):
    from inspira.panel import chats
    from inspira.panel import demo as panel_demo
    from inspira.panel.models import Chat

    chat = Chat.objects.get(event__title=panel_demo.CHAT_TITLE)
    assert chat.event.ends_at < timezone.now() and chat.transcript_published_at is not None
    assert len(list(chats.transcript(chat))) >= 2
    open_questions = list(chats.open_questions(chat))
    assert len(open_questions) == 2
    assert all(q.owner_id is not None and q.due_on is not None for q in open_questions)
