"""Who may build a survey and see its results: its programme's coordinators and administrators."""

from inspira.accounts.models import User
from inspira.accounts.permissions import has_central_role
from inspira.programmes.permissions import coordinated_programme_ids, is_coordinator


def survey_may_manage(user, survey) -> bool:
    """Build, open, invite to, remind about and close the survey; a coordinator of another programme
    may not, whatever they coordinate."""
    return has_central_role(user, User.Role.ADMINISTRATOR) or is_coordinator(user, survey.programme.key)


def results_may_view(user, survey) -> bool:
    return survey_may_manage(user, survey)


def managed_programme_ids(user) -> set[int]:
    """The programmes whose surveys the person lists and makes."""
    return coordinated_programme_ids(user)
