"""The teacher panel's records.

A person's membership is a period (``Member``): from joining to leaving or lapsing, with the version
of the consent text agreed to and the day the consent runs out. Nothing of the panel stores what a
member answered in a survey: the survey engine keeps invitations and answers apart, and the panel
only adds who was drawn (``Draw``, ``DrawPick``), which is who was asked, never what they said.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.core.appendonly import AppendOnlyModel


class ConsentText(AppendOnlyModel):
    """One version of the consent text. A version never changes once written: a member's consent
    names the words they agreed to."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("Consent text, version %(version)s") % {"version": self.version}


class Subject(models.Model):
    """A school subject a member teaches (the rows come from a migration)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """One period of a person's membership of the panel. Renewing the consent extends the period;
    leaving or lapsing ends it, and joining again starts a new one, so the history can be counted."""

    class Frequency(models.IntegerChoices):
        # At most one survey in this many days.
        FORTNIGHT = 14, _("At most every other week")
        MONTH = 30, _("At most once a month")
        TWO_MONTHS = 60, _("At most every other month")
        TERM = 120, _("At most once a term")

    class Ending(models.TextChoices):
        LEFT = "left", _("Left the panel")
        LAPSED = "lapsed", _("Consent lapsed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="panel_memberships", verbose_name=_("person"))
    school_form = models.ForeignKey("schools.SchoolForm", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("school form"))
    district = models.ForeignKey("schools.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    subjects = models.ManyToManyField(Subject, blank=True, related_name="members", verbose_name=_("subjects"))
    frequency_days = models.PositiveSmallIntegerField(_("how often I may be asked"), choices=Frequency.choices,
                                                      default=Frequency.MONTH)
    focus_groups = models.BooleanField(_("may be invited to focus groups"), default=False)
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="members",
                                     verbose_name=_("consent text agreed to"))
    consented_at = models.DateTimeField(_("consent given"))
    consent_until = models.DateTimeField(_("consent valid until"))
    renewal_reminded_at = models.DateTimeField(_("reminded to renew"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ending = models.CharField(_("how it ended"), max_length=10, choices=Ending.choices, blank=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["-joined_at", "pk"]
        constraints = [
            # One open period per person: joining twice at once would count them twice.
            models.UniqueConstraint(fields=["user"], condition=Q(ended_at__isnull=True), name="panel_member_one_open"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True, ending="") | Q(ended_at__isnull=False)
                                   & ~Q(ending=""), name="panel_member_ending_with_end"),
        ]
        indexes = [models.Index(fields=["ended_at", "consent_until"], name="panel_member_active")]

    def __str__(self) -> str:
        return str(self.user or _("(erased)"))

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.consent_until > now

    @property
    def stratum(self) -> str:
        return stratum_key(self.school_form_id, self.district_id)


def stratum_key(school_form_id, district_id) -> str:
    """A stratum of the sampler: school form and district, as the draw stores it."""
    return f"{school_form_id}:{district_id}"


class Draw(models.Model):
    """Who a survey or a focus group drew from the members. The seed and the candidates in the order
    the sampler saw them are stored, so the draw can be shown and repeated exactly."""

    class Mode(models.TextChoices):
        ALL = "all", _("All members")
        STRATIFIED = "stratified", _("A sample by school form and district")

    class Purpose(models.TextChoices):
        SURVEY = "survey", _("Survey")
        FOCUS_GROUP = "focus_group", _("Focus group")

    purpose = models.CharField(_("for"), max_length=20, choices=Purpose.choices)
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="panel_draws", verbose_name=_("survey"))
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="panel_draws", verbose_name=_("focus group"))
    mode = models.CharField(_("who is asked"), max_length=20, choices=Mode.choices)
    seed = models.BigIntegerField(_("seed"))
    # {stratum key: size asked for}; empty for "all members".
    sizes = models.JSONField(_("size per stratum"), default=dict, blank=True)
    # [[member id, stratum key, last asked (ISO) or null], ...] in the order the sampler read them.
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    made_at = models.DateTimeField(_("drawn"), default=timezone.now)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("drawn by"))
    # Set once the invitations went out; a draw not sent may be drawn again.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="survey", survey__isnull=False, event__isnull=True)
                | Q(purpose="focus_group", survey__isnull=True, event__isnull=False),
                name="panel_draw_one_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.made_at:%Y-%m-%d}"


class DrawPick(models.Model):
    """A member the draw picked, in its stratum."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="picks", verbose_name=_("draw"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="picks", verbose_name=_("member"))
    stratum = models.CharField(_("stratum"), max_length=40)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("drawn member")
        verbose_name_plural = _("drawn members")
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "member"], name="panel_pick_once")]

    def __str__(self) -> str:
        return f"{self.draw} #{self.position}"


class FocusInvite(models.Model):
    """An invitation of a drawn member to a focus group (an event of the panel). One who declines,
    leaves or lapses is replaced from the same stratum."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="focus_invites", verbose_name=_("draw"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="focus_invites",
                               verbose_name=_("member"))
    stratum = models.CharField(_("stratum"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.INVITED)
    invited_at = models.DateTimeField(_("invited"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    replaces = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("replaces"))

    class Meta:
        verbose_name = _("focus-group invitation")
        verbose_name_plural = _("focus-group invitations")
        ordering = ["draw", "invited_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["draw", "member"], name="panel_focus_invite_once")]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_state_display()})"


class Chat(models.Model):
    """A chat of the panel with the leadership: an event (kind chat) with its questions."""

    class Leadership(models.TextChoices):
        COMMISSIONER = "commissioner", _("The school commissioner")
        DIRECTORS = "directors", _("The education director and the directors")

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="panel_chat",
                                 verbose_name=_("event"))
    leadership = models.CharField(_("with"), max_length=20, choices=Leadership.choices)
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="panel_chats_led",
                                     verbose_name=_("who answer"))
    transcript_published_at = models.DateTimeField(_("transcript published"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")

    def __str__(self) -> str:
        return str(self.event)


class ChatQuestion(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPROVED = "approved", _("Approved")
        MERGED = "merged", _("Merged")
        DECLINED = "declined", _("Declined")
        ANSWERED = "answered", _("Answered")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="questions", verbose_name=_("chat"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("asked by"))
    text = models.TextField(_("question"), max_length=1000)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="merged", verbose_name=_("merged into"))
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # An approved question left unanswered when the chat ends gets an owner and a deadline.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="panel_questions_owned", verbose_name=_("answers after the chat"))
    due_on = models.DateField(_("answer due"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat question")
        verbose_name_plural = _("chat questions")
        ordering = ["chat", "created_at", "pk"]
        constraints = [
            # One pinned question at a time: what everyone is talking about now.
            models.UniqueConstraint(fields=["chat"], condition=Q(pinned=True), name="panel_chat_one_pinned"),
        ]
        indexes = [models.Index(fields=["chat", "state"], name="panel_chatq_state")]

    def __str__(self) -> str:
        return self.text[:60]


class ChatSupport(models.Model):
    """A member's support of a chat question: one per member and question, counted from the rows."""

    question = models.ForeignKey(ChatQuestion, on_delete=models.CASCADE, related_name="supports",
                                 verbose_name=_("question"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("person"))
    created_at = models.DateTimeField(_("supported"), default=timezone.now)

    class Meta:
        verbose_name = _("support of a chat question")
        verbose_name_plural = _("supports of chat questions")
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="panel_chat_support_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.question}"


class Submission(models.Model):
    """A question for the leadership or a good example, raised by a member."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question for the leadership")
        EXAMPLE = "example", _("Good example")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ANSWERED = "answered", _("Answered")
        TAKEN_UP = "taken_up", _("Taken up")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="panel_submissions", verbose_name=_("raised by"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=5000)
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.RECEIVED)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Good examples: where the writer allows them to be shown, and under which name.
    channels_consent = models.BooleanField(_("may also be shared in the programme's channels"), default=False)
    show_name = models.BooleanField(_("show my name"), default=False)

    class Meta:
        verbose_name = _("raised question or good example")
        verbose_name_plural = _("raised questions and good examples")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(state="declined") | ~Q(decline_reason=""),
                                   name="panel_submission_declined_has_reason"),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="panel_submission_open")]

    def __str__(self) -> str:
        return self.title


class SubmissionSupport(models.Model):
    """A member's support of a raised question or good example: one per member and submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="supports",
                                   verbose_name=_("raised question or good example"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("person"))
    created_at = models.DateTimeField(_("supported"), default=timezone.now)

    class Meta:
        verbose_name = _("support of a raised question")
        verbose_name_plural = _("supports of raised questions")
        constraints = [models.UniqueConstraint(fields=["submission", "user"], name="panel_submission_support_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.submission}"
