"""Background jobs of the accounts app: plain functions, safe to run twice."""

import logging

logger = logging.getLogger(__name__)


def prune_sessions() -> dict[str, int]:
    """Daily (schedule ``accounts-sessions-prune``, migration accounts/0003): expired sessions and the
    records of sessions that no longer work."""
    from inspira.accounts.sessions import sessions_prune

    counts = sessions_prune()
    logger.info("Sessions pruned: %(removed)d records removed, %(kept)d kept", counts)
    return counts
