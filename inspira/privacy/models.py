from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    """That a person's personal data was erased, when and by whom. Holds nothing about who the
    person was: the account itself is anonymised (or, for a sign-up never verified, deleted, which
    deletes this row too; the audit trail keeps the event)."""

    class Reason(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Erased by an administrator")
        UNVERIFIED = "unverified", _("Sign-up never verified")
        INACTIVE = "inactive", _("Account not used for a long time")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="erasure"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    erased_at = models.DateTimeField(_("erased"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("erased by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty when a retention rule erased the data."),
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.reason}"
