"""Who may do what with development efforts. Every view asks one of these, on the server."""

from inspira.accounts.models import Membership, User
from inspira.accounts.permissions import can_act_for_school, has_central_role, is_principal_of, school_roles
from inspira.programmes.catalog import Key
from inspira.programmes.permissions import is_coordinator


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def may_coordinate(user) -> bool:
    """The development centre: coordinators of tailor-made development (while it is on) and administrators."""
    return _active(user) and (has_central_role(user, User.Role.ADMINISTRATOR)
                              or is_coordinator(user, Key.TAILOR_MADE))


def may_manage_cooperation(user) -> bool:
    """Set up cooperation programmes: their coordinators (while the programme is on) and administrators."""
    return _active(user) and (has_central_role(user, User.Role.ADMINISTRATOR)
                              or is_coordinator(user, Key.COOPERATION))


def may_request(user, school) -> bool:
    """A principal describes their unit's need."""
    return _active(user) and is_principal_of(user, school)


def principal_school_ids(user) -> list[int]:
    """The schools the person is the confirmed principal of (read once a request: the menu asks)."""
    if not _active(user):
        return []
    return sorted(school_id for school_id, role in school_roles(user).items() if role == Membership.Role.PRINCIPAL)


def may_view_own_efforts(user) -> bool:
    """"Our efforts": a principal's list of their units' efforts."""
    return bool(principal_school_ids(user))


def _school_ids(effort) -> list[int]:
    cache = getattr(effort, "_prefetched_objects_cache", {}).get("schools")
    if cache is not None:
        return [school.pk for school in cache]
    return list(effort.schools.values_list("pk", flat=True))


def is_principal_of_effort(user, effort) -> bool:
    """A principal of one of the effort's units."""
    return _active(user) and any(is_principal_of(user, school_id) for school_id in _school_ids(effort))


def is_staff_of_effort(user, effort) -> bool:
    """Someone of one of the effort's units (its staff, the principal)."""
    return _active(user) and any(can_act_for_school(user, school_id) for school_id in _school_ids(effort))


def is_process_leader(user, cooperation) -> bool:
    return _active(user) and cooperation.process_leaders.filter(pk=user.pk).exists()


def may_lead_effort(user, effort) -> bool:
    """Work on the effort (sessions, documentation): the centre for a tailor-made effort; for a
    cooperation effort, those who manage the programme, its process leaders and the effort's leader."""
    if not _active(user):
        return False
    if effort.cooperation_id is None:
        return may_coordinate(user)
    return (may_manage_cooperation(user) or effort.leader_id == user.pk
            or is_process_leader(user, effort.cooperation))


def may_view_effort(user, effort) -> bool:
    """See the effort's case: those who lead it, and the principals of its units."""
    return may_lead_effort(user, effort) or is_principal_of_effort(user, effort)


def may_answer_proposal(user, effort) -> bool:
    """The principal of the unit accepts a proposal or asks for changes."""
    return is_principal_of_effort(user, effort)


def may_read_documentation(user, effort) -> bool:
    """The documentation: those who lead the effort at once; the unit (principal and staff) once the
    effort has ended and the documentation is shared."""
    if may_lead_effort(user, effort):
        return True
    return effort.documentation_shared_at is not None and is_staff_of_effort(user, effort)


def may_view_cooperation(user, cooperation) -> bool:
    """A cooperation programme's overview: those who manage it and its process leaders."""
    return may_manage_cooperation(user) or is_process_leader(user, cooperation)


def may_read_evaluation_summary(user, effort) -> bool:
    """The summary of the evaluation at the last session: those who lead the effort at once; the
    principal of the unit once the centre has shared it."""
    if may_lead_effort(user, effort):
        return True
    return effort.evaluation_shared_at is not None and is_principal_of_effort(user, effort)
