"""Who may do what with an event."""

from inspira.accounts.models import User
from inspira.accounts.permissions import has_central_role
from inspira.programmes.models import ProgrammeCoordinator
from inspira.programmes.permissions import programme_is_active


def is_administrator(user) -> bool:
    return has_central_role(user, User.Role.ADMINISTRATOR)


def managed_programme_ids(user) -> set[int]:
    """The programmes whose events the person manages: those they coordinate that are on (all that
    are on, for an administrator)."""
    from inspira.programmes.models import Programme
    from inspira.programmes.state import active_keys

    if not (user.is_authenticated and user.is_active):
        return set()
    programmes = Programme.objects.filter(key__in=active_keys())
    if not is_administrator(user):
        programmes = programmes.filter(coordinators__user=user)
    return set(programmes.values_list("pk", flat=True))


def may_manage_events(user) -> bool:
    """The person may open the organisers' list of events (the menu's entry)."""
    return is_administrator(user) or bool(managed_programme_ids(user))


def event_may_manage(*, user, event) -> bool:
    """A coordinator of the event's programme, or an administrator (both only while it is on)."""
    if not (user.is_authenticated and user.is_active) or not programme_is_active(event.programme.key):
        return False
    if is_administrator(user):
        return True
    return ProgrammeCoordinator.objects.filter(user=user, programme_id=event.programme_id).exists()


def event_online_link_visible(*, user, event, now=None) -> bool:
    """Whether the person may see the event's online link. Only its organisers, for now: once people
    can register, the registered will see it from shortly before the start, and nobody else ever
    (not in the public calendar, its feeds or emails to others)."""
    return event_may_manage(user=user, event=event)
