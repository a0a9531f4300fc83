"""What leaving or lapsing takes away at once: every pending invitation of the member."""

from django.db import transaction
from django.utils import timezone

from inspira.panel.models import Member
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme
from inspira.surveys.services import invitations_withdraw


@transaction.atomic
def pending_invitations_cancel(*, member: Member, now=None) -> dict[str, int]:
    """Withdraw the member's unanswered invitations to open panel surveys and cancel their pending
    focus-group invitations. Returns the counts (for the audit row of the caller)."""
    now = now or timezone.now()
    surveys = 0
    if member.user_id is not None:
        surveys = invitations_withdraw(user=member.user, programme=Programme.objects.get(key=Key.TEACHER_PANEL),
                                       now=now)
    from inspira.panel.focus import cancel_and_replace  # focus sits above this module

    # Each cancelled focus invitation is replaced at once from its stratum.
    focus = cancel_and_replace(member=member, now=now)
    return {"surveys": surveys, "focus_groups": focus}
