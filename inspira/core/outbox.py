"""The outbox: side effects recorded in the database, carried out by background jobs.

django-q2 delivers a task at least once on its ORM broker but can lose a running task on
Redis. So a change that causes a side effect writes an ``OutboxItem`` in its own
transaction (``outbox_enqueue``); after commit a task is enqueued to carry it out
(``outbox_process``). A task first *claims* the row (state RUNNING with a timestamp) in a
short transaction, so a duplicate delivery of the same task sees the claim and leaves it
alone; the handler runs; the row is marked DONE. A worker killed mid-way leaves a stale
claim, which the scheduled ``outbox_sweep`` re-enqueues once ``OUTBOX_STALE_AFTER`` has
passed. Handlers must be safe to run again for the same row (they may, after a crash).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from inspira.core.audit import audit_record
from inspira.core.models import OutboxItem

log = logging.getLogger(__name__)

Handler = Callable[[OutboxItem], None]
_handlers: dict[str, Handler] = {}


def outbox_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that carries out outbox items of ``kind``."""

    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        return func

    return register


def outbox_enqueue(*, kind: str, key: str, payload: dict) -> OutboxItem:
    """Record a side effect; it runs after the surrounding transaction commits.

    Recording the same ``key`` twice returns the first row: one event, one effect.
    """
    if kind not in _handlers:
        raise ValueError(f"No outbox handler for {kind!r}")
    try:
        with transaction.atomic():
            item = OutboxItem.objects.create(kind=kind, key=key, payload=payload)
    except IntegrityError:
        return OutboxItem.objects.get(key=key)
    transaction.on_commit(lambda: _dispatch(item.pk))
    return item


def _dispatch(item_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("inspira.core.tasks.outbox_process", item_id, task_name=f"outbox-{item_id}")
    except Exception:
        # The broker may be down; the row is safe and the sweeper will enqueue it again.
        log.exception("Could not enqueue outbox item %s; the sweeper will retry it", item_id)


def _claim(item_id: int, now) -> OutboxItem | None:
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_AFTER)
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.state in (OutboxItem.State.DONE, OutboxItem.State.FAILED):
            return None
        if item.state == OutboxItem.State.RUNNING and item.claimed_at and item.claimed_at > stale:
            return None  # another worker has it and has not had time to finish
        item.state = OutboxItem.State.RUNNING
        item.claimed_at = now
        item.attempts += 1
        item.save(update_fields=["state", "claimed_at", "attempts"])
        return item


def outbox_process(item_id: int, *, now=None) -> bool:
    """Carry out one outbox item. Returns True if this call did the work."""
    now = now or timezone.now()
    item = _claim(item_id, now)
    if item is None:
        return False
    try:
        _handlers[item.kind](item)
    except Exception as exc:
        log.exception("Outbox item %s (%s) failed", item.pk, item.kind)
        give_up = item.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        item.state = OutboxItem.State.FAILED if give_up else OutboxItem.State.PENDING
        item.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        item.claimed_at = timezone.now()
        item.save(update_fields=["state", "last_error", "claimed_at"])
        return False
    item.state = OutboxItem.State.DONE
    item.done_at = timezone.now()
    item.last_error = ""
    item.save(update_fields=["state", "done_at", "last_error"])
    return True


def outbox_sweep(*, now=None) -> int:
    """Re-enqueue items that no task has finished in time. Returns how many."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_AFTER)
    waiting = OutboxItem.objects.filter(
        Q(state=OutboxItem.State.PENDING, claimed_at__isnull=True, created_at__lt=stale)
        | Q(state=OutboxItem.State.PENDING, claimed_at__lt=stale)
        | Q(state=OutboxItem.State.RUNNING, claimed_at__lt=stale)
    ).values_list("pk", flat=True)
    ids = list(waiting[:1000])
    for item_id in ids:
        _dispatch(item_id)
    return len(ids)


def outbox_retry(*, item: OutboxItem, actor) -> None:
    """An administrator's retry of a failed item: give it fresh attempts and enqueue it."""
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().get(pk=item.pk)
        if item.state != OutboxItem.State.FAILED:
            return
        item.state = OutboxItem.State.PENDING
        item.attempts = 0
        item.claimed_at = None
        item.save(update_fields=["state", "attempts", "claimed_at"])
        audit_record(actor=actor, action="outbox.retry", obj=item, summary=str(item))
        transaction.on_commit(lambda: _dispatch(item.pk))
