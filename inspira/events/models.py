import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Event(models.Model):
    """A meeting a programme holds. ``uid`` and ``sequence`` let calendar programs treat a later
    calendar file as an update of the earlier one: the uid never changes, the sequence rises with
    every change that matters to a calendar (time, place, title, cancellation)."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        KICK_OFF = "kick_off", _("Kick-off meeting")
        CLOSING = "closing", _("Closing meeting")
        FOCUS_GROUP = "focus_group", _("Focus group")
        CHAT = "chat", pgettext_lazy("a kind of event", "Conversation")
        SESSION = "session", pgettext_lazy("a kind of event", "Session")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="events",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SEMINAR)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    district = models.ForeignKey("schools.District", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="events", verbose_name=_("district"))
    capacity = models.PositiveIntegerField(_("places"))
    quota_per_school = models.PositiveIntegerField(_("places per school"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(_("last time to cancel"), null=True, blank=True)
    is_public = models.BooleanField(_("shown in the public calendar"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["is_public", "starts_at"], name="event_public_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_link=""), name="event_place_or_link"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="event_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
