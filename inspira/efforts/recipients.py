"""Who an effort's emails go to: one place for the addresses that requests, proposals, sessions, the
ending, the evaluation and the deadline warning share."""

from inspira.accounts.models import Membership
from inspira.efforts.models import Effort
from inspira.programmes.catalog import Key
from inspira.programmes.models import ProgrammeCoordinator


def principal_emails(effort: Effort) -> list[str]:
    """The addresses of the confirmed, active principals of the effort's units (by unit name, then
    address), each once; a unit without such a principal is written to at its own address."""
    schools = list(effort.schools.order_by("name", "pk"))
    rows = (Membership.objects.filter(school__in=schools, role=Membership.Role.PRINCIPAL,
                                      confirmed_at__isnull=False, user__is_active=True)
            .exclude(user__email="").order_by("user__email").values_list("school_id", "user__email"))
    by_school: dict[int, list[str]] = {}
    for school_id, email in rows:
        by_school.setdefault(school_id, []).append(email)
    emails = []
    for school in schools:
        emails += by_school.get(school.pk) or ([school.contact_email] if school.contact_email else [])
    return list(dict.fromkeys(emails))


def coordinator_emails(programme_key: str = Key.TAILOR_MADE) -> list[str]:
    """The addresses of the programme's active coordinators, each once, sorted."""
    return sorted(set(ProgrammeCoordinator.objects.filter(programme__key=programme_key, user__is_active=True)
                      .exclude(user__email="").values_list("user__email", flat=True)))
