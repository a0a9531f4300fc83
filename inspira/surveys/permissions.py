"""Who may see a survey's results: its programme's coordinators and administrators."""

from inspira.accounts.models import User
from inspira.accounts.permissions import has_central_role
from inspira.programmes.permissions import is_coordinator


def results_may_view(user, survey) -> bool:
    return has_central_role(user, User.Role.ADMINISTRATOR) or is_coordinator(user, survey.programme.key)
