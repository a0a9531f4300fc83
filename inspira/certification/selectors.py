"""Reads of applications that views share."""

from django.db.models import Q, QuerySet

from inspira.accounts.models import Membership, User
from inspira.accounts.permissions import confirmed_memberships
from inspira.certification.models import Application, ApplicationStatusChange, Certification


def applications_for_administration() -> QuerySet[Application]:
    """The applications the administration works on: endorsed by the principal (submitted) and
    everything after, including those withdrawn after they reached the administration. Drafts and
    applications waiting for the principal are the school's own business."""
    return (
        Application.objects.filter(
            Q(status__in=Application.ADMINISTRATION_STATUSES)
            | Q(status=Application.Status.WITHDRAWN, endorsed_at__isnull=False)
        )
        .select_related("school__district", "applicant")
        .order_by("endorsed_at", "pk")
    )


def applications_for_person(user) -> QuerySet[Application]:
    """The applications of the schools where ``user`` is confirmed staff."""
    school_ids = confirmed_memberships(user).values("school_id")
    return (
        Application.objects.filter(school_id__in=school_ids)
        .select_related("school", "applicant")
        .order_by("-updated_at", "-pk")
    )


def application_detail(pk: int) -> Application:
    return (
        Application.objects.select_related("school", "applicant", "previous_application")
        .prefetch_related("plan_items", "contacts", "images", "school_forms")
        .get(pk=pk)
    )


def application_trail(application: Application) -> QuerySet[ApplicationStatusChange]:
    return application.status_changes.select_related("actor").order_by("at", "pk")


def school_principals(school_id: int) -> QuerySet[User]:
    """The people who may endorse the school's applications: its confirmed principals with an
    active account."""
    return User.objects.filter(
        is_active=True, memberships__school_id=school_id, memberships__role=Membership.Role.PRINCIPAL,
        memberships__confirmed_at__isnull=False,
    ).order_by("name", "pk")


# Where an application's road ends: nothing is open about it any more.
FINAL_STATUSES = (Application.Status.APPROVED, Application.Status.REJECTED, Application.Status.WITHDRAWN)


def open_applications_of_schools(school_ids) -> QuerySet[Application]:
    """The applications of ``school_ids`` not yet decided or withdrawn (drafts included: a closed school's
    draft is unfinished business too), for the list of closed schools."""
    return (Application.objects.filter(school_id__in=school_ids).exclude(status__in=FINAL_STATUSES)
            .select_related("school").order_by("created_at", "pk"))


def current_certifications_of_schools(school_ids, *, on=None) -> QuerySet[Certification]:
    """The certifications of ``school_ids`` in force (``on``: today in Stockholm): sites in the catalogue."""
    return Certification.objects.current(on).filter(school_id__in=school_ids).select_related("school").order_by(
        "starts_on", "pk")
