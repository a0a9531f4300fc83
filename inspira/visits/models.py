"""Study visits: the half-day occasions a site offers, the visiting schools' bookings, the waiting
list, the host's record of each visit's outcome and the visitors' feedback.

A visit (``Booking``) is one visiting school's group at one ``Occasion``. An occasion takes
several visiting schools up to its capacity, counted in participants *from the booking rows*
(held and confirmed bookings): there is no counter column that could drift from the rows.

    held ──(principal approves)──> confirmed ──(host marks)──> completed / not_carried_out
      │                               │                               │
      └─(declined, hold expires)──> cancelled <──(visitor or host)──┘ (an administrator may undo a marking)

A booking is "held" only when the visiting school requires its principal's approval
(``SchoolVisitSettings``); its places are kept until ``hold_expires_at``.

Completion (part of the same lifecycle, used by the fees) is recorded twice on purpose: the
booking's ``status`` and ``outcome_marked_at/by`` say what holds now, and the append-only
``BookingOutcomeChange`` says who marked or undid what, when and why. An undo (administrators
only, with a reason) is a new row, never an edit.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from inspira.core.appendonly import AppendOnlyModel

DEFAULT_CANCELLATION_DEADLINE_WORKING_DAYS = 5


class SchoolVisitSettings(models.Model):
    """A school's own rules for the visits it makes (as a visiting school)."""

    school = models.OneToOneField(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="visit_settings"
    )
    requires_principal_approval = models.BooleanField(
        _("bookings need the principal's approval"), default=False,
        help_text=_("A booking commits the school to pay its share of the visit fee. If ticked, a booking made "
                    "by the school's staff holds the places until the principal approves it."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("school's visit settings")
        verbose_name_plural = _("schools' visit settings")

    def __str__(self):
        return str(self.school)


class SiteVisitSettings(models.Model):
    """A site's (certification's) own rules for the visits it receives."""

    certification = models.OneToOneField(
        "certification.Certification", verbose_name=_("inspiration site"), on_delete=models.CASCADE,
        related_name="visit_settings",
    )
    cancellation_deadline_working_days = models.PositiveSmallIntegerField(
        _("cancellation deadline in working days"), default=DEFAULT_CANCELLATION_DEADLINE_WORKING_DAYS,
        validators=[MaxValueValidator(60)],
        help_text=_("Visitors can cancel a booking until this many working days before the visit (weekdays "
                    "that are not public holidays). The site can always cancel, with a reason."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("site's visit settings")
        verbose_name_plural = _("sites' visit settings")

    def __str__(self):
        return str(self.certification_id)


class OccasionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, today):
        return self.not_cancelled().filter(date__gte=today)

    def with_places_taken(self):
        """Annotate ``places_taken``: participants of the active bookings, counted from the rows."""
        return self.annotate(places_taken=Coalesce(
            models.Sum("bookings__participants", filter=models.Q(bookings__status__in=Booking.ACTIVE_STATUSES)),
            0,
        ))


class Occasion(models.Model):
    """A half-day a site offers for study visits."""

    class Slot(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")

    certification = models.ForeignKey(
        "certification.Certification", verbose_name=_("inspiration site"), on_delete=models.PROTECT,
        related_name="occasions",
    )
    date = models.DateField(_("date"))
    slot = models.CharField(_("half-day"), max_length=10, choices=Slot.choices)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    place = models.CharField(
        _("place"), max_length=200,
        help_text=_("Where visitors meet, e.g. the school's address and the entrance or room."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places (participants)"), validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many visitors in all the occasion takes. Several schools can share an occasion."),
    )
    note = models.TextField(_("note to visitors"), blank=True)
    # iCalendar: one event per occasion for the host's own calendar. Same UID for ever; the
    # sequence goes up with each change so calendar programs replace the old version.
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar version"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OccasionQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit occasion")
        verbose_name_plural = _("visit occasions")
        ordering = ["date", "start_time", "pk"]
        indexes = [models.Index(fields=["certification", "date"], name="occasion_site_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")),
                                   name="occasion_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="occasion_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def starts_at(self) -> datetime:
        """The start as an aware moment: the date and time are wall-clock time of the programme's
        zone (settings.TIME_ZONE), whoever looks at them."""
        return datetime.combine(self.date, self.start_time, tzinfo=timezone.get_default_timezone())

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.date, self.end_time, tzinfo=timezone.get_default_timezone())

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Booking(models.Model):
    """One visiting school's group at one occasion: a visit."""

    class Status(models.TextChoices):
        HELD = "held", _("Waiting for the principal's approval")
        CONFIRMED = "confirmed", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NOT_CARRIED_OUT = "not_carried_out", _("Not carried out")

    # Bookings in these statuses take places on the occasion.
    ACTIVE_STATUSES = (Status.HELD, Status.CONFIRMED)
    # The host's record after the visit day.
    OUTCOME_STATUSES = (Status.COMPLETED, Status.NOT_CARRIED_OUT)

    occasion = models.ForeignKey(Occasion, verbose_name=_("occasion"), on_delete=models.PROTECT,
                                 related_name="bookings")
    school = models.ForeignKey(
        "schools.School", verbose_name=_("visiting school"), on_delete=models.PROTECT, related_name="visit_bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.PROTECT, related_name="visit_bookings"
    )
    participants = models.PositiveSmallIntegerField(
        _("number of participants"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    participant_names = models.TextField(
        _("participants' names"), blank=True, help_text=_("Optional. One name per line."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact's email address"))
    contact_phone = models.CharField(_("contact's phone"), max_length=30, blank=True)
    message = models.TextField(_("message to the site"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)

    # The visiting school's principal's approval (only when the school requires it).
    hold_expires_at = models.DateTimeField(_("places held until"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved by the principal"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", help_text=_("Empty when the system cancelled (a hold expired)."),
    )
    cancelled_by_host = models.BooleanField(_("cancelled by the site"), default=False)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)

    # The host's record of the visit (see BookingOutcomeChange for the history).
    outcome_marked_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    outcome_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("outcome recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    # One key per shown booking form: a double click or a resubmitted form finds the first booking.
    idempotency_key = models.UUIDField(_("form key"), unique=True, editable=False)
    # iCalendar: the same UID for the booking's whole life, a higher sequence for each change.
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar version"), default=0)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["occasion__date", "occasion__start_time", "pk"]
        indexes = [
            models.Index(fields=["occasion", "status"], name="booking_occasion_status"),
            models.Index(fields=["school", "status"], name="booking_school_status"),
            models.Index(fields=["status", "hold_expires_at"], name="booking_status_hold"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(participants__gte=1), name="booking_participants_positive"),
            # One visit per school and occasion (a fee is per visit); a cancelled one may be booked again.
            models.UniqueConstraint(fields=["occasion", "school"], condition=~models.Q(status="cancelled"),
                                    name="booking_one_per_school_and_occasion"),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(hold_expires_at__isnull=False),
                name="booking_held_has_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.school} – {self.occasion}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_recorded(self) -> bool:
        """The host has recorded whether the visit took place."""
        return self.status in self.OUTCOME_STATUSES

    @property
    def status_label(self) -> str:
        """The status as people say it: a visit the visitors called off is "avbokat"; "inställt" is
        only when the site cancelled (the occasion or this visit)."""
        if self.is_cancelled and not self.cancelled_by_host:
            return pgettext("a visit the visiting school cancelled", "Called off")
        return self.get_status_display()

    @property
    def status_tone(self) -> str:
        """The Bootstrap colour of the status badge."""
        return {self.Status.CONFIRMED: "success", self.Status.HELD: "warning",
                self.Status.CANCELLED: "secondary"}.get(self.status, "info")


class BookingOutcomeChange(AppendOnlyModel):
    """The host marking a visit completed or not carried out, or an administrator undoing a
    marking (with a reason). Append-only: written by the service that changes the booking, in
    the same transaction. Completion is what the fees count, so its history is kept whole."""

    class Action(models.TextChoices):
        COMPLETED = "completed", _("Marked as completed")
        NOT_CARRIED_OUT = "not_carried_out", _("Marked as not carried out")
        UNDONE = "undone", _("Marking undone")

    booking = models.ForeignKey(Booking, verbose_name=_("visit"), on_delete=models.PROTECT,
                                related_name="outcome_changes")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
                           related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("visit outcome change")
        verbose_name_plural = _("visit outcome changes")
        ordering = ["booking", "at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(action="undone") | ~models.Q(reason=""),
                                   name="outcome_undo_has_reason"),
        ]

    def __str__(self):
        return f"{self.booking_id}: {self.action}"



class WaitingListEntry(models.Model):
    """A school waiting for places on a full occasion. The first in line (by ``created_at``) whose
    group fits is offered the places that free up; an outstanding offer keeps those places for
    it until ``offer_expires_at``."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered places")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Offer expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    occasion = models.ForeignKey(Occasion, verbose_name=_("occasion"), on_delete=models.PROTECT,
                                 related_name="waiting_list")
    school = models.ForeignKey("schools.School", verbose_name=_("visiting school"), on_delete=models.PROTECT,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed up by"), on_delete=models.PROTECT,
                             related_name="+")
    # What the booking will be if the offer is accepted.
    participants = models.PositiveSmallIntegerField(
        _("number of participants"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    participant_names = models.TextField(_("participants' names"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact's email address"))
    contact_phone = models.CharField(_("contact's phone"), max_length=30, blank=True)
    message = models.TextField(_("message to the site"), blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(_("signed up"), db_index=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    booking = models.OneToOneField(Booking, verbose_name=_("visit"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="waiting_list_entry")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["occasion", "created_at", "pk"]
        constraints = [
            # One place in line per school and occasion.
            models.UniqueConstraint(fields=["occasion", "school"],
                                    condition=models.Q(status__in=["waiting", "offered"]),
                                    name="waiting_one_open_entry_per_school"),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="waiting_offer_has_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.school} – {self.occasion} ({self.status})"


class Feedback(models.Model):
    """“Dela med er – och få tillbaka!”: the visitors' feedback on a completed visit."""

    booking = models.OneToOneField(Booking, verbose_name=_("visit"), on_delete=models.PROTECT,
                                   related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (not useful) to 5 (very useful)."),
    )
    takeaways = models.TextField(_("what we take home"))
    questions = models.TextField(_("constructive questions for the site"), blank=True)
    # Empty when the feedback came through the emailed link without logging in.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"))
    # The visitors may change their feedback while the form is open (services.FEEDBACK_OPEN_DAYS).
    updated_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.booking_id}: {self.rating}"
