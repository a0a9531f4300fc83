"""Background jobs of development efforts (django-q2 runs them by dotted path). Plain functions that
can run twice safely."""


def send_due_yearly_surveys(now=None) -> int:
    """Daily: send the yearly December survey on its day (``efforts.yearly``); a second run sends nothing."""
    from inspira.efforts.yearly import send_due_yearly_surveys as send

    return send(now=now)
