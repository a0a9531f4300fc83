"""Emails (outbox rows) and the audit trail."""

from django.utils.translation import gettext_lazy as _

from inspira.core.audit import audit_erasure
from inspira.core.models import AuditEvent, OutboxItem
from inspira.privacy.base import Area, Category, ErasureContext, row
from inspira.privacy.scrub import candidates, scrub_rows

CANCELLED_NOTE = "Cancelled: the recipient's personal data was erased."


def _emails_to(scrubber, queryset=None):
    queryset = queryset if queryset is not None else OutboxItem.objects.filter(kind="email")
    for item in candidates(queryset, ["payload"], scrubber).order_by("created_at", "pk"):
        recipients = item.payload.get("to") or []
        if any(scrubber.is_email(address) for address in recipients):
            yield item


def export(user, scrubber) -> list[Category]:
    emails = [
        row(created=item.created_at, state=item.get_state_display(), sent=item.done_at,
            to=user.email, subject=item.payload.get("subject", ""), text=item.payload.get("text", ""))
        for item in _emails_to(scrubber)
    ]
    audit = [
        row(at=event.at, action=event.action, object_type=event.object_type, object_id=event.object_id,
            summary=event.summary)
        for event in AuditEvent.objects.filter(actor=user).order_by("at", "pk")
    ]
    return [
        Category("emails", _("Emails sent to you"),
                 _("Emails not yet sent are cancelled; the content of sent ones is removed."), emails),
        Category("audit_events", _("Things you did, as recorded in the audit trail"),
                 _("Kept, as the record of who did what; your name and address in them are replaced."), audit),
    ]


def erase(ctx: ErasureContext) -> None:
    scrubber = ctx.scrubber
    for item in _emails_to(scrubber, OutboxItem.objects.select_for_update().filter(kind="email")):
        payload = dict(item.payload)
        others = [a for a in payload.get("to") or [] if not scrubber.is_email(a)]
        values = {}
        if others:
            # Others still get their copy; the person's address and mentions go (scrubbed below).
            payload["to"] = others
        else:
            payload.update(to=[ctx.subject.replacement_email], text="", html="", attachments=[])
            if item.state in (OutboxItem.State.PENDING, OutboxItem.State.RUNNING):
                values.update(state=OutboxItem.State.FAILED, last_error=CANCELLED_NOTE)
                ctx.counts["emails_cancelled"] += 1
            else:
                ctx.counts["emails_emptied"] += 1
        OutboxItem.objects.filter(pk=item.pk).update(payload=payload, **values)
    ctx.counts["emails_scrubbed"] += scrub_rows(OutboxItem.objects.all(), ["payload", "last_error"], scrubber)
    # The audit trail is append-only (and on PostgreSQL guarded by a trigger); audit_erasure() is its one
    # opening, for exactly this: the mentions in summary and data, never when, what or on which object.
    with audit_erasure():
        ctx.counts["audit_events_scrubbed"] += scrub_rows(AuditEvent.objects.all(), ["summary", "data"], scrubber,
                                                          protected=True)


AREA = Area(
    name="core",
    export=export,
    erase=erase,
    fields={
        "core.OutboxItem": ["payload", "last_error"],
        "core.AuditEvent": ["actor", "summary", "data"],
    },
)
