"""Named groups of people an event can be limited to, defined by the programmes that know them.

Events sit below the programme apps (benchmarking, the panel, interventions...), so they cannot ask
those apps who takes part. Instead each app names its groups here from its ``AppConfig.ready``::

    register_group("benchmarking:round-participants", _("Participants of the benchmarking round"),
                   members=lambda user: Participant.objects.filter(user=user, round__is_open=True).exists())

``members`` is either a callable ``(user) -> bool`` (or ``(user, event) -> bool``, for groups that
differ from event to event, such as one round's participants) or a queryset of user ids (``values("user_id")``
or ``values_list("user_id", flat=True)``), read when someone registers, never cached: who belongs
changes. The organiser's event form offers the registered groups; an event keeps only the key.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    members: Callable | QuerySet
    takes_event: bool = False


_GROUPS: dict[str, Group] = {}


def register_group(key: str, label, members) -> Group:
    """Name a group (again: the latest registration of a key wins, so a reloaded app is harmless)."""
    if not key or len(key) > 60:
        raise ValueError("A group's key is 1-60 characters (Event.eligible_group).")
    if not (callable(members) or isinstance(members, QuerySet)):
        raise TypeError("members must be a callable (user) -> bool or a queryset of user ids")
    takes_event = callable(members) and len(inspect.signature(members).parameters) >= 2
    group = Group(key=key, label=label, members=members, takes_event=takes_event)
    _GROUPS[key] = group
    return group


def unregister_group(key: str) -> None:
    _GROUPS.pop(key, None)


def groups() -> list[Group]:
    """The registered groups, by label, for the organiser's form."""
    return sorted(_GROUPS.values(), key=lambda g: str(g.label))


def group_label(key: str) -> str:
    group = _GROUPS.get(key)
    return str(group.label) if group else key


def is_member(key: str, user, event=None) -> bool:
    """Whether ``user`` belongs to the group (for ``event``, where the group depends on the event).
    An unknown key (its app was removed) admits nobody."""
    group = _GROUPS.get(key)
    if group is None or not (user.is_authenticated and user.is_active):
        return False
    if isinstance(group.members, QuerySet):
        members = group.members
        # values("user_id") / values_list("user_id", flat=True): filter on that column; a queryset
        # of users themselves: on the primary key.
        column = members._fields[0] if members._fields else "pk"
        return members.filter(**{column: user.pk}).exists()
    if group.takes_event:
        return bool(group.members(user, event))
    return bool(group.members(user))
