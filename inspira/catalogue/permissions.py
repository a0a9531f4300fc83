"""Who may do what with a certified site. Builds on inspira.accounts.permissions."""

from inspira.accounts.models import Membership
from inspira.accounts.permissions import can_act_for_school, school_role


def is_site_contact_of(user, school) -> bool:
    return school_role(user, school) == Membership.Role.SITE_CONTACT


def can_manage_site(user, certification) -> bool:
    """See the site's own page (certification, documentation, re-application): the school's
    confirmed staff, and the central administration (read-only)."""
    if not user.is_authenticated:
        return False
    return user.is_central or can_act_for_school(user, certification.school_id)


def can_edit_documentation(user, certification) -> bool:
    """Write and publish the pedagogical documentation: the site contacts of the certified school."""
    return is_site_contact_of(user, certification.school_id)


def can_reapply(user, certification) -> bool:
    """Apply again for the site: like any application, the school's confirmed staff."""
    return can_act_for_school(user, certification.school_id)


def can_view_deliveries(user) -> bool:
    """The list of which sites have delivered their documentation: the central administration."""
    return user.is_authenticated and user.is_central
