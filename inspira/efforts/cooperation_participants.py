"""The people of a cooperation programme as a named group of the events app: its closing seminar is
open to the staff of the programme's units and to its process leaders."""

from django.utils.translation import gettext_lazy as _

from inspira.events import eligibility

GROUP_KEY = "cooperation:participants"


def is_participant(user, event=None) -> bool:
    """Whether ``user`` works at one of the units of the programme whose closing seminar ``event`` is
    (a confirmed member of its staff) or is one of its process leaders. Without an event: of any
    programme that has a closing seminar."""
    from inspira.accounts.models import Membership
    from inspira.efforts.models import CooperationProgramme, Effort

    programmes = CooperationProgramme.objects.filter(closing_seminar__isnull=False)
    if event is not None:
        programmes = programmes.filter(closing_seminar=event)
    if programmes.filter(process_leaders=user).exists():
        return True
    units = Effort.objects.filter(cooperation__in=programmes).values("schools")
    return Membership.objects.filter(user=user, confirmed_at__isnull=False, school__in=units).exists()


def register_participant_group() -> None:
    eligibility.register_group(GROUP_KEY, _("The cooperation programme's units and process leaders"),
                               members=is_participant)
