"""Survey invitations: who was asked and whether they answered. The answers themselves carry no link
to anyone, so they are neither in a person's download nor erased with them: they stay, anonymous."""

from django.utils.translation import gettext_lazy as _

from inspira.privacy.base import Area, Category, ErasureContext, row
from inspira.surveys.models import Invitation, Survey


def export(user, scrubber) -> list[Category]:
    invitations = Invitation.objects.filter(user=user).select_related("survey").order_by("pk")
    return [Category(
        "survey_invitations", _("Survey invitations"),
        _("Removed: who was invited and whether they answered. Answers are anonymous and stay."),
        [row(survey=i.survey.title, invited=i.invited_at, reminded=i.reminded_at, answered=i.answered)
         for i in invitations],
    )]


def erase(ctx: ErasureContext) -> None:
    deleted, _rows = Invitation.objects.filter(user=ctx.user).delete()
    ctx.counts["survey_invitations_removed"] += deleted
    # The survey stays for the programme; only the name of the person who made it goes.
    ctx.counts["surveys_creator_removed"] += Survey.objects.filter(created_by=ctx.user).update(created_by=None)


AREA = Area(
    name="surveys",
    export=export,
    erase=erase,
    fields={"surveys.Invitation": ["user"], "surveys.Survey": ["created_by"]},
    not_personal={
        "surveys.Survey.intro": "The survey's introduction, written by its coordinator for every invitee.",
        "surveys.Answer.text": "An anonymous answer: nothing links it to a person, so it cannot be found per "
                               "person; a coordinator reviews each free text and shows only those that name "
                               "no one.",
    },
)
