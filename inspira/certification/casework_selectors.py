"""Reads of the administration's and the director's work on applications."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from inspira.certification.models import (
    Application,
    ApplicationStatusChange,
    BasisAttachment,
    ContactLogEntry,
    Decision,
    Endorsement,
)
from inspira.certification.selectors import applications_for_administration

S = Application.Status
# Applications someone in the administration or the director still has to act on.
OPEN_STATUSES = (S.SUBMITTED, S.IN_PREPARATION, S.SENT_TO_DIRECTOR)


def _waiting_since():
    """When the application entered its present status (the latest row of its trail)."""
    # The last row written, which is the present status (the trail is append-only).
    latest = ApplicationStatusChange.objects.filter(application=OuterRef("pk")).order_by("-pk")
    return Subquery(latest.values("at")[:1])


def administration_queue(*, statuses=OPEN_STATUSES, district=None, school_form=None) -> QuerySet[Application]:
    """The administration's queue: the longest-waiting application first.

    ``statuses`` None means every status the administration sees. ``school_form`` filters on the
    school forms the site is for (the application's target groups).
    """
    applications = applications_for_administration()
    if statuses is not None:
        applications = applications.filter(status__in=statuses)
    if district is not None:
        applications = applications.filter(school__district=district)
    if school_form is not None:
        applications = applications.filter(Exists(
            Application.school_forms.through.objects.filter(application_id=OuterRef("pk"), schoolform=school_form)
        ))
    return (
        applications.annotate(waiting_since=_waiting_since())
        .prefetch_related("school_forms")
        .order_by("waiting_since", "pk")
    )


def awaiting_decision() -> QuerySet[Application]:
    """What the director has to decide on: sent by the administration, the longest-waiting first."""
    return (
        Application.objects.filter(status=S.SENT_TO_DIRECTOR)
        .select_related("school__district", "basis__sent_to_director_by")
        .order_by("basis__sent_to_director_at", "pk")
    )


def case_detail(pk: int) -> Application:
    """An application as the administration's case page shows it. Raises DoesNotExist for
    applications the administration does not have (drafts, those waiting for the principal)."""
    return (
        applications_for_administration()
        .select_related("school__district", "applicant", "previous_application", "basis__updated_by",
                        "basis__sent_to_director_by")
        .prefetch_related("plan_items", "contacts", "images", "school_forms")
        .get(pk=pk)
    )


def basis_of(application: Application):
    """The application's basis document, or None before the preparation has started."""
    try:
        return application.basis
    except Application.basis.RelatedObjectDoesNotExist:
        return None


def contact_log(application: Application) -> QuerySet[ContactLogEntry]:
    return application.contact_log.select_related("created_by").order_by("-date", "-pk")


def attachments(application: Application) -> QuerySet[BasisAttachment]:
    return BasisAttachment.objects.filter(basis__application=application).select_related("uploaded_by").order_by(
        "uploaded_at", "pk"
    )


def decisions_for(application: Application) -> QuerySet[Decision]:
    """The application's decisions, first made first, with what each caused."""
    return (
        Decision.objects.filter(application=application)
        .select_related("corrects", "corrected_by", "letter", "certification", "revoked_certification")
        .order_by("decided_at", "pk")
    )


def latest_decision(application: Application) -> Decision | None:
    """The decision in force: the latest one, which no other decision corrects."""
    return (
        Decision.objects.filter(application=application, corrected_by__isnull=True)
        .order_by("-decided_at", "-pk").first()
    )


def endorsement_given(application: Application) -> Endorsement | None:
    """The endorsement that sent the application to the administration: who gave it, as whom."""
    return (application.endorsements.filter(decision=Endorsement.Decision.ENDORSE)
            .select_related("principal").order_by("-round").first())
