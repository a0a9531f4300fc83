"""django-q2 entry points. Plain functions that can run twice safely."""

from inspira.privacy.retention import apply_retention as _apply


def apply_retention() -> dict:
    """The daily retention run (scheduled by migration 0002). Returns what each rule handled."""
    return {outcome.key: outcome.handled for outcome in _apply()}
