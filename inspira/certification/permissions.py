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


# --- The administration's casework and the director's decision ---------------------------------------

def can_view_casework(user) -> bool:
    """The queue, the case page, the basis, the contact log and the attachments: administrators,
    and the director (read-only)."""
    return user.is_authenticated and (user.is_administrator or user.is_director)


def can_work_on_case(user) -> bool:
    """Start preparing, keep the contact log, write the basis and send it: administrators."""
    return user.is_authenticated and user.is_administrator


def can_decide(user) -> bool:
    """Decide, send back for more work, correct a decision: the director only."""
    return user.is_authenticated and user.is_director


def can_view_decision(user, application) -> bool:
    """The decisions and their letters: whoever may read the application (its school's confirmed
    staff and the central administration)."""
    return can_view_application(user, application)
