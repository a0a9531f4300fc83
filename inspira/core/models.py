from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspira.core.appendonly import AppendOnlyModel


class OutboxItem(models.Model):
    """A side effect (an email, a PDF) promised by a committed change.

    The row is written in the same transaction as the change that causes it, so the
    promise is never lost: django-q2 only carries a hint to work on it now, and the
    sweeper re-enqueues rows that no task finished. ``key`` names the event, so the same
    event can never be recorded (and so sent) twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("event key"), max_length=200, unique=True)
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self):
        return f"{self.kind} {self.key}"

    @property
    def is_email(self) -> bool:
        return self.kind == "email"

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED


class AuditEvent(AppendOnlyModel):
    """An append-only record of who did what. Nothing in the product edits or deletes it.

    The ORM refuses to change or delete a row (``AppendOnlyModel``); on PostgreSQL a trigger
    refuses UPDATE and DELETE too, except the change Django's ``SET_NULL`` makes when a person is
    deleted (``actor`` set to NULL, nothing else) and, inside ``audit.audit_erasure()``, the
    erasure of a person's name and address from ``summary`` and ``data``.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
