"""Small helpers the tests of several apps share (objects come from tests/factories.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year, month, day, hour=10, minute=0):
    """A moment in Stockholm, for services that take ``now``."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def run_outbox() -> int:
    """Run every outbox item twice, as a retried job would; return how many calls did work."""
    done = 0
    for item_id in OutboxItem.objects.order_by("pk").values_list("pk", flat=True):
        done += outbox_process(item_id)
        done += outbox_process(item_id)
    return done
