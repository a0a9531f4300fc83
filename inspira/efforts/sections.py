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
