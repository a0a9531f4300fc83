"""Surveys whose answers stay anonymous by construction.

Who was invited and whether they answered (``Invitation``) is stored apart from what was answered
(``Response`` and ``Answer``). Nothing leads from an answer to a person: no foreign key to a user or an
invitation, no time finer than the day, no address. Responses and answers get random (UUID) primary
keys, so their order in the table does not follow the order in which people answered either.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.programmes.models import Programme


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="surveys",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    # Set by survey_open; a survey without one is a draft.
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"))
    # Set when a coordinator closes the survey before its closing time.
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-closes_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if (self.closed_at and self.closed_at <= now) or self.closes_at <= now:
            return self.State.CLOSED
        if self.opens_at and self.opens_at <= now:
            return self.State.OPEN
        return self.State.DRAFT

    @property
    def state_label(self) -> str:
        return self.State(self.state()).label

    @property
    def last_day(self):
        """The last day on which answers are taken, on the local clock: a survey closing at midnight
        takes answers until the end of the day before."""
        return timezone.localtime(self.closes_at - timezone.timedelta(microseconds=1)).date()


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale 1–5")
        TEXT = "text", _("Free text")

    SCALE_MIN, SCALE_MAX = 1, 5

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("survey"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    @property
    def is_scale(self) -> bool:
        return self.kind == self.Kind.SCALE


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices",
                                 verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("text"), max_length=200)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="survey_choice_position")]

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """Who was invited and whether they answered: never what they answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations",
                               verbose_name=_("survey"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="survey_invitations", verbose_name=_("person"))
    token_hash = models.CharField(_("link fingerprint"), max_length=64)
    invited_at = models.DateTimeField(_("invited"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Deliberately no time of answering: only whether.
    answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_invitation_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.survey})"


class Response(models.Model):
    """One anonymous set of answers: the survey and the day, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses",
                               verbose_name=_("survey"))
    submitted_on = models.DateField(_("day answered"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey} ({self.submitted_on})"


class Answer(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("question"))
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers",
                               verbose_name=_("choice"))
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Free texts are shown only once a coordinator has approved them (no names, nothing identifying).
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return str(self.question)
