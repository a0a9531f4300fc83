"""Background jobs of benchmarking rounds (django-q2 runs them by dotted path).

The proposal's time budget lives here, free of Django, so that bench/benchmarking.py runs the solvers
with the same budget as the job.
"""

SEED = 1
DEADLINE = 4.5  # seconds for the whole run, the solver's import included
GROUPING_SHARE = 0.6  # of the time left when the grouping starts; the timetable gets the rest


def proposal_run(proposal_id: int) -> None:
    """Make a round's proposal: selection, groups and visit dates (``benchmarking.proposals``)."""
    from inspira.benchmarking.proposals import proposal_run as run

    run(proposal_id)
