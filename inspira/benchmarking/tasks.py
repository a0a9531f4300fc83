"""Background jobs of benchmarking rounds (django-q2 runs them by dotted path)."""


def proposal_run(proposal_id: int) -> None:
    """Make a round's proposal: selection, groups and visit dates (``benchmarking.proposals``)."""
    from inspira.benchmarking.proposals import proposal_run as run

    run(proposal_id)
