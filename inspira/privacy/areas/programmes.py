"""The programmes a person coordinates."""

from django.utils.translation import gettext_lazy as _

from inspira.privacy.base import Area, Category, ErasureContext, row
from inspira.programmes.models import ProgrammeCoordinator


def export(user, scrubber) -> list[Category]:
    coordinations = ProgrammeCoordinator.objects.filter(user=user).select_related("programme").order_by("pk")
    return [Category(
        "programme_coordinators", _("Programmes you coordinate"),
        _("You stop being a coordinator; the programme's administrators name someone else."),
        [row(programme=c.programme.name, created=c.created_at) for c in coordinations],
    )]


def erase(ctx: ErasureContext) -> None:
    # A coordinator acts for a programme; a person who is erased can no longer do so.
    deleted, _rows = ProgrammeCoordinator.objects.filter(user=ctx.user).delete()
    ctx.counts["programme_coordinations_removed"] += deleted


AREA = Area(
    name="programmes",
    export=export,
    erase=erase,
    fields={"programmes.ProgrammeCoordinator": ["user"]},
)
