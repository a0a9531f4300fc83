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
    """The proposal's versions (newest first) and the principal's answers; which version is accepted,
    and when; what this person may do next (present a version, or answer the latest)."""
    from inspira.efforts import proposals

    versions = [{"proposal": proposal, "answer": proposals.answer_of(proposal)}
                for proposal in proposals.versions_of(effort)]
    latest = versions[0]["proposal"] if versions else None
    accepted = next((v for v in versions if v["answer"] is not None
                     and v["answer"].kind == v["answer"].Kind.ACCEPTED), None)
    for version in versions:
        version["is_accepted"] = version is accepted
    may_answer = latest is not None and proposals.proposal_may_accept(proposal=latest, actor=user)
    return {
        "proposal_versions": versions,
        "proposal_latest": latest,
        "proposal_accepted": accepted,
        "may_present_proposal": proposals.proposal_may_present(effort=effort, actor=user),
        "may_accept_latest": may_answer,
        "may_request_changes_latest": (latest is not None
                                       and proposals.proposal_may_request_changes(proposal=latest, actor=user)),
    }


def delivery_section(*, effort, user, now) -> dict:
    """The sessions and the documentation; ending the effort."""
    return {}


def evaluation_section(*, effort, user, now) -> dict:
    """The evaluation at the last session and its summary for the principal."""
    return {}
