"""The effort's case page (``views.effort_detail``) in sections: each returns what its part of the page
shows for this person (``templates/efforts/includes/<section>.html``). Permissions are answered here,
on the server, as booleans the templates only read."""


def request_section(*, effort, user, now) -> dict:
    """The request and the planning meeting (with its notes)."""
    return {}


def clock_section(*, effort, user, now) -> dict:
    """The proposal clock: the deadline (the promised date for the principal), pauses, extensions."""
    return {}


def proposal_section(*, effort, user, now) -> dict:
    """The proposal's versions and the principal's answers."""
    return {}


def delivery_section(*, effort, user, now) -> dict:
    """The sessions and the documentation; ending the effort."""
    return {}


def evaluation_section(*, effort, user, now) -> dict:
    """The evaluation at the last session and its summary for the principal."""
    return {}
