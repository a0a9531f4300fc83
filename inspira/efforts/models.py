"""Development efforts (insatser): tailor-made professional development for a school unit (seed 001)
and the efforts of multi-year cooperation programmes (seed 004).

A **tailor-made effort** starts as a principal's **request** (the unit's need). A coordinator of
the development centre books the **planning meeting** (an invitation-only event) and writes its
notes; the centre then owes a **proposal** within ten working days (the **clock**, kept as a log
of ``ClockEvent`` rows from which the deadline is derived, see ``clock.py``). Each proposal is a
**version** that never changes; the principal accepts one version or asks for changes. The effort
is then **delivered** in **sessions** (events for the unit's staff), **documented** as it goes
(``Document``), and **evaluated** at the last session (the session's evaluation survey) and in
December (``YearlySurvey``: one survey per development area and year, sent to the principals of
the units that had efforts in that area).

A **cooperation programme** groups many efforts, each on a level (political leadership,
administration, school unit) and in one of the programme's development areas, with a process
leader; it ends with a closing **seminar** (an event) and a report.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspira.core.appendonly import AppendOnlyModel
from inspira.core.storage import private_storage


class Area(models.Model):
    """A development area (utvecklingsområde): "Collegial learning", "Pupil health"... One list for the
    centre's tailor-made efforts and the cooperation programmes (a programme picks its own)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True,
                                    help_text=_("An area no longer in use is kept for earlier efforts."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("development area")
        verbose_name_plural = _("development areas")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    """The levels a cooperation programme works on (seed 004)."""

    POLITICAL = "political", _("Political leadership")
    ADMINISTRATION = "administration", _("Administration")
    SCHOOL_UNIT = "school_unit", _("School units")


class CooperationProgramme(models.Model):
    """A multi-year cooperation programme (seed 004: "Samverkan för bästa skola")."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT,
                                  related_name="cooperation_programmes", verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    areas = models.ManyToManyField(Area, related_name="cooperation_programmes", verbose_name=_("development areas"))
    process_leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_cooperations",
                                             verbose_name=_("process leaders"))
    closing_seminar = models.OneToOneField("events.Event", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="cooperation_closing_of", verbose_name=_("closing seminar"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cooperation programme")
        verbose_name_plural = _("cooperation programmes")
        ordering = ["-first_year", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")),
                                   name="efforts_cooperation_years"),
        ]

    def __str__(self) -> str:
        return self.title


class Partner(models.Model):
    """A partner of a cooperation programme: the national agency, a university..."""

    cooperation = models.ForeignKey(CooperationProgramme, on_delete=models.CASCADE, related_name="partners",
                                    verbose_name=_("cooperation programme"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role in the programme"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Effort(models.Model):
    """One effort (insats) for one or more school units (none for an effort on the political or
    administrative level of a cooperation programme)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PLANNING = "planning", _("Planning meeting booked")
        PROPOSAL = "proposal", _("Proposal being prepared")
        RUNNING = "running", pgettext_lazy("an effort", "Running")
        ENDED = "ended", pgettext_lazy("an effort", "Ended")
        WITHDRAWN = "withdrawn", pgettext_lazy("an effort", "Withdrawn")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="efforts",
                                  verbose_name=_("programme"))
    # Set for the efforts of a cooperation programme; empty for the centre's tailor-made efforts.
    cooperation = models.ForeignKey(CooperationProgramme, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="efforts", verbose_name=_("cooperation programme"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.SCHOOL_UNIT)
    title = models.CharField(_("title"), max_length=200)
    schools = models.ManyToManyField("schools.School", blank=True, related_name="efforts",
                                     verbose_name=_("school units"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="efforts",
                             verbose_name=_("development area"))
    # The request (seed 001, steps 1–2).
    need = models.TextField(_("the unit's need"), blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    staff_count = models.PositiveSmallIntegerField(_("number of staff"), null=True, blank=True)
    wished_start = models.DateField(_("wished start"), null=True, blank=True)
    wished_end = models.DateField(_("wished end"), null=True, blank=True)
    # Who besides the principal joins the first meeting (seed 001, step 4).
    guests = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="effort_invitations",
                                    verbose_name=_("others at the first meeting"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="requested_efforts", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    # The centre's person responsible (a coordinator), or a cooperation effort's process leader.
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="led_efforts", verbose_name=_("responsible"))
    goals = models.TextField(_("goals"), blank=True)
    # The planning meeting (seed 001, step 3) and its notes.
    planning_meeting = models.OneToOneField("events.Event", on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="effort_planning_of", verbose_name=_("planning meeting"))
    notes_purpose = models.TextField(_("purpose"), blank=True)
    notes_goals = models.TextField(_("goals agreed at the meeting"), blank=True)
    notes_needs = models.TextField(_("needs"), blank=True)
    notes_limits = models.TextField(_("limits"), blank=True)
    notes_written_at = models.DateTimeField(_("notes written"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The documentation is shared with the unit when the effort ends.
    documentation_shared_at = models.DateTimeField(_("documentation shared"), null=True, blank=True)
    # The centre's summarising description of the evaluation at the last session, given back to the
    # principal with the survey's results (seed 001, step 7) when the centre shares it.
    evaluation_summary = models.TextField(_("summary of the evaluation"), blank=True)
    evaluation_shared_at = models.DateTimeField(_("evaluation summary shared"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    # The proposal clock's warning (three working days before the deadline) was sent for this deadline.
    warned_for = models.DateField(_("warned for the deadline"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("effort")
        verbose_name_plural = _("efforts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "area"], name="effort_state_area")]
        constraints = [
            models.CheckConstraint(condition=Q(staff_count__isnull=True) | Q(staff_count__gt=0),
                                   name="efforts_staff_count_positive"),
            models.CheckConstraint(
                condition=Q(wished_start__isnull=True) | Q(wished_end__isnull=True)
                | Q(wished_end__gte=models.F("wished_start")),
                name="efforts_wished_period"),
            models.CheckConstraint(condition=~Q(state="withdrawn") | ~Q(withdrawn_reason=""),
                                   name="efforts_withdrawn_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_tailor_made(self) -> bool:
        return self.cooperation_id is None


class ClockEvent(AppendOnlyModel):
    """One entry of an effort's proposal clock (seed 001, step 5: a proposal within two weeks of the
    planning meeting). The deadline is derived from the log (``clock.deadline``), never stored."""

    class Kind(models.TextChoices):
        STARTED = "started", pgettext_lazy("the proposal clock", "Started")
        PAUSED = "paused", pgettext_lazy("the proposal clock", "Paused")
        RESUMED = "resumed", pgettext_lazy("the proposal clock", "Resumed")
        EXTENDED = "extended", pgettext_lazy("the proposal clock", "Extended")
        MET = "met", pgettext_lazy("the proposal clock", "Proposal presented")

    effort = models.ForeignKey(Effort, on_delete=models.CASCADE, related_name="clock_events",
                               verbose_name=_("effort"))
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    # The day it takes effect: the day the clock started, paused, resumed or was met.
    day = models.DateField(_("day"))
    working_days = models.PositiveSmallIntegerField(_("working days"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("recorded"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("proposal clock entry")
        verbose_name_plural = _("proposal clock entries")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="extended") | Q(working_days__gt=0),
                                   name="efforts_clock_extension_days"),
            models.CheckConstraint(condition=~Q(kind__in=["paused", "extended"]) | ~Q(reason=""),
                                   name="efforts_clock_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class ClosedDay(models.Model):
    """A day the development centre is closed (a planning day, a staff trip): not a working day on
    the proposal clock."""

    day = models.DateField(_("day"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("day the centre is closed")
        verbose_name_plural = _("days the centre is closed")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}"


class Proposal(AppendOnlyModel):
    """One version of the centre's proposal. Never changes: a change is a new version."""

    effort = models.ForeignKey(Effort, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("effort"))
    version = models.PositiveSmallIntegerField(_("version"))
    summary = models.TextField(_("what we propose"))
    goals = models.TextField(_("goals"))
    plan = models.TextField(_("plan and sessions"))
    scope = models.TextField(_("scope and the unit's part"), blank=True)
    created_at = models.DateTimeField(_("presented"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("presented by"))

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["effort", "version"]
        constraints = [
            models.UniqueConstraint(fields=["effort", "version"], name="efforts_proposal_version_once"),
            models.CheckConstraint(condition=Q(version__gt=0), name="efforts_proposal_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.effort} v{self.version}"


class ProposalResponse(AppendOnlyModel):
    """The principal's answer to one version: accepted, or changes asked for (with a comment)."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("a proposal", "Accepted")
        CHANGES = "changes", _("Changes asked for")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responses",
                                 verbose_name=_("proposal"))
    # The proposal's effort again, so the database can hold "one accepted version an effort".
    effort = models.ForeignKey(Effort, on_delete=models.CASCADE, related_name="proposal_responses",
                               verbose_name=_("effort"))
    kind = models.CharField(_("answer"), max_length=10, choices=Kind.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("answered"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("answered by"))

    class Meta:
        verbose_name = _("answer to a proposal")
        verbose_name_plural = _("answers to proposals")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["effort"], condition=Q(kind="accepted"),
                                    name="efforts_one_accepted_proposal"),
            models.UniqueConstraint(fields=["proposal"], name="efforts_one_answer_per_version"),
            models.CheckConstraint(condition=~Q(kind="changes") | ~Q(comment=""),
                                   name="efforts_changes_have_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_kind_display()}"


class Session(models.Model):
    """A session of the effort (seed 001, step 6): an event for the unit's staff."""

    effort = models.ForeignKey(Effort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("effort"))
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="effort_session",
                                 verbose_name=_("event"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["event__starts_at", "pk"]

    def __str__(self) -> str:
        return str(self.event)


def document_path(instance, filename: str) -> str:
    return f"efforts/{instance.effort_id}/{filename}"


class Document(models.Model):
    """The centre's documentation of the process as it goes (a note, a lesson learnt, a good example),
    with a file if there is one. The unit sees it when the effort ends (``documentation_shared_at``)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        LESSON = "lesson", _("Lesson learnt")
        GOOD_EXAMPLE = "good_example", _("Good example")

    effort = models.ForeignKey(Effort, on_delete=models.CASCADE, related_name="documents", verbose_name=_("effort"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    # Which unit a lesson or example is from, where the effort has several.
    school = models.ForeignKey("schools.School", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("school unit"))
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("documentation")
        verbose_name_plural = _("documentation")
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class YearlySurvey(models.Model):
    """The December survey of a year: every principal whose unit had an effort that year evaluates it,
    one survey per development area (so results are read per year and area). Sent automatically on
    ``send_on``, a day the coordinators set."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    send_on = models.DateField(_("sent on"))
    closes_on = models.DateField(_("last day to answer"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("yearly survey")
        verbose_name_plural = _("yearly surveys")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gt=models.F("send_on")), name="efforts_yearly_closes_after"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class YearlyAreaSurvey(models.Model):
    """The yearly survey's survey for one development area."""

    yearly = models.ForeignKey(YearlySurvey, on_delete=models.CASCADE, related_name="area_surveys",
                               verbose_name=_("yearly survey"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("development area"))
    survey = models.OneToOneField("surveys.Survey", on_delete=models.PROTECT, related_name="effort_yearly",
                                  verbose_name=_("survey"))

    class Meta:
        verbose_name = _("yearly survey of an area")
        verbose_name_plural = _("yearly surveys of areas")
        constraints = [
            models.UniqueConstraint(fields=["yearly", "area"], name="efforts_yearly_area_once"),
        ]

    def __str__(self) -> str:
        return f"{self.yearly} {self.area}"
