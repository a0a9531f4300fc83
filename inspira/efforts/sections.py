"""The effort's case page (``views.effort_detail``) in sections: each returns what its part of the page
shows for this person (``templates/efforts/includes/<section>.html``). Permissions are answered here,
on the server, as booleans the templates only read."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from inspira.efforts import planning, requests
from inspira.efforts.models import Effort


@dataclass(frozen=True)
class RequestPart:
    """What ``includes/request.html`` shows: the request, the meeting, the notes, and which buttons."""

    guests: list
    meeting: object  # the planning meeting's event, or None
    meeting_cancelled: bool
    meeting_starts: datetime | None  # local times
    meeting_ends: datetime | None
    notes_written: bool
    withdrawn_reason: str  # empty unless the effort was withdrawn
    may_withdraw: bool
    may_take: bool  # "I take responsibility"
    may_book: bool
    may_move: bool
    may_record_notes: bool


def request_section(*, effort, user, now) -> dict:
    """The request and the planning meeting (with its notes)."""
    meeting = effort.planning_meeting
    return {"request_part": RequestPart(
        guests=list(effort.guests.order_by("name", "pk")),
        meeting=meeting,
        meeting_cancelled=meeting is not None and meeting.is_cancelled,
        meeting_starts=timezone.localtime(meeting.starts_at) if meeting else None,
        meeting_ends=timezone.localtime(meeting.ends_at) if meeting else None,
        notes_written=effort.notes_written_at is not None,
        withdrawn_reason=effort.withdrawn_reason if effort.state == Effort.State.WITHDRAWN else "",
        may_withdraw=requests.effort_may_withdraw(effort=effort, actor=user),
        may_take=requests.effort_may_take(effort=effort, actor=user),
        may_book=planning.planning_meeting_may_book(effort=effort, actor=user),
        may_move=planning.planning_meeting_may_move(effort=effort, actor=user),
        may_record_notes=planning.planning_notes_may_record(effort=effort, actor=user, now=now),
    )}


def clock_section(*, effort, user, now) -> dict:
    """The proposal clock: the deadline (the promised date for the principal), pauses, extensions. The
    centre sees the working days left, a warning from three working days before, a late mark, the log and
    the forms to pause, resume and extend."""
    from django.urls import reverse
    from django.utils import timezone

    from inspira.efforts import clock as clocks
    from inspira.efforts.forms_clock import ClockExtendForm, ClockPauseForm
    from inspira.efforts.permissions import may_lead_effort

    today = timezone.localdate(now)
    clock = clocks.clock_of(effort)
    leads = may_lead_effort(user, effort)
    context = {
        "clock": clock,
        "clock_started": clock.started_on is not None,
        "clock_met": clock.met_on is not None,
        "clock_paused": clock.paused_since is not None,
        "clock_has_deadline": clock.deadline is not None,
        "clock_late": clock.is_late(today),
        "clock_leads": leads,
    }
    if not leads:
        return context
    context.update({
        "clock_warning": clock.needs_warning(today),
        "clock_days_left": clock.working_days_left(today),
        "clock_log": list(effort.clock_events.select_related("actor").order_by("at", "pk")),
        "clock_may_pause": clocks.clock_may_pause(effort=effort),
        "clock_may_resume": clocks.clock_may_resume(effort=effort),
        "clock_may_extend": clocks.clock_may_extend(effort=effort),
        "clock_pause_form": ClockPauseForm(action=reverse("efforts:clock_pause", args=[effort.pk])),
        "clock_extend_form": ClockExtendForm(action=reverse("efforts:clock_extend", args=[effort.pk])),
    })
    return context


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
