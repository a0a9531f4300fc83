"""Who may do what in benchmarking rounds. Every view asks one of these, on the server."""

from inspira.accounts.models import User
from inspira.accounts.permissions import can_act_for_school, has_central_role, is_principal_of
from inspira.programmes.catalog import Key
from inspira.programmes.permissions import is_coordinator


def may_coordinate(user) -> bool:
    """Coordinators of the benchmarking programme (while it is on) and administrators."""
    if not (user.is_authenticated and user.is_active):
        return False
    return has_central_role(user, User.Role.ADMINISTRATOR) or is_coordinator(user, Key.BENCHMARKING)


def may_register_interest(user, school) -> bool:
    """A teacher registers interest for a school they are a confirmed member of."""
    return can_act_for_school(user, school)


def is_member_of_group(user, group) -> bool:
    return user.is_authenticated and group.members.filter(user=user, withdrawn_at__isnull=True).exists()


def may_confirm_visit_held(user, visit) -> bool:
    """The host (the member whose school the group visited), or the coordinators."""
    return may_coordinate(user) or (user.is_authenticated and visit.host.user_id == user.pk)


def may_claim_for_school(user, school) -> bool:
    """The school's principal claims its substitute costs."""
    return user.is_authenticated and is_principal_of(user, school)


def may_approve_claims(user) -> bool:
    return user.is_authenticated and user.is_active and has_central_role(user, User.Role.FINANCE,
                                                                         User.Role.ADMINISTRATOR)
