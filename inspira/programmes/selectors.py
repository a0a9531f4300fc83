from django.db.models import Prefetch

from inspira.programmes.catalog import ORDER
from inspira.programmes.models import Programme, ProgrammeCoordinator


def programmes_with_coordinators() -> list[Programme]:
    """Every programme, in the catalogue's order, with its coordinators (two queries, however many)."""
    coordinators = ProgrammeCoordinator.objects.select_related("user").order_by("user__name", "user__email")
    programmes = Programme.objects.prefetch_related(Prefetch("coordinators", queryset=coordinators))
    return sorted(programmes, key=lambda programme: ORDER.get(programme.key, len(ORDER)))
