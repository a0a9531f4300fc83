"""Scheduled jobs of event registrations (see migrations/0004_schedules.py). Each can run twice safely."""

from inspira.events import registrations


def expire_offers() -> int:
    return registrations.expire_offers()


def send_reminders() -> int:
    return registrations.send_reminders()
