"""Predicates about programmes: whether one is on, and who coordinates it."""

from inspira.programmes import state
from inspira.programmes.models import ProgrammeCoordinator


def programme_is_active(key: str, request=None) -> bool:
    """Whether the programme is switched on. Pass the request where there is one: the answer is then
    kept on it, so a page asks at most once."""
    return key in state.active_keys(request)


def is_coordinator(user, key: str) -> bool:
    """The person coordinates this programme (and it is on: a programme that is off has no work)."""
    if not (user.is_authenticated and user.is_active) or not programme_is_active(key):
        return False
    return ProgrammeCoordinator.objects.filter(user=user, programme__key=key).exists()
