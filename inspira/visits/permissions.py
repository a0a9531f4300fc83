"""Who may do what with visits. Builds on inspira.accounts.permissions.

The host of an occasion is the certified school: its site contacts and its principal run the
site's calendar (the programme's rule: "booking and billing are handled by the receiving school"). A visiting
school acts through its confirmed staff; its principal approves bookings when the school asks for
that. The central administration reads everything and changes nothing here.
"""

from inspira.accounts.models import Membership
from inspira.accounts.permissions import can_act_for_school, is_principal_of, school_role

HOST_ROLES = (Membership.Role.SITE_CONTACT, Membership.Role.PRINCIPAL)


def is_host_of(user, certification) -> bool:
    """A site contact or the principal of the certified school (confirmed)."""
    return school_role(user, certification.school_id) in HOST_ROLES


def can_manage_occasions(user, certification) -> bool:
    return is_host_of(user, certification)


def can_view_site_occasions(user, certification) -> bool:
    return user.is_authenticated and (user.is_central or is_host_of(user, certification))


def can_book_for_school(user, school) -> bool:
    """Any confirmed member of a school may book visits for it."""
    return can_act_for_school(user, school)


def can_view_booking(user, booking) -> bool:
    if not user.is_authenticated:
        return False
    return (user.is_central or can_act_for_school(user, booking.school_id)
            or is_host_of(user, booking.occasion.certification))


def is_visitor_of(user, booking) -> bool:
    """Staff of the visiting school: they may cancel (until the site's deadline)."""
    return can_act_for_school(user, booking.school_id)


def can_approve_booking(user, booking) -> bool:
    """The visiting school's principal: the booking commits the school to pay its share."""
    return is_principal_of(user, booking.school_id)


def can_edit_school_visit_settings(user, school) -> bool:
    return user.is_authenticated and (user.is_administrator or is_principal_of(user, school))


def can_view_waiting_entry(user, entry) -> bool:
    return can_act_for_school(user, entry.school_id)


def can_record_outcome(user, booking) -> bool:
    """Record whether a visit took place: the host (its site contacts and principal)."""
    return is_host_of(user, booking.occasion.certification)


def can_undo_outcome(user) -> bool:
    """Undo what the host recorded (completion counts for money): administrators only."""
    return user.is_authenticated and user.is_active and user.is_administrator


def can_view_all_bookings(user) -> bool:
    """Every school's bookings and feedback, and the sites' progress: the central administration (read only)."""
    return user.is_authenticated and user.is_active and user.is_central


def can_view_site_feedback(user, certification) -> bool:
    return can_view_site_occasions(user, certification)
