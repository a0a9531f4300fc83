"""Who may do what. Every view asks these functions; nothing is decided in templates.

Central roles (administrator, director, finance) are on the person; school roles are on
confirmed memberships. An unconfirmed membership grants nothing.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from inspira.accounts import two_factor
from inspira.accounts.models import Membership, User


def confirmed_memberships(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, confirmed_at__isnull=False).select_related("school")


def school_roles(user) -> dict[int, str]:
    """School id -> the person's confirmed role there (empty for nobody)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    # Memberships are few per person; cache them for the request's user object.
    cache = getattr(user, "_inspira_roles", None)
    if cache is None:
        cache = dict(confirmed_memberships(user).values_list("school_id", "role"))
        user._inspira_roles = cache
    return cache


def school_role(user, school) -> str | None:
    """The person's confirmed role at ``school``, or None."""
    return school_roles(user).get(school.pk if hasattr(school, "pk") else school)


def can_act_for_school(user, school) -> bool:
    return school_role(user, school) is not None


def is_principal_of(user, school) -> bool:
    return school_role(user, school) == Membership.Role.PRINCIPAL


def can_view_school(user, school) -> bool:
    return user.is_authenticated and (user.is_central or can_act_for_school(user, school))


def can_manage_members(user, school) -> bool:
    """Confirm memberships and appoint site contacts: the school's principal or an administrator."""
    return user.is_authenticated and (user.is_administrator or is_principal_of(user, school))


def can_view_members(user, school) -> bool:
    """See who works at a school: those who manage its members, and the director and finance
    (read-only)."""
    return user.is_authenticated and (can_manage_members(user, school) or user.is_director or user.is_finance)


def can_manage_membership(user, membership) -> bool:
    """Confirm or reject ``membership``. Only administrators make or unmake a principal, so a
    principal may not handle a principal's membership, not even their own."""
    if not can_manage_members(user, membership.school_id):
        return False
    return user.is_administrator or membership.role != Membership.Role.PRINCIPAL


def can_set_membership_role(user, membership, role: str) -> bool:
    if not can_manage_membership(user, membership):
        return False
    return user.is_administrator or role != Membership.Role.PRINCIPAL


def membership_roles_for(user, membership) -> list[tuple[str, str]]:
    """The roles ``user`` may give ``membership`` (empty if none)."""
    return [(value, label) for value, label in Membership.Role.choices
            if can_set_membership_role(user, membership, value)]


def can_manage_closed_periods(user, school) -> bool:
    """Keep the closed days (breaks, study days): the municipality's (``school`` None) are the
    administrators'; a school's own are its principal's and the administrators'."""
    if school is None:
        return user.is_authenticated and user.is_administrator
    return can_manage_members(user, school)


def can_edit_school(user, school) -> bool:
    return user.is_authenticated and user.is_administrator


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def has_central_role(user, *roles: str) -> bool:
    """The person is active and has one of the central ``roles`` (User.Role values)."""
    return user.is_authenticated and user.is_active and user.role in roles


def role_required(*roles: str):
    """Allow only people with one of the central ``roles`` (User.Role values)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_central_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


administrator_required = role_required(User.Role.ADMINISTRATOR)
CENTRAL_ROLES = (User.Role.ADMINISTRATOR, User.Role.DIRECTOR, User.Role.FINANCE)
central_required = role_required(*CENTRAL_ROLES)


def two_factor_user_required(view):
    """Allow only people who sign in with a second step (two_factor.required_for): the pages
    where they enter, set up and renew it."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(two_factor.required_for(request.user))
        return view(request, *args, **kwargs)

    return wrapped
