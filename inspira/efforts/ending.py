"""Ending an effort (after seed 001, step 6): the centre says the effort is carried out, and its
documentation is shared with the unit at that moment ("documented by the centre's staff and shared
with the unit after the effort")."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts.models import Effort
from inspira.efforts.permissions import may_lead_effort
from inspira.efforts.recipients import principal_emails


class EndingError(Exception):
    """Message is translated; views show it as is."""


def effort_may_end(*, effort: Effort) -> bool:
    """A running effort (its proposal accepted) can be ended, once."""
    return effort.state == Effort.State.RUNNING


@transaction.atomic
def effort_end(*, effort: Effort, actor, now=None) -> Effort:
    """End the effort and share its documentation with the unit; the principals are told by email."""
    now = now or timezone.now()
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    if not may_lead_effort(actor, effort):
        raise EndingError(_("Only those who lead the effort can end it."))
    if not effort_may_end(effort=effort):
        raise EndingError(_("Only a running effort can be ended."))
    effort.state = Effort.State.ENDED
    effort.state_changed_at = now
    effort.ended_at = now
    effort.documentation_shared_at = now
    effort.save(update_fields=["state", "state_changed_at", "ended_at", "documentation_shared_at"])
    documents = effort.documents.count()
    audit_record(actor=actor, action="effort.ended", obj=effort, summary=effort.title,
                 data={"documents": documents})
    recipients = principal_emails(effort)
    if recipients:
        context = {"effort_title": effort.title, "documents": documents,
                   "documents_url": absolute_url("efforts:documents", pk=effort.pk),
                   "effort_url": absolute_url("efforts:effort_detail", pk=effort.pk)}
        transaction.on_commit(lambda: email_enqueue(key=f"effort-ended:{effort.pk}", to=recipients,
                                                    template="effort_ended", context=context))
    return effort
