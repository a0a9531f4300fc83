"""The panel's scheduled jobs."""

from inspira.panel import membership


def membership_daily() -> dict[str, int]:
    """Daily (schedule "panel-membership-daily", made by a data migration): end the memberships whose
    consent ran out, then remind those whose consent ends soon. Safe to run again."""
    lapsed = membership.members_lapse()
    reminded = membership.renewal_reminders_send()
    return {"lapsed": len(lapsed), "reminded": len(reminded)}
