"""A pinned clock for the demo loaders: they make rows at the times a real year would have left them
(a decision months ago, a survey answered the week after a seminar) through the real services, which
stamp ``timezone.now()`` themselves. Every app's demo may use it; nothing else should."""

import datetime
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.utils import timezone


class Clock:
    """What ``timezone.now()`` answers while pinned; move it with ``set``."""

    def __init__(self, at: datetime.datetime):
        self.at = at

    def set(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        self.at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
        return self.at

    def now(self) -> datetime.datetime:
        return self.at


@contextmanager
def pinned_clock(day: datetime.date):
    """Inside the block ``timezone.now()``, ``timezone.localdate()``, ``auto_now`` fields and fields whose
    default is ``timezone.now`` all answer the clock's time. For the demo loader only: services that take
    ``now=`` get it passed as well, this reaches what they stamp without asking."""
    clock = Clock(datetime.datetime.min)
    clock.set(day)
    real_now, real_localtime = timezone.now, timezone.localtime

    def localdate(value=None, timezone=None):  # noqa: A002 - Django's own parameter name
        return real_localtime(clock.at if value is None else value, timezone).date()

    # A field default captured the function itself, so patching the module does not reach it.
    fields = [field for model in apps.get_models() for field in model._meta.concrete_fields
              if field.default is real_now]
    for field in fields:
        field.default = clock.now
        field.__dict__.pop("_get_default", None)
    try:
        with mock.patch.object(timezone, "now", clock.now), mock.patch.object(timezone, "localdate", localdate):
            yield clock
    finally:
        for field in fields:
            field.default = real_now
            field.__dict__.pop("_get_default", None)
