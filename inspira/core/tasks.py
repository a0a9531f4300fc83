"""django-q2 entry points. Plain functions that take ids and can run twice safely."""

from inspira.core.outbox import outbox_process as _process
from inspira.core.outbox import outbox_sweep as _sweep


def outbox_process(item_id: int) -> bool:
    return _process(item_id)


def outbox_sweep() -> int:
    return _sweep()
