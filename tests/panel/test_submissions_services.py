"""Raised questions and good examples: the deadline in working days, one support per member, each state
and its rules, publishing several answers at once, and who may do what."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspira.core.audit import AuditEvent
from inspira.panel import submissions as services
from inspira.panel.models import Submission, SubmissionSupport
from tests.panel.factories import MemberFactory, SubmissionFactory, coordinator, panel_on, teacher

pytestmark = pytest.mark.django_db
State = Submission.State


def _at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def test_the_deadline_skips_weekends_and_swedish_holidays(settings):
    settings.INSPIRA_PANEL_ANSWER_WORKING_DAYS = 5
    author = MemberFactory().user
    # Tuesday 22 December 2026: julafton, juldagen, the weekends, nyårsafton and nyårsdagen do not count.
    raised = services.submission_create(actor=author, kind="question", title="Fråga", body="Text",
                                        now=_at(date(2026, 12, 22)))
    # Working days after 22 Dec: 23, 28, 29, 30 December and 4 January.
    assert raised.due_on == date(2027, 1, 4)
    assert raised.state == State.RECEIVED


def test_the_deadline_across_a_plain_weekend(settings):
    settings.INSPIRA_PANEL_ANSWER_WORKING_DAYS = 3
    raised = services.submission_create(actor=MemberFactory().user, kind="question", title="F", body="T",
                                        now=_at(date(2026, 3, 5)))  # Thursday
    assert raised.due_on == date(2026, 3, 10)  # Fri, Mon, Tue


def test_only_examples_keep_the_writers_choices():
    author = MemberFactory().user
    question = services.submission_create(actor=author, kind="question", title="F", body="T",
                                          channels_consent=True, show_name=True)
    example = services.submission_create(actor=author, kind="example", title="E", body="T",
                                         channels_consent=True, show_name=True)
    assert (question.channels_consent, question.show_name) == (False, False)
    assert (example.channels_consent, example.show_name) == (True, True)


def test_non_members_cannot_raise_or_support():
    panel_on()
    outsider = teacher()
    with pytest.raises(PermissionDenied):
        services.submission_create(actor=outsider, kind="question", title="F", body="T")
    with pytest.raises(PermissionDenied):
        services.submission_support(actor=outsider, submission=SubmissionFactory())
    assert not SubmissionSupport.objects.exists()


def test_one_support_per_member_in_the_service_and_the_database():
    submission = SubmissionFactory()
    supporter = MemberFactory().user
    assert services.submission_support(actor=supporter, submission=submission) is True
    assert services.submission_support(actor=supporter, submission=submission) is False
    assert services.support_count(submission) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionSupport.objects.create(submission=submission, user=supporter)
    services.submission_support(actor=MemberFactory().user, submission=submission)
    assert services.with_support_counts(Submission.objects.filter(pk=submission.pk)).get().support_count == 2


def test_under_review_then_answered_is_recorded_and_audited():
    boss = coordinator()
    submission = SubmissionFactory()
    services.submission_set_state(actor=boss, submission=submission, state=State.UNDER_REVIEW)
    answered = services.submission_set_state(actor=boss, submission=submission, state=State.ANSWERED,
                                             answer="Vi anställer fler.")
    assert (answered.state, answered.answer, answered.answered_by) == (State.ANSWERED, "Vi anställer fler.", boss)
    assert answered.answered_at is not None and answered.published_at is None
    assert list(AuditEvent.objects.filter(object_id=str(submission.pk)).values_list("action", flat=True)
                .order_by("pk")) == ["panel.submission_under_review", "panel.submission_answered"]


def test_answered_and_taken_up_need_a_text():
    boss = coordinator()
    submission = SubmissionFactory()
    for state in (State.ANSWERED, State.TAKEN_UP):
        with pytest.raises(ValidationError) as refused:
            services.submission_set_state(actor=boss, submission=submission, state=state, answer="  ")
        assert "answer" in refused.value.message_dict
    taken = services.submission_set_state(actor=boss, submission=submission, state=State.TAKEN_UP,
                                          answer="Ledde till en ny rutin.")
    assert taken.state == State.TAKEN_UP and taken.answer == "Ledde till en ny rutin."


def test_declining_needs_a_reason():
    boss = coordinator()
    submission = SubmissionFactory()
    with pytest.raises(ValidationError) as refused:
        services.submission_set_state(actor=boss, submission=submission, state=State.DECLINED, reason="")
    assert "reason" in refused.value.message_dict
    submission.refresh_from_db()
    assert submission.state == State.RECEIVED
    declined = services.submission_set_state(actor=boss, submission=submission, state=State.DECLINED,
                                             reason="Utanför förvaltningens ansvar.")
    assert declined.decline_reason == "Utanför förvaltningens ansvar."


def test_a_handled_submission_is_final_and_review_only_from_received():
    boss = coordinator()
    submission = SubmissionFactory(state=State.UNDER_REVIEW)
    with pytest.raises(ValidationError):
        services.submission_set_state(actor=boss, submission=submission, state=State.UNDER_REVIEW)
    services.submission_set_state(actor=boss, submission=submission, state=State.ANSWERED, answer="Svar")
    with pytest.raises(ValidationError):
        services.submission_set_state(actor=boss, submission=submission, state=State.DECLINED, reason="Nej")
    with pytest.raises(ValidationError):
        services.submission_set_state(actor=boss, submission=submission, state="received")


def test_only_coordinators_change_states_or_publish():
    member = MemberFactory().user
    submission = SubmissionFactory()
    with pytest.raises(PermissionDenied):
        services.submission_set_state(actor=member, submission=submission, state=State.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        services.answers_publish(actor=member, submission_ids=[submission.pk])
    with pytest.raises(PermissionDenied):
        services.example_publish(actor=member, submission=submission)


def test_batch_publish_publishes_exactly_the_chosen_handled_ones():
    boss = coordinator()
    chosen = [SubmissionFactory(state=State.ANSWERED, answer="Svar"),
              SubmissionFactory(state=State.TAKEN_UP, answer="Ledde till"),
              SubmissionFactory(state=State.DECLINED, decline_reason="Nej")]
    not_chosen = SubmissionFactory(state=State.ANSWERED, answer="Svar")
    still_open = SubmissionFactory(state=State.RECEIVED)
    published = services.answers_publish(actor=boss, submission_ids=[s.pk for s in chosen] + [still_open.pk])
    assert published == 3
    assert set(Submission.objects.filter(published_at__isnull=False).values_list("pk", flat=True)) == {
        s.pk for s in chosen}
    not_chosen.refresh_from_db()
    still_open.refresh_from_db()
    assert not_chosen.published_at is None and still_open.published_at is None
    assert AuditEvent.objects.filter(action="panel.submission_answers_published").count() == 1


def test_examples_are_published_and_named_only_when_chosen():
    boss = coordinator()
    named = SubmissionFactory(kind="example", show_name=True)
    anonymous = SubmissionFactory(kind="example", show_name=False)
    services.example_publish(actor=boss, submission=named)
    services.example_publish(actor=boss, submission=anonymous)
    named.refresh_from_db()
    assert named.published_at is not None
    assert services.shown_name(named) == named.author.get_full_name() != ""
    assert services.shown_name(anonymous) == ""
    with pytest.raises(ValidationError):
        services.example_publish(actor=boss, submission=SubmissionFactory(kind="question"))
