"""What each person's dashboard shows: the sites of their schools, what the principal must do for
them, and how much work waits for the administration and the director. A fixed number of queries
whatever the amounts (tests/portal/test_dashboard.py)."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership
from inspira.certification.models import Application, Certification
from inspira.core.models import OutboxItem
from inspira.visits.permissions import HOST_ROLES


@dataclass(frozen=True)
class SiteNotice:
    certification: Certification
    manage_url: str  # the site's occasions, for its hosts; empty for the school's other staff
    members_url: str  # where the principal appoints a site contact; empty when there is nothing to do


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str


def site_notices(memberships: list[Membership]) -> list[SiteNotice]:
    """The current inspiration sites of the person's schools. A principal whose site has no confirmed
    site contact is told to appoint one: until then no one but the principal runs the site."""
    roles = {m.school_id: m.role for m in memberships if m.is_confirmed}
    if not roles:
        return []
    sites = list(Certification.objects.current().filter(school_id__in=roles).select_related("school")
                 .order_by("school__name", "starts_on"))
    with_contact = set(Membership.objects.filter(
        school_id__in={site.school_id for site in sites}, role=Membership.Role.SITE_CONTACT,
        confirmed_at__isnull=False, user__is_active=True,
    ).values_list("school_id", flat=True)) if sites else set()
    notices = []
    for site in sites:
        role = roles[site.school_id]
        needs_contact = role == Membership.Role.PRINCIPAL and site.school_id not in with_contact
        notices.append(SiteNotice(
            certification=site,
            manage_url=reverse("visits:site_occasions", args=[site.pk]) if role in HOST_ROLES else "",
            members_url=reverse("accounts:school_members", args=[site.school_id]) if needs_contact else "",
        ))
    return notices


def work_waiting(user, *, inspiration_sites: bool = True) -> list[Waiting]:
    """Counts of what waits for an administrator or the director, each with the page where it is done.
    Without ``inspiration_sites`` (the programme is off), its applications and decisions are left out."""
    rows = []
    if inspiration_sites and (user.is_administrator or user.is_director):
        counts = Application.objects.aggregate(
            prepare=Count("pk", filter=Q(status__in=[Application.Status.SUBMITTED, Application.Status.IN_PREPARATION])),
            decide=Count("pk", filter=Q(status=Application.Status.SENT_TO_DIRECTOR)),
        )
        if user.is_administrator:
            rows.append(Waiting(_("Applications to prepare"), counts["prepare"], reverse("certification:queue")))
        if user.is_director:
            rows.append(Waiting(_("Decisions to take"), counts["decide"], reverse("certification:decisions")))
    if user.is_administrator:
        rows.append(Waiting(
            _("Memberships to confirm"),
            Membership.objects.filter(confirmed_at__isnull=True, user__is_active=True).count(),
            "#waiting-memberships",
        ))
        rows.append(Waiting(
            _("Failed outbox items"), OutboxItem.objects.filter(state=OutboxItem.State.FAILED).count(),
            reverse("core:outbox") + f"?state={OutboxItem.State.FAILED}",
        ))
    return rows
