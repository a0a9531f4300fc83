"""Interest registrations (inspira/benchmarking/interests.py): only while the window is open, only
for one's own school, one standing registration a person and round, deferral from an earlier
round, confirmation emails, withdrawal until the window closes."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.benchmarking import interests
from inspira.benchmarking.models import GradeBand, Interest
from inspira.core.models import AuditEvent
from tests.benchmarking.factories import InterestFactory, RoundFactory, benchmarking_on, closed_round
from tests.factories import MembershipFactory, SchoolFactory, member


@pytest.fixture
def open_round(db):
    benchmarking_on()
    return RoundFactory()


@pytest.fixture
def teacher(school):
    return member(school, email="klasslarare@example.se", name="Klara Klasslärare")


def register(benchmarking_round, user, school, **changes):
    fields = {"grades": ["2", "3"], "subjects": "Svenska, matematik", "unavailable_days": []} | changes
    return interests.interest_register(round=benchmarking_round, user=user, school=school, **fields)


def test_a_teacher_registers_interest_for_their_school(open_round, teacher, school):
    day = open_round.visit_window_starts + timedelta(days=3)
    now = timezone.now()
    interest = register(open_round, teacher, school, grades=["3", "F"], unavailable_days=[day, day], now=now)
    interest.refresh_from_db()
    assert interest.school == school and interest.user == teacher
    assert interest.grades == ["F", "3"]  # in the grades' order, once each
    assert interest.grade_band == GradeBand.LOW
    assert interest.unavailable_days == [day.isoformat()]
    assert interest.registered_at == now
    assert interest.deferred_from is None and interest.decision == Interest.Decision.PENDING
    assert AuditEvent.objects.filter(action="benchmarking.interest_registered", object_id=str(interest.pk)).exists()


def test_the_registration_is_confirmed_by_email_with_what_was_registered(open_round, teacher, school,
                                                                         django_capture_on_commit_callbacks):
    from inspira.core.models import OutboxItem

    day = open_round.visit_window_starts + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        interest = register(open_round, teacher, school, unavailable_days=[day])
    item = OutboxItem.objects.get(key=f"benchmarking-interest-registered:{interest.pk}")
    assert item.payload["to"] == ["klasslarare@example.se"]
    text = item.payload["text"]
    assert open_round.title in item.payload["subject"]
    assert school.name in text and "Svenska, matematik" in text and day.isoformat() in text
    assert "tillbaka" in text  # they can withdraw until the window closes (Swedish by default)


def test_nothing_is_registered_before_the_window_opens_or_after_it_closes(db, teacher, school):
    benchmarking_on()
    later = RoundFactory(interest_opens_at=timezone.now() + timedelta(days=1),
                         interest_closes_at=timezone.now() + timedelta(days=5))
    for benchmarking_round in (later, closed_round()):
        with pytest.raises(interests.InterestError):
            register(benchmarking_round, teacher, school)
    assert not Interest.objects.exists()


def test_the_window_closes_at_its_closing_instant(open_round, teacher, school):
    with pytest.raises(interests.InterestError):
        register(open_round, teacher, school, now=open_round.interest_closes_at)
    register(open_round, teacher, school, now=open_round.interest_closes_at - timedelta(seconds=1))


def test_only_for_a_school_the_teacher_is_a_confirmed_member_of(open_round, teacher, other_school):
    with pytest.raises(interests.InterestError) as refused:
        register(open_round, teacher, other_school)
    assert refused.value.field == "school"
    pending = MembershipFactory(school=other_school, confirmed_at=None).user
    with pytest.raises(interests.InterestError):
        register(open_round, pending, other_school)
    assert not Interest.objects.exists()


def test_one_standing_registration_a_person_and_round(open_round, teacher, school):
    other = SchoolFactory(name="Ekskolan")
    MembershipFactory(user=teacher, school=other)
    register(open_round, teacher, school)
    with pytest.raises(interests.InterestError) as refused:
        register(open_round, teacher, other)
    assert "redan anmält" in str(refused.value)
    assert Interest.objects.count() == 1


def test_the_database_guard_is_turned_into_the_same_message(open_round, teacher, school, monkeypatch):
    """Two requests at once: the check passes for both, the unique constraint stops the second."""
    register(open_round, teacher, school)
    monkeypatch.setattr(interests, "active_interest", lambda **kwargs: None)
    with pytest.raises(interests.InterestError) as refused:
        register(open_round, teacher, school)
    assert "redan anmält" in str(refused.value)


def test_after_withdrawing_a_teacher_may_register_again(open_round, teacher, school):
    first = register(open_round, teacher, school)
    interests.interest_withdraw(interest=first, actor=teacher)
    second = register(open_round, teacher, school)
    assert second.pk != first.pk and Interest.objects.filter(withdrawn_at__isnull=True).count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"grades": []}, "grades"),
    ({"grades": ["10"]}, "grades"),
    ({"subjects": "   "}, "subjects"),
])
def test_bad_input_is_refused_at_its_field(open_round, teacher, school, changes, field):
    with pytest.raises(interests.InterestError) as refused:
        register(open_round, teacher, school, **changes)
    assert refused.value.field == field


def test_unavailable_days_must_be_in_the_visit_window(open_round, teacher, school):
    outside = open_round.visit_window_ends + timedelta(days=1)
    with pytest.raises(interests.InterestError) as refused:
        register(open_round, teacher, school, unavailable_days=[open_round.visit_window_starts, outside])
    assert refused.value.field == "unavailable_days" and outside.isoformat() in str(refused.value)
    register(open_round, teacher, school, unavailable_days=[open_round.visit_window_starts,
                                                            open_round.visit_window_ends])


def test_not_admitted_to_an_earlier_round_means_deferred_from_it(open_round, teacher, school):
    now = timezone.now()
    earlier = closed_round(interest_opens_at=now - timedelta(days=400), interest_closes_at=now - timedelta(days=380))
    InterestFactory(round=earlier, user=teacher, school=school, decision=Interest.Decision.NOT_ADMITTED)
    interest = register(open_round, teacher, school)
    assert interest.deferred_from == earlier


def test_admitted_later_means_no_longer_deferred(open_round, teacher, school):
    now = timezone.now()
    first = closed_round(interest_opens_at=now - timedelta(days=700), interest_closes_at=now - timedelta(days=690))
    second = closed_round(interest_opens_at=now - timedelta(days=400), interest_closes_at=now - timedelta(days=390))
    InterestFactory(round=first, user=teacher, school=school, decision=Interest.Decision.NOT_ADMITTED)
    InterestFactory(round=second, user=teacher, school=school, decision=Interest.Decision.ADMITTED)
    assert register(open_round, teacher, school).deferred_from is None


def test_only_the_persons_own_not_admitted_counts(open_round, teacher, school):
    now = timezone.now()
    earlier = closed_round(interest_opens_at=now - timedelta(days=400), interest_closes_at=now - timedelta(days=380))
    InterestFactory(round=earlier, school=school, decision=Interest.Decision.NOT_ADMITTED)  # someone else
    InterestFactory(round=earlier, user=teacher, school=school, decision=Interest.Decision.PENDING)
    assert register(open_round, teacher, school).deferred_from is None


def test_a_teacher_withdraws_until_the_window_closes(open_round, teacher, school, django_capture_on_commit_callbacks):
    from inspira.core.models import OutboxItem

    interest = register(open_round, teacher, school)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        interests.interest_withdraw(interest=interest, actor=teacher, now=now)
    interest.refresh_from_db()
    assert interest.withdrawn_at == now
    assert AuditEvent.objects.filter(action="benchmarking.interest_withdrawn", object_id=str(interest.pk)).exists()
    item = OutboxItem.objects.get(key=f"benchmarking-interest-withdrawn:{interest.pk}")
    assert item.payload["to"] == ["klasslarare@example.se"] and open_round.title in item.payload["text"]


def test_after_the_window_closes_withdrawing_here_is_refused(open_round, teacher, school):
    interest = register(open_round, teacher, school)
    with pytest.raises(interests.InterestError) as refused:
        interests.interest_withdraw(interest=interest, actor=teacher, now=open_round.interest_closes_at)
    assert "samordnare" in str(refused.value)
    interest.refresh_from_db()
    assert interest.withdrawn_at is None


def test_only_the_teacher_withdraws_and_only_once(open_round, teacher, school):
    interest = register(open_round, teacher, school)
    colleague = member(school, email="kollega@example.se", role=Membership.Role.PRINCIPAL)
    with pytest.raises(interests.InterestError):
        interests.interest_withdraw(interest=interest, actor=colleague)
    interests.interest_withdraw(interest=interest, actor=teacher)
    with pytest.raises(interests.InterestError):
        interests.interest_withdraw(interest=interest, actor=teacher)


def test_the_predicates_agree_with_the_actions(open_round, teacher, school):
    assert interests.interest_may_register(benchmarking_round=open_round, user=teacher)
    interest = register(open_round, teacher, school)
    assert not interests.interest_may_register(benchmarking_round=open_round, user=teacher)
    assert interests.interest_may_withdraw(interest=interest, actor=teacher)
    assert not interests.interest_may_withdraw(interest=interest, actor=teacher, now=open_round.interest_closes_at)


def test_registration_emails_are_sent_by_the_outbox(open_round, teacher, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(open_round, teacher, school)
    # The outbox sends as soon as the job runs (synchronously in the tests).
    assert [m.to for m in mail.outbox] == [["klasslarare@example.se"]]


def test_days_in_the_window_are_checked_against_its_own_ends():
    from inspira.benchmarking.models import Round

    benchmarking_round = Round(visit_window_starts=datetime.date(2027, 9, 13),
                               visit_window_ends=datetime.date(2027, 11, 19))
    errors = interests.unavailable_day_errors(
        [datetime.date(2027, 9, 12), datetime.date(2027, 9, 13), datetime.date(2027, 11, 20)], benchmarking_round)
    assert len(errors) == 2 and "2027-09-12" in errors[0] and "2027-11-20" in errors[1]


@pytest.fixture
def _programmes_back(transactional_db):
    # A transactional test empties the tables afterwards, the programmes of the data migration among
    # them; put them back first (as tests/events/test_race.py does).
    import importlib

    from django.apps import apps

    importlib.import_module("inspira.programmes.migrations.0002_the_five_programmes").create(apps, None)


@pytest.mark.django_db(transaction=True)
def test_one_person_registering_many_times_at_once_gets_one_registration(_programmes_back):
    """Eight requests of one teacher at the same moment (a double click, several tabs): one is made,
    the others get the message, none a server error; the round's row lock and the unique constraint
    hold on both engines."""
    from tests.race import race

    benchmarking_on()
    benchmarking_round = RoundFactory()
    school = SchoolFactory()
    teacher = member(school)
    outcome = race([lambda: register(benchmarking_round, teacher, school) for _n in range(8)],
                   full=interests.InterestError)
    assert outcome.errors == []
    assert outcome.made == 1 and len(outcome.full) == 7
    assert all("already registered" in message for message in outcome.full), outcome.full[:2]
    assert Interest.objects.filter(round=benchmarking_round, user=teacher).count() == 1
