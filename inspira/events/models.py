import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspira.core.storage import private_storage
from inspira.core.uploads import EXTENSIONS


class Eligibility(models.TextChoices):
    ANYONE = "anyone", _("Anyone logged in")
    SCHOOLS = "schools", _("Staff of chosen schools")
    SCHOOL_FORMS = "school_forms", _("Staff of schools of chosen school forms")
    DISTRICTS = "districts", _("Staff of schools in chosen districts")
    GROUP = "group", _("A named group")


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
    # Who may register (``registrations.user_is_eligible``): anyone logged in, or the staff of the
    # chosen schools, school forms or districts, or the members of a group another programme names
    # (``eligibility.register_group``; the key is kept, the group's members are asked when it matters).
    eligibility = models.CharField(_("who may register"), max_length=20, choices=Eligibility.choices,
                                   default=Eligibility.ANYONE)
    eligible_schools = models.ManyToManyField("schools.School", blank=True, related_name="+",
                                              verbose_name=_("schools that may register"))
    eligible_school_forms = models.ManyToManyField("schools.SchoolForm", blank=True, related_name="+",
                                                   verbose_name=_("school forms that may register"))
    eligible_districts = models.ManyToManyField("schools.District", blank=True, related_name="+",
                                                verbose_name=_("districts that may register"))
    eligible_group = models.CharField(_("group that may register"), max_length=60, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # The survey that evaluates the event (events.evaluation), sent to those who attended.
    evaluation = models.OneToOneField("surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="event", verbose_name=_("evaluation"))
    # The series the event was made by, and the date its rule gave it: an event whose date or times
    # differ from its series' rule has been moved (see ``events.series.series_event_moved``).
    series = models.ForeignKey("events.EventSeries", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="events", verbose_name=_("series"))
    series_date = models.DateField(_("date in the series"), null=True, blank=True, editable=False)

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


class EventSeries(models.Model):
    """Events repeated by a rule ("every second Tuesday this term"): the rule and the details its
    events share. Creating a series makes one ordinary Event per date (``events.series.series_create``);
    after that each event is changed or cancelled on its own, and the series only groups them."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="event_series",
                                  verbose_name=_("programme"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    interval_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), default=1)
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    # Stockholm wall-clock times: 15:00 stays 15:00 on both sides of a DST change.
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Event.Kind.choices, default=Event.Kind.SEMINAR)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    district = models.ForeignKey("schools.District", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    capacity = models.PositiveIntegerField(_("places"))
    quota_per_school = models.PositiveIntegerField(_("places per school"), null=True, blank=True)
    is_public = models.BooleanField(_("shown in the public calendar"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        ordering = ["-first_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_date__gte=models.F("first_date")), name="series_last_after_first"),
            models.CheckConstraint(condition=Q(interval_weeks__gte=1), name="series_interval_positive"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationQuestion(models.Model):
    """A question the organiser asks everyone who registers for an event (e.g. dietary needs). The
    answers are kept on the registration (``Registration.answers``, by the question's id)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("Choice from a list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event"))
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    # For a choice: one option a line.
    options = models.TextField(_("options"), blank=True)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["event", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Registration(models.Model):
    """A place on an event: one person's, or a group's from one school (a count, names optional).

    The row is also the event's waiting-list entry (``core.capacity`` reads it as both holder and
    line): it is made WAITING when the event is full, becomes OFFERED when places free up, and
    CONFIRMED when the offer is taken. Only CONFIRMED rows hold places; an open offer keeps its
    places until ``offer_expires_at``. ``created_at`` is the place in line.

    Attendance is recorded on the row after the event: ``attended`` (None until marked) for a
    person, ``attended_count`` for a group; a walk-in is a CONFIRMED row made on the spot.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Offered a place")
        CANCELLED = "cancelled", _("Cancelled")
        WITHDRAWN = "withdrawn", _("Left the waiting list")
        DECLINED = "declined", _("Declined the offer")
        EXPIRED = "expired", _("Offer expired")

    OPEN_STATUSES = (Status.CONFIRMED, Status.WAITING, Status.OFFERED)
    LINE_STATUSES = (Status.WAITING, Status.OFFERED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name=_("event"))
    # Who the place is for (a person's own registration) or who registered the group. Null after the
    # person is erased: the row stays so the counts do.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="event_registrations", verbose_name=_("person"))
    # The school the place counts against (quota per school); a group's school.
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="event_registrations", verbose_name=_("school"))
    is_group = models.BooleanField(_("group registration"), default=False)
    participants = models.PositiveIntegerField(_("number of participants"), default=1)
    participant_names = models.TextField(_("participants' names"), blank=True)
    # A walk-in added by the organiser on the day: a name, no account needed.
    walk_in_name = models.CharField(_("name"), max_length=200, blank=True)
    # Answers to the event's registration questions (question id -> text): personal data, shown only
    # to the organiser, emptied by the retention rules after the event.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attended_count = models.PositiveIntegerField(_("participants who came"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(_("attendance marked"), null=True, blank=True)
    # The moment (ms since the epoch, as the organiser's phone read its clock) of the tap that set the
    # attendance now stored. A tap sent again after a lost answer, or overtaken by a later tap on the
    # way, carries a version no newer than this and changes nothing (see events.attendance).
    attendance_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Rises with every calendar file sent for this registration (confirmation, change, cancellation).
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="registration_line")]
        constraints = [
            models.CheckConstraint(condition=Q(participants__gt=0), name="registration_participants_positive"),
            # One open place (registered, waiting or offered) per person and event for their own
            # registration; a group registered by the same person is a separate row.
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(is_group=False, status__in=["confirmed", "waiting", "offered"]),
                name="registration_one_open_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    # Templates read these, not the status codes.
    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_offered(self) -> bool:
        return self.status == self.Status.OFFERED


def material_path(instance, filename):
    # A random name with the extension of the type found in the content: the uploaded name may say
    # anything, and the file is reached only through the download view, by id.
    return f"events/material/{uuid.uuid4().hex}{EXTENSIONS.get(instance.content_type, '')}"


class EventMaterial(models.Model):
    """Slides, documentation or pictures an organiser publishes after an event. Stored in private
    storage whatever the audience: even material for everyone is handed out by a view, so removing it
    removes it, and nobody can guess their way to the material of the registered."""

    class Audience(models.TextChoices):
        REGISTERED = "registered", _("Those registered for the event")
        EVERYONE = "everyone", _("Everyone")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, storage=private_storage, max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    audience = models.CharField(_("for whom"), max_length=10, choices=Audience.choices,
                                default=Audience.REGISTERED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("event material")
        verbose_name_plural = _("event material")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_for_everyone(self) -> bool:
        return self.audience == self.Audience.EVERYONE


class CalendarFeedToken(models.Model):
    """The secret in the address of a person's own calendar feed (their registrations). Calendar
    programs cannot log in, so the address is the key: a new one replaces it when the person asks
    (e.g. after sharing it by mistake), and erasing the person deletes it.

    The token is kept readable (the person's page shows the address again); lookups go by its
    SHA-256 digest, and the view compares the tokens in constant time."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed_token", verbose_name=_("person"))
    token = models.CharField(_("token"), max_length=64)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")

    def __str__(self) -> str:
        return f"{self.user_id}"
