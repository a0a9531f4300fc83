"""The audit trail: call ``audit_record`` inside the transaction that makes the change."""

from django.db import models

from inspira.core.models import AuditEvent


def audit_record(*, actor, action: str, obj: models.Model | None = None, summary: str = "",
                 data: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
    )
