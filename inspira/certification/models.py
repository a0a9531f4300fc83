"""Applications to become an inspiration site, the principal's endorsement and the trail of
every status change.

The lifecycle (later slices add the administration's basis document, the director's decision
and the certification itself):

    draft -> awaiting_endorsement -> submitted -> in_preparation -> sent_to_director -> approved
                 |         ^                                                         \\-> rejected
                 v         |
         endorsement_declined        (withdrawn from any open status)

A decided application (approved, rejected) changes only by the director's correcting decision,
which goes the other way (casework_services.decision_correct).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.core import uploads
from inspira.core.appendonly import AppendOnlyModel
from inspira.core.storage import private_storage


def site_name(team_name: str, school_name: str) -> str:
    """How an application or a site is named: the school, or the team within it."""
    return f"{team_name}, {school_name}" if team_name else school_name


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_ENDORSEMENT = "awaiting_endorsement", _("Waiting for the principal's endorsement")
        ENDORSEMENT_DECLINED = "endorsement_declined", _("Not endorsed by the principal")
        SUBMITTED = "submitted", _("Submitted to the administration")
        IN_PREPARATION = "in_preparation", _("Basis document in preparation")
        SENT_TO_DIRECTOR = "sent_to_director", _("Sent to the director for decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The school may change the content only while no one else is looking at it.
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.ENDORSEMENT_DECLINED})
    # Statuses in which the administration has the application.
    ADMINISTRATION_STATUSES = frozenset({
        Status.SUBMITTED, Status.IN_PREPARATION, Status.SENT_TO_DIRECTOR, Status.APPROVED, Status.REJECTED,
    })
    # Where each status may go next. Services refuse any other change.
    TRANSITIONS = {
        Status.DRAFT: {Status.AWAITING_ENDORSEMENT, Status.WITHDRAWN},
        Status.AWAITING_ENDORSEMENT: {
            Status.SUBMITTED, Status.ENDORSEMENT_DECLINED, Status.DRAFT, Status.WITHDRAWN,
        },
        Status.ENDORSEMENT_DECLINED: {Status.AWAITING_ENDORSEMENT, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.IN_PREPARATION, Status.WITHDRAWN},
        Status.IN_PREPARATION: {Status.SENT_TO_DIRECTOR, Status.WITHDRAWN},
        Status.SENT_TO_DIRECTOR: {Status.APPROVED, Status.REJECTED, Status.IN_PREPARATION},
        # A decided application changes only by a correcting decision of the director
        # (casework_services.decision_correct), never by another path.
        Status.APPROVED: {Status.REJECTED},
        Status.REJECTED: {Status.APPROVED},
        Status.WITHDRAWN: set(),
    }

    class Grade(models.TextChoices):
        PRESCHOOL_CLASS = "F", _("Preschool class")
        YEAR_1 = "1", _("Year 1")
        YEAR_2 = "2", _("Year 2")
        YEAR_3 = "3", _("Year 3")
        YEAR_4 = "4", _("Year 4")
        YEAR_5 = "5", _("Year 5")
        YEAR_6 = "6", _("Year 6")
        YEAR_7 = "7", _("Year 7")
        YEAR_8 = "8", _("Year 8")
        YEAR_9 = "9", _("Year 9")
        UPPER_SECONDARY_1 = "G1", _("Upper secondary, year 1")
        UPPER_SECONDARY_2 = "G2", _("Upper secondary, year 2")
        UPPER_SECONDARY_3 = "G3", _("Upper secondary, year 3")

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="applications"
    )
    team_name = models.CharField(
        _("team"), max_length=200, blank=True,
        help_text=_("If a team (arbetslag) applies rather than the whole school, its name. Leave empty if the "
                    "whole school applies."),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT)

    # Step 1: the site
    area_title = models.CharField(
        _("area or way of working"), max_length=200, blank=True,
        help_text=_("A short title for what visitors will learn from you, e.g. “Outdoor mathematics in years 1–3”."),
    )
    area_description = models.TextField(
        _("description"), blank=True,
        help_text=_("What you do, why, and what a visiting colleague can take home."),
    )
    experience_since = models.DateField(
        _("working this way since"), null=True, blank=True,
        help_text=_("When the school or team started working this way. It must be at least one year before "
                    "you submit the application."),
    )

    # Step 2: the half-day plan (the rows are ApplicationPlanItem)
    plan_introduction = models.TextField(
        _("about the visit"), blank=True,
        help_text=_("Optional: what kind of visit or seminar it is, and anything visitors should know beforehand."),
    )

    # Step 3: target groups and commitment
    school_forms = models.ManyToManyField(
        "schools.SchoolForm", verbose_name=_("school forms"), blank=True, related_name="applications"
    )
    grades = models.JSONField(_("grades"), default=list, blank=True)
    subjects = models.CharField(
        _("subjects"), max_length=300, blank=True,
        help_text=_("The subjects the visit is about, separated by commas, e.g. “mathematics, Swedish”."),
    )
    commits_to_five_visits = models.BooleanField(
        _("we will receive at least five study visits per school year"), default=False
    )

    # Step 4: the principal (contact persons are ApplicationContact). The principal is chosen
    # among the school's confirmed principals, never typed, so no one can name themselves;
    # the name and address are copied from the chosen person as they were when chosen.
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("principal"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The principal gets an email with a link to endorse the application."),
    )
    principal_name = models.CharField(_("principal's name"), max_length=150, blank=True)
    principal_email = models.EmailField(_("principal's email address"), blank=True)

    endorsement_round = models.PositiveSmallIntegerField(
        _("endorsement round"), default=0,
        help_text=_("Counts the submissions to the principal. Only the link of the latest round works."),
    )
    previous_application = models.ForeignKey(
        "self", verbose_name=_("previous application"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reapplications",
        help_text=_("The site's earlier application, when a certified site applies again."),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(
        _("sent to the principal"), null=True, blank=True,
        help_text=_("When the school last sent the application to the principal for endorsement."),
    )
    endorsed_at = models.DateTimeField(
        _("submitted to the administration"), null=True, blank=True,
        help_text=_("When the principal endorsed the application, which sends it to the administration."),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="application_status_updated"),
            models.Index(fields=["school", "updated_at"], name="application_school_updated"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The applying school, or the team within it."""
        return site_name(self.team_name, self.school.name)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    # One property per status the pages speak of, so that templates compare no status strings.
    is_draft = property(lambda self: self.status == self.Status.DRAFT)
    is_awaiting_endorsement = property(lambda self: self.status == self.Status.AWAITING_ENDORSEMENT)
    is_endorsement_declined = property(lambda self: self.status == self.Status.ENDORSEMENT_DECLINED)
    is_submitted = property(lambda self: self.status == self.Status.SUBMITTED)
    is_in_preparation = property(lambda self: self.status == self.Status.IN_PREPARATION)
    is_sent_to_director = property(lambda self: self.status == self.Status.SENT_TO_DIRECTOR)

    def grade_labels(self) -> list[str]:
        labels = dict(self.Grade.choices)
        return [str(labels[g]) for g in self.grades if g in labels]


class ApplicationPlanItem(models.Model):
    """One row of the half-day programme: from, to, what happens."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="plan_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    activity = models.CharField(_("activity"), max_length=300)

    class Meta:
        verbose_name = _("plan row")
        verbose_name_plural = _("plan")
        ordering = ["application", "position", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")),
                                   name="plan_item_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.start_time:%H:%M}–{self.end_time:%H:%M} {self.activity}"


class ApplicationContact(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="contacts"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["application", "position", "pk"]

    def __str__(self):
        return self.name


def application_image_path(instance, filename):
    # A random name: the file's address says nothing about the school and cannot be guessed.
    return f"certification/applications/{uuid.uuid4().hex}.jpg"


class ApplicationImage(models.Model):
    """A picture of the site's work. Stored re-encoded (see images.py), never as uploaded.

    Pictures may show pupils, so they are kept in private storage: the school and the central
    administration see them through a permission-checked view (views.application_picture), the
    principal through the endorsement link, and the public only once the site is certified (the
    catalogue's picture view)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("picture"), upload_to=application_image_path, storage=private_storage)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt_text = models.CharField(
        _("description of the picture"), max_length=250,
        help_text=_("Describe what the picture shows, for those who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["application", "position", "pk"]

    def __str__(self):
        return self.alt_text


class Endorsement(models.Model):
    """One request to the principal to endorse an application: one per submission round.

    The link in the principal's email is signed (see services.endorsement_token) and names
    this row; it works only while this is the application's latest round, the application
    waits for endorsement and no decision has been made.
    """

    class Decision(models.TextChoices):
        ENDORSE = "endorse", _("Endorse")
        DECLINE = "decline", _("Decline")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="endorsements"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("principal"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The only person whose answer the link accepts."),
    )
    principal_name = models.CharField(_("principal's name"), max_length=150)
    principal_email = models.EmailField(_("principal's email address"))
    decided_by_role = models.CharField(
        _("role when deciding"), max_length=20, blank=True,
        help_text=_("The school role the person had when answering, as checked at that moment."),
    )
    token_hash = models.CharField(
        _("link fingerprint"), max_length=64,
        help_text=_("A hash of the link sent to the principal, to tell which link was used."),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["application", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="endorsement_application_round_unique"),
        ]

    def __str__(self):
        return f"{self.application_id} #{self.round} {self.decision or '-'}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def is_declined(self) -> bool:
        return self.decision == self.Decision.DECLINE

    @property
    def is_endorsed(self) -> bool:
        return self.decision == self.Decision.ENDORSE

    def get_decided_by_role_display(self) -> str:
        from inspira.accounts.models import Membership

        labels = dict(Membership.Role.choices)
        return str(labels.get(self.decided_by_role, self.decided_by_role))


class ApplicationStatusChange(AppendOnlyModel):
    """Who changed an application's status, and when. Append-only: written by the service
    that changes the status, in the same transaction, and never edited or deleted (the erasure of a
    person may replace their name in it, ``inspira.privacy.scrub.rewrite_protected``)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(
        _("from"), max_length=30, choices=Application.Status.choices, blank=True,
        help_text=_("Empty when the application was created."),
    )
    to_status = models.CharField(_("to"), max_length=30, choices=Application.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty when someone without an account acted, such as the principal."),
    )
    actor_description = models.CharField(
        _("who (as recorded)"), max_length=250, blank=True,
        help_text=_("The name and email of whoever acted, as they were at the time."),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{self.application_id}: {self.from_status or '-'} -> {self.to_status}"



# --- The administration's work ------------------------------------------------------------


class ContactLogEntry(models.Model):
    """The administration's record of a contact with the school about an application."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        VISIT = "visit", _("Visit at the school")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="contact_log"
    )
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    note = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        ordering = ["application", "-date", "-pk"]

    def __str__(self):
        return f"{self.date} {self.get_channel_display()}"


class BasisDocument(models.Model):
    """The basis (underlag) the administration prepares with the school for the director."""

    class Recommendation(models.TextChoices):
        NONE = "", _("No recommendation yet")
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="basis"
    )
    summary = models.TextField(_("summary"), blank=True)
    content_assessment = models.TextField(_("content and plan for the visit"), blank=True)
    experience_assessment = models.TextField(_("experience of the area"), blank=True)
    leadership_assessment = models.TextField(_("the leadership's engagement"), blank=True)
    capacity_assessment = models.TextField(_("capacity to receive five visits per school year"), blank=True)
    other_notes = models.TextField(_("other"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True, default=""
    )
    proposed_start_date = models.DateField(_("proposed start date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_to_director_at = models.DateTimeField(_("sent to the director"), null=True, blank=True)
    sent_to_director_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("basis document")
        verbose_name_plural = _("basis documents")

    def __str__(self):
        return str(_("Basis for %(application)s") % {"application": self.application})


# The stored file's extension comes from the type found in its content, never from the upload.
ATTACHMENT_EXTENSIONS = uploads.EXTENSIONS


def basis_attachment_path(instance, filename):
    # A random name: the uploaded name may say anything, and the file is reached only by id.
    return f"certification/basis/{uuid.uuid4().hex}{ATTACHMENT_EXTENSIONS.get(instance.content_type, '')}"


class BasisAttachment(models.Model):
    basis = models.ForeignKey(
        BasisDocument, verbose_name=_("basis document"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=basis_attachment_path, storage=private_storage)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["basis", "uploaded_at", "pk"]

    def __str__(self):
        return self.title


# --- The director's decision and the certification ------------------------------------------


class Decision(AppendOnlyModel):
    """The director's decision on an application. A public record: never changed once made, nor
    deleted (on PostgreSQL a trigger refuses it too, migration 0005).

    A mistaken decision is corrected by a new decision that names it in ``corrects``.
    """

    APPEND_ONLY_HINT = "make a new decision that corrects it"

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="decisions"
    )
    reference = models.CharField(
        _("reference number"), max_length=30, unique=True,
        help_text=_("The decision's registration number, e.g. INSP-2026-0007."),
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    start_date = models.DateField(
        _("start date"), null=True, blank=True, help_text=_("When the certification starts (approvals only).")
    )
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by_name = models.CharField(_("decided by (as recorded)"), max_length=150)
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    corrects = models.OneToOneField(
        "self", verbose_name=_("corrects the decision"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="corrected_by",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-pk"]
        # The director's page lists the latest decisions: without it, every decision ever made was joined
        # and sorted to find ten (bench/RESULTS.md).
        indexes = [models.Index(fields=["-decided_at", "-id"], name="decision_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="reject") | models.Q(start_date__isnull=False),
                name="decision_approval_has_start_date",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.get_outcome_display()}"



class DecisionNumberSeries(models.Model):
    """The last reference number given to a decision in a year. Allocating locks the year's row,
    so numbers are unique and, as the row is written in the decision's transaction, without gaps."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("decision number series")
        verbose_name_plural = _("decision number series")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


def decision_letter_path(instance, filename):
    return f"certification/decisions/{uuid.uuid4().hex}.pdf"


class DecisionLetter(models.Model):
    """The decision letter, rendered as PDF by a background job (kept apart from the decision
    so the decision row itself is never written twice)."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="letter"
    )
    pdf = models.FileField(_("PDF"), upload_to=decision_letter_path, storage=private_storage)
    rendered_at = models.DateTimeField(_("rendered"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")

    def __str__(self):
        return str(self.decision)


class CertificationQuerySet(models.QuerySet):
    def current(self, on=None):
        """Certifications in force on ``on`` (today in Stockholm): started, not ended, not revoked."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on, revoked_by__isnull=True)


class Certification(models.Model):
    """A school's (or team's) certification as an inspiration site, for two years: from the
    decision's start date to the day before the same date two years later."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="certifications"
    )
    team_name = models.CharField(_("team"), max_length=200, blank=True)
    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="certification"
    )
    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="certification"
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), help_text=_("The last day of the certification."))
    revoked_by = models.OneToOneField(
        Decision, verbose_name=_("ended by the decision"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="revoked_certification",
        help_text=_("A correcting decision that ended this certification early."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="certification_period")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")),
                                   name="certification_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.display_name} {self.starts_on}–{self.ends_on}"

    @property
    def display_name(self) -> str:
        return site_name(self.team_name, self.school.name)

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_by_id is None and self.starts_on <= on <= self.ends_on


class EstablishmentSupportPayment(models.Model):
    """The one-off support paid to a newly certified site. The amount is copied from the fee
    rule of the school year of the decision when the payment is created."""

    certification = models.OneToOneField(
        Certification, verbose_name=_("certification"), on_delete=models.PROTECT,
        related_name="support_payment",
    )
    school_year = models.ForeignKey(
        "schoolyears.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    amount_ore = models.PositiveBigIntegerField(_("amount"))
    due_on = models.DateField(_("due"))
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    paid_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked as paid by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("establishment support payment")
        verbose_name_plural = _("establishment support payments")
        ordering = ["-due_on", "-pk"]

    def __str__(self):
        return f"{self.certification} {self.amount_ore}"
