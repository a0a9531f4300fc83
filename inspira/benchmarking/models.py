"""A benchmarking round (seed 002) from interest registration to the closing evaluation.

A round's life: teachers register **interest** while the window is open; when it closes, a
**proposal** (a background job) selects who is admitted, divides them into **groups** whose
members all come from different schools and proposes a **timetable** of visits; the coordinator may
move people between groups, then publishes: everyone gets their decision with a reason, the groups
and their visit dates. Members confirm the dates or ask for others; each **visit** is confirmed by its
host when it took place; the **days away** (visits and the two meetings) are what schools **claim**
substitute costs for; the round ends with its evaluation and, with consent, **quotes**.

The hard rule of the groups, every member from a different school, is held by the database
(``benchmarking_one_member_per_school_and_group``), whatever path changes a group.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    class Stage(models.TextChoices):
        INTEREST = "interest", _("Interest registration")
        PROPOSED = "proposed", _("Proposal ready")
        PUBLISHED = "published", _("Groups published")
        FINISHED = "finished", _("Finished")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="benchmarking_rounds",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200,
                             help_text=_("For example “Class teachers in grades 1–6, autumn term 2027”."))
    description = models.TextField(_("description"), blank=True)
    interest_opens_at = models.DateTimeField(_("interest registration opens"))
    interest_closes_at = models.DateTimeField(_("interest registration closes"))
    max_participants = models.PositiveSmallIntegerField(
        _("maximum number of participants"), default=30, validators=[MinValueValidator(2), MaxValueValidator(500)])
    group_size = models.PositiveSmallIntegerField(
        _("group size"), default=3, validators=[MinValueValidator(2), MaxValueValidator(8)])
    visit_window_starts = models.DateField(_("first day of visits"))
    visit_window_ends = models.DateField(_("last day of visits"))
    min_days_between_visits = models.PositiveSmallIntegerField(
        _("days at least between a participant's visits"), default=7, validators=[MaxValueValidator(60)])
    max_away_per_school = models.PositiveSmallIntegerField(
        _("teachers of one school away on the same day, at most"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)])
    # Whole öre, as all money; copied onto each claim line when the claim is made.
    substitute_rate = models.PositiveIntegerField(_("substitute cost per day (öre)"), default=180000)
    kickoff = models.OneToOneField("events.Event", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="benchmarking_kickoff_of", verbose_name=_("kick-off meeting"))
    closing = models.OneToOneField("events.Event", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="benchmarking_closing_of", verbose_name=_("closing meeting"))
    evaluation = models.OneToOneField("surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="benchmarking_round", verbose_name=_("evaluation"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.INTEREST)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("benchmarking round")
        verbose_name_plural = _("benchmarking rounds")
        ordering = ["-interest_opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(interest_closes_at__gt=models.F("interest_opens_at")),
                                   name="benchmarking_round_interest_window"),
            models.CheckConstraint(condition=Q(visit_window_ends__gte=models.F("visit_window_starts")),
                                   name="benchmarking_round_visit_window"),
        ]

    def __str__(self) -> str:
        return self.title


class Grade(models.TextChoices):
    F = "F", _("Preschool class")
    G1 = "1", _("Grade 1")
    G2 = "2", _("Grade 2")
    G3 = "3", _("Grade 3")
    G4 = "4", _("Grade 4")
    G5 = "5", _("Grade 5")
    G6 = "6", _("Grade 6")
    G7 = "7", _("Grade 7")
    G8 = "8", _("Grade 8")
    G9 = "9", _("Grade 9")


class GradeBand(models.TextChoices):
    """The Swedish stages: lågstadiet (F–3), mellanstadiet (4–6), högstadiet (7–9)."""

    LOW = "F-3", _("Grades F–3")
    MIDDLE = "4-6", _("Grades 4–6")
    HIGH = "7-9", _("Grades 7–9")


def grade_band_of(grades) -> str:
    """The band of the lowest grade a teacher teaches (a teacher of 3 and 4 counts as F–3)."""
    order = [choice.value for choice in Grade]
    lowest = min((order.index(g) for g in grades if g in order), default=0)
    if lowest <= order.index("3"):
        return GradeBand.LOW
    if lowest <= order.index("6"):
        return GradeBand.MIDDLE
    return GradeBand.HIGH


class Interest(models.Model):
    """A teacher's registration of interest in a round, and (after publishing) the decision on it.
    An admitted interest is the round's participant: it belongs to a group and is the member that
    hosts one of the group's visits."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        ADMITTED = "admitted", _("Admitted")
        NOT_ADMITTED = "not_admitted", _("Not admitted")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="interests", verbose_name=_("round"))
    # Null after the person is erased (privacy): the row and its counts stay, the person does not.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="benchmarking_interests", verbose_name=_("teacher"))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="benchmarking_interests",
                               verbose_name=_("school"))
    grades = models.JSONField(_("grades"), default=list)
    grade_band = models.CharField(_("grade band"), max_length=3, choices=GradeBand.choices, editable=False)
    subjects = models.CharField(_("subjects"), max_length=300)
    # ISO dates the teacher cannot be away.
    unavailable_days = models.JSONField(_("days I cannot be away"), default=list, blank=True)
    registered_at = models.DateTimeField(_("registered"), db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Not admitted to an earlier round of the programme: first in line now.
    deferred_from = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("deferred from round"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(_("reason"), blank=True)
    group = models.ForeignKey("benchmarking.Group", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="members", verbose_name=_("group"))

    class Meta:
        verbose_name = _("interest registration")
        verbose_name_plural = _("interest registrations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], condition=Q(withdrawn_at__isnull=True),
                                    name="benchmarking_one_interest_per_round"),
            models.UniqueConstraint(fields=["group", "school"], condition=Q(group__isnull=False),
                                    name="benchmarking_one_member_per_school_and_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.school})"

    def save(self, *args, **kwargs):
        self.grade_band = grade_band_of(self.grades)
        if kwargs.get("update_fields") is not None and "grades" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "grade_band"}
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Proposal(models.Model):
    """One run of selection, grouping and timetabling (``benchmarking.proposals``), made by a
    background job that reports its progress here. What the solver proposed is kept as it was, so
    the coordinator's changes can be listed against it, and how it was found is kept with it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("round"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (per cent)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Selection: admitted interest ids in order; objective = (distinct schools, deferred, -order sum).
    admitted = models.JSONField(default=list, blank=True)
    selection_objective = models.JSONField(default=dict, blank=True)
    # Grouping: [[interest id, ...], ...] as the solver proposed them.
    groups = models.JSONField(default=list, blank=True)
    # Timetable: [{"group": index, "host": interest id, "date": ISO date}, ...]
    timetable = models.JSONField(default=list, blank=True)
    solver_name = models.CharField(_("solver"), max_length=60, blank=True)
    solver_version = models.CharField(_("solver version"), max_length=40, blank=True)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    grouping_status = models.CharField(_("grouping status"), max_length=20, blank=True)
    grouping_objective = models.BigIntegerField(_("grouping objective"), null=True, blank=True)
    timetable_status = models.CharField(_("timetable status"), max_length=20, blank=True)
    timetable_objective = models.BigIntegerField(_("timetable objective"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Proposal of %(when)s") % {"when": self.created_at}


class Group(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups", verbose_name=_("round"))
    number = models.PositiveSmallIntegerField(_("number"))
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("proposal"))

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="benchmarking_group_number")]

    def __str__(self) -> str:
        return _("Group %(number)s") % {"number": self.number}


class Visit(models.Model):
    """One full-day visit of a group to one member's school. ``uid`` and ``sequence`` make every
    calendar file of the visit an update of the earlier one."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Dates confirmed")
        HELD = "held", _("Took place")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="visits", verbose_name=_("group"))
    host = models.ForeignKey(Interest, on_delete=models.PROTECT, related_name="hosted_visits",
                             verbose_name=_("host"))
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    held_confirmed_at = models.DateTimeField(_("confirmed as held"), null=True, blank=True)
    held_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("confirmed by"))
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "host"], name="benchmarking_one_visit_per_host")]

    def __str__(self) -> str:
        return f"{self.group}: {self.date}"


class DateAnswer(models.Model):
    """A member's answer to the group's proposed dates: confirmed, or asking for other dates."""

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("The dates suit me")
        OTHER_DATES = "other_dates", _("I need other dates")

    member = models.OneToOneField(Interest, on_delete=models.CASCADE, related_name="date_answer",
                                  verbose_name=_("member"))
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("answer on dates")
        verbose_name_plural = _("answers on dates")

    def __str__(self) -> str:
        return self.get_answer_display()


class DayAway(models.Model):
    """A day a participant was away from their own school for the round: a visit (as a visitor or
    the host's colleague) once the host confirmed it took place, or a meeting attended."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("School visit")
        KICKOFF = "kickoff", _("Kick-off meeting")
        CLOSING = "closing", _("Closing meeting")

    participant = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="days_away",
                                    verbose_name=_("participant"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="days_away",
                              verbose_name=_("visit"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("day away")
        verbose_name_plural = _("days away")
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["participant", "date"], name="benchmarking_one_day_away_a_day")]

    def __str__(self) -> str:
        return f"{self.date} ({self.get_kind_display()})"


class Claim(models.Model):
    """A school's claim for substitute costs for its teachers' days away in one round. The round's
    rate is copied onto each line when the claim is made; finance approves the claim as a whole."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        APPROVED = "approved", _("Approved")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="claims", verbose_name=_("round"))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="benchmarking_claims",
                               verbose_name=_("school"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CLAIMED)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("claimed by"))
    claimed_at = models.DateTimeField(_("claimed"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("substitute-cost claim")
        verbose_name_plural = _("substitute-cost claims")
        ordering = ["-claimed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.school} – {self.round}"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines", verbose_name=_("claim"))
    # One claim per day away, ever: a day cannot be claimed twice.
    day_away = models.OneToOneField(DayAway, on_delete=models.PROTECT, related_name="claim_line",
                                    verbose_name=_("day away"))
    amount = models.PositiveIntegerField(_("amount (öre)"))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["day_away__date", "pk"]

    def __str__(self) -> str:
        return str(self.day_away)


class Quote(models.Model):
    """What a participant wrote about the round, published on the programme's page only with their
    recorded consent (and their name only if they chose so)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("round"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("writer"))
    text = models.TextField(_("quote"), max_length=1000)
    show_name = models.BooleanField(_("show my name with the quote"), default=False)
    consent_at = models.DateTimeField(_("consent given"))
    consent_text = models.TextField(_("consent text agreed to"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-published_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
