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
    """The sessions (with how many registered: one query for them all) and the documentation; ending
    the effort."""
    from inspira.efforts import documents, ending, sessions
    from inspira.efforts.permissions import may_lead_effort, may_read_documentation

    leads = may_lead_effort(user, effort)
    planned = list(sessions.sessions_of(effort))
    for session in planned:
        session.effort = effort
        session.may_change = leads and sessions.session_may_change(session=session)
        # Attendance is marked on the events app's page: the evaluation goes to those marked as attended.
        session.may_mark_attendance = leads and not session.event.is_cancelled
    readable = may_read_documentation(user, effort)
    return {
        "sessions": planned,
        "may_add_session": leads and sessions.session_may_add(effort=effort),
        "may_read_documentation": readable,
        "document_count": effort.documents.count() if readable else 0,
        "may_add_document": leads and documents.document_may_add(effort=effort),
        "may_end": leads and ending.effort_may_end(effort=effort),
    }


def evaluation_section(*, effort, user, now) -> dict:
    """The evaluation at the last session and its summary for the principal."""
    from inspira.efforts import evaluation
    from inspira.efforts.permissions import may_lead_effort, may_read_evaluation_summary
    from inspira.surveys.models import Survey
    from inspira.surveys.selectors import survey_invitation_counts

    leads = may_lead_effort(user, effort)
    survey = evaluation.effort_survey(effort)
    state = survey.state(now) if survey else None
    counts = survey_invitation_counts(survey) if survey and leads else {"invited": 0, "answered": 0}
    return {
        "evaluation_survey": survey,
        "evaluation_leads": leads,
        "evaluation_is_draft": state == Survey.State.DRAFT,
        "evaluation_is_open": state == Survey.State.OPEN,
        "evaluation_is_closed": state == Survey.State.CLOSED,
        "evaluation_invited": counts["invited"],
        "evaluation_answered": counts["answered"],
        "evaluation_may_create": leads and evaluation.effort_evaluation_may_create(effort=effort),
        "evaluation_may_invite": leads and evaluation.effort_evaluation_may_invite(effort=effort, now=now),
        "evaluation_may_share": leads and evaluation.effort_evaluation_may_share(effort=effort, now=now),
        "evaluation_is_shared": effort.evaluation_shared_at is not None,
        "evaluation_may_read_summary": survey is not None and may_read_evaluation_summary(user, effort),
    }
