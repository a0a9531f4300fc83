from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspira.programmes.catalog import INFO, Key


class Programme(models.Model):
    """One of the municipality's development programmes. The rows are made by a data migration, one
    a key; an administrator only switches them on and off. Names and descriptions live in
    ``catalog.PROGRAMMES``, translated."""

    key = models.CharField(_("key"), max_length=40, choices=Key.choices, unique=True)
    is_active = models.BooleanField(_("switched on"), default=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> str:
        return INFO[self.key].name

    @property
    def description(self) -> str:
        return INFO[self.key].description


class ProgrammeCoordinator(models.Model):
    """A person who coordinates one programme: a central role given per programme, and only for it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="coordinators",
                                  verbose_name=_("programme"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="programme_coordinations", verbose_name=_("person"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme coordinator")
        verbose_name_plural = _("programme coordinators")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="programme_coordinator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.programme})"
