"""The writer hears how their question or example was handled: one email per submission when the answer is
published (not when it is written), with the answer or the reason for declining and a link to the page."""

import pytest
from django.urls import reverse

from inspira.core.models import OutboxItem
from inspira.panel import submissions as services
from inspira.panel.models import Submission
from tests.panel.factories import MemberFactory, SubmissionFactory, coordinator, panel_on

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture(autouse=True)
def _panel_is_on():
    panel_on()


def _handled(state, **fields):
    writer = MemberFactory().user
    return SubmissionFactory(author=writer, state=state, **fields)


def _email(submission):
    return OutboxItem.objects.get(key=f"panel-submission-handled:{submission.pk}").payload


def test_handling_alone_sends_nothing_the_publish_sends_it():
    boss = coordinator()
    submission = SubmissionFactory(author=MemberFactory().user)
    services.submission_set_state(actor=boss, submission=submission, state=State.ANSWERED, answer="Ja, i höst.")
    assert not OutboxItem.objects.filter(key__startswith="panel-submission-handled:").exists()
    services.answers_publish(actor=boss, submission_ids=[submission.pk])
    payload = _email(submission)
    assert payload["to"] == [submission.author.email]
    assert "Ja, i höst." in payload["text"] and submission.title in payload["subject"]
    assert reverse("panel:submission", args=[submission.pk]) in payload["text"]
    assert reverse("panel:submission", args=[submission.pk]) in payload["html"]


def test_each_state_has_its_own_email_and_the_declined_one_gives_the_reason():
    answered = _handled(State.ANSWERED, answer="Svaret")
    taken_up = _handled(State.TAKEN_UP, answer="Det ledde till en ny kurs")
    declined = _handled(State.DECLINED, decline_reason="Det ligger utanför programmet")
    services.answers_publish(actor=coordinator(), submission_ids=[answered.pk, taken_up.pk, declined.pk])
    subjects = {_email(answered)["subject"], _email(taken_up)["subject"], _email(declined)["subject"]}
    assert len(subjects) == 3  # an email of its own for each state
    assert "Det ledde till en ny kurs" in _email(taken_up)["text"]
    declined_email = _email(declined)
    assert "Det ligger utanför programmet" in declined_email["text"]
    assert "Det ligger utanför programmet" in declined_email["html"]


def test_one_email_per_submission_even_if_published_again_and_none_for_unpublished_or_open_ones():
    boss = coordinator()
    chosen = _handled(State.ANSWERED, answer="Svaret")
    not_chosen = _handled(State.ANSWERED, answer="Annat svar")
    still_open = SubmissionFactory(state=State.UNDER_REVIEW)
    services.answers_publish(actor=boss, submission_ids=[chosen.pk, still_open.pk])
    # A second publish (e.g. a double click) of the same one changes nothing and sends nothing more.
    services.answers_publish(actor=boss, submission_ids=[chosen.pk])
    keys = list(OutboxItem.objects.filter(key__startswith="panel-submission-handled:").values_list("key", flat=True))
    assert keys == [f"panel-submission-handled:{chosen.pk}"]
    assert not_chosen.pk and still_open.pk  # both exist, neither was emailed


def test_the_key_holds_even_if_the_publish_is_repeated_from_scratch():
    submission = _handled(State.ANSWERED, answer="Svaret")
    services.answers_publish(actor=coordinator(), submission_ids=[submission.pk])
    Submission.objects.filter(pk=submission.pk).update(published_at=None)
    services.answers_publish(actor=coordinator(), submission_ids=[submission.pk])
    assert OutboxItem.objects.filter(key=f"panel-submission-handled:{submission.pk}").count() == 1


def test_a_writer_without_an_address_or_gone_is_skipped_and_the_others_still_get_theirs():
    gone = SubmissionFactory(author=None, state=State.ANSWERED, answer="Svaret")
    present = _handled(State.ANSWERED, answer="Svaret")
    assert services.answers_publish(actor=coordinator(), submission_ids=[gone.pk, present.pk]) == 2
    assert list(OutboxItem.objects.filter(key__startswith="panel-submission-handled:")
                .values_list("key", flat=True)) == [f"panel-submission-handled:{present.pk}"]


def test_the_batch_publish_page_sends_the_emails(client):
    client.force_login(coordinator())
    submission = _handled(State.DECLINED, decline_reason="Skälet")
    client.post(reverse("panel:submission_publish"), {"submission": [str(submission.pk)]})
    assert "Skälet" in _email(submission)["text"]
