from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from inspira.core import outbox
from inspira.core.emails import email_enqueue
from inspira.core.models import AuditEvent, OutboxItem
from inspira.core.outbox import outbox_enqueue, outbox_handler, outbox_process, outbox_sweep

calls: list[int] = []


@outbox_handler("test-effect")
def _effect(item):
    calls.append(item.pk)
    if item.payload.get("fail"):
        raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


@pytest.fixture
def no_dispatch(monkeypatch):
    """Record enqueued ids instead of running them, to drive the mechanism by hand."""
    sent = []
    monkeypatch.setattr(outbox, "_dispatch", sent.append)
    return sent


def _welcome(key="welcome:1", to="lars@example.se"):
    return email_enqueue(key=key, to=[to], template="test_welcome", context={"name": "Lars"})


def test_item_is_recorded_in_the_callers_transaction(db, no_dispatch):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(kind="test-effect", key="k1", payload={})
        raise RuntimeError("the change failed")
    # The change rolled back, so the side effect was never promised.
    assert not OutboxItem.objects.exists()
    assert no_dispatch == []


def test_item_is_dispatched_only_after_commit(db, no_dispatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = outbox_enqueue(kind="test-effect", key="k1", payload={})
        assert no_dispatch == []
    assert no_dispatch == [item.pk]


def test_same_event_is_recorded_once(db, no_dispatch):
    first = outbox_enqueue(kind="test-effect", key="k1", payload={"n": 1})
    second = outbox_enqueue(kind="test-effect", key="k1", payload={"n": 2})
    assert first.pk == second.pk
    assert OutboxItem.objects.count() == 1


def test_running_twice_does_the_work_once(db, no_dispatch):
    item = outbox_enqueue(kind="test-effect", key="k1", payload={})
    assert outbox_process(item.pk) is True
    assert outbox_process(item.pk) is False  # a duplicate delivery of the same task
    item.refresh_from_db()
    assert calls == [item.pk]
    assert item.state == OutboxItem.State.DONE
    assert item.attempts == 1
    assert item.done_at is not None


def test_a_fresh_claim_keeps_a_second_worker_away(db, no_dispatch):
    item = outbox_enqueue(kind="test-effect", key="k1", payload={})
    OutboxItem.objects.filter(pk=item.pk).update(state=OutboxItem.State.RUNNING, claimed_at=timezone.now())
    assert outbox_process(item.pk) is False
    assert calls == []


def test_sweeper_recovers_an_item_whose_worker_died(db, no_dispatch, settings):
    item = outbox_enqueue(kind="test-effect", key="k1", payload={})
    long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_AFTER + 1)
    # A worker claimed it and was killed before finishing.
    OutboxItem.objects.filter(pk=item.pk).update(state=OutboxItem.State.RUNNING, claimed_at=long_ago)
    assert outbox_sweep() == 1
    assert no_dispatch == [item.pk]
    assert outbox_process(item.pk) is True
    assert calls == [item.pk]


def test_sweeper_recovers_an_item_that_was_never_enqueued(db, no_dispatch, settings):
    item = outbox_enqueue(kind="test-effect", key="k1", payload={})
    OutboxItem.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_AFTER + 1)
    )
    assert outbox_sweep() == 1
    assert no_dispatch == [item.pk]


def test_sweeper_leaves_recent_and_finished_items_alone(db, no_dispatch):
    fresh = outbox_enqueue(kind="test-effect", key="k1", payload={})
    done = outbox_enqueue(kind="test-effect", key="k2", payload={})
    outbox_process(done.pk)
    assert outbox_sweep() == 0
    assert no_dispatch == []
    assert fresh.pk != done.pk


def test_failure_is_recorded_and_retried_until_the_limit(db, no_dispatch, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.OUTBOX_STALE_AFTER = 0
    item = outbox_enqueue(kind="test-effect", key="k1", payload={"fail": True})
    assert outbox_process(item.pk) is False
    item.refresh_from_db()
    assert item.state == OutboxItem.State.PENDING
    assert "boom" in item.last_error
    assert outbox_process(item.pk, now=timezone.now() + timedelta(seconds=1)) is False
    item.refresh_from_db()
    assert item.state == OutboxItem.State.FAILED
    assert item.attempts == 2
    # A failed item is not swept again by itself: an administrator decides.
    assert outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 0


def test_unknown_kind_is_refused(db):
    with pytest.raises(ValueError):
        outbox_enqueue(kind="no-such-kind", key="k", payload={})


def test_email_is_rendered_now_and_sent_once_by_the_job(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = _welcome()
    item.refresh_from_db()
    assert item.state == OutboxItem.State.DONE
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lars@example.se"]
    assert message.subject == item.payload["subject"]
    assert "Lars" in message.body
    assert message.alternatives[0][1] == "text/html"
    # The same event again: no second email.
    with django_capture_on_commit_callbacks(execute=True):
        _welcome()
    outbox_process(item.pk)
    assert len(mail.outbox) == 1


def test_email_attachments_survive_the_outbox(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(key="att:1", to=["a@example.se"], template="test_welcome", context={"name": "A"},
                      attachments=[("besok.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert (filename, mimetype) == ("besok.ics", "text/calendar")
    assert content in (b"BEGIN:VCALENDAR", "BEGIN:VCALENDAR")


def test_outbox_pages_are_for_administrators_only(client_for, staff, finance, db):
    for user in (staff, finance):
        assert client_for(user).get(reverse("core:outbox")).status_code == 403


def test_outbox_list_and_retry(client_for, administrator, no_dispatch, settings, django_assert_max_num_queries,
                               django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    for n in range(30):
        _welcome(key=f"welcome:{n}")
    failed = outbox_enqueue(kind="test-effect", key="bad", payload={"fail": True})
    outbox_process(failed.pk)
    client = client_for(administrator)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("core:outbox"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25
    response = client.get(reverse("core:outbox") + "?state=failed")
    assert [i.pk for i in response.context["page_obj"]] == [failed.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:outbox_retry", args=[failed.pk]), follow=True)
    failed.refresh_from_db()
    assert failed.state == OutboxItem.State.PENDING
    assert failed.attempts == 0
    assert no_dispatch[-1] == failed.pk
    assert list(response.context["messages"])
    assert AuditEvent.objects.filter(action="outbox.retry", object_id=str(failed.pk), actor=administrator).exists()


def test_email_content_is_readable_only_in_the_demo(client_for, administrator, no_dispatch, settings):
    item = _welcome()
    client = client_for(administrator)
    settings.INSPIRA_DEMO = False
    assert "Hej Lars" not in client.get(reverse("core:outbox_detail", args=[item.pk])).content.decode()
    settings.INSPIRA_DEMO = True
    assert "Hej Lars" in client.get(reverse("core:outbox_detail", args=[item.pk])).content.decode()
