"""django-q2 entry points of the catalogue. Plain functions that can run twice safely."""

from inspira.catalogue import services


def certification_expiry_reminders() -> int:
    """Daily (schedule "certification-expiry-reminders", made by a data migration): remind the sites
    whose certification ends in 90 or 30 days. Each reminder goes once, however often this runs."""
    return len(services.expiry_reminders_send())
