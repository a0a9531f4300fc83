"""Predicates about programmes: whether one is on, and who coordinates it."""

from inspira.accounts.models import User
from inspira.accounts.permissions import has_central_role
from inspira.programmes import state
from inspira.programmes.models import Programme, ProgrammeCoordinator


def programme_is_active(key: str, request=None) -> bool:
    """Whether the programme is switched on. Pass the request where there is one: the answer is then
    kept on it, so a page asks at most once."""
    return key in state.active_keys(request)


def is_coordinator(user, key: str) -> bool:
    """The person coordinates this programme (and it is on: a programme that is off has no work)."""
    if not (user.is_authenticated and user.is_active) or not programme_is_active(key):
        return False
    return ProgrammeCoordinator.objects.filter(user=user, programme__key=key).exists()


def coordinated_programme_ids(user) -> set[int]:
    """The programmes whose work (events, surveys) the person manages: those they coordinate that are
    on (all that are on, for an administrator)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    programmes = Programme.objects.filter(key__in=state.active_keys())
    if not has_central_role(user, User.Role.ADMINISTRATOR):
        programmes = programmes.filter(coordinators__user=user)
    return set(programmes.values_list("pk", flat=True))
