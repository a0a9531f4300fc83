"""Who may do what with applications. Builds on inspira.accounts.permissions."""

from inspira.accounts.permissions import can_act_for_school


def can_apply_for_school(user, school) -> bool:
    """Confirmed staff of a school (any school role) may apply on its behalf."""
    return can_act_for_school(user, school)


def can_view_application(user, application) -> bool:
    """The applying school's confirmed staff, and the central administration (read-only)."""
    if not user.is_authenticated:
        return False
    return user.is_central or can_act_for_school(user, application.school_id)


def can_edit_application(user, application) -> bool:
    """The school's confirmed staff, while the application is a draft or back from the principal."""
    return can_act_for_school(user, application.school_id) and application.is_editable


def can_reopen_application(user, application) -> bool:
    from inspira.certification.models import Application

    return (can_act_for_school(user, application.school_id)
            and application.status == Application.Status.AWAITING_ENDORSEMENT)
