"""The demo's programmes: every programme is switched on and has a coordinator, so a newcomer sees
each of them at once (the events' demo gives them meetings to show). The development centre's person
coordinates tailor-made development; each other programme has a person of its own. Safe to run
again: a programme already on, or a coordinator already named, is left as is."""

from inspira.accounts.models import User
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme, ProgrammeCoordinator
from inspira.programmes.services import coordinator_add, programme_set_active

COORDINATORS = (
    ("inspirationsplatser@inspira.example", Key.INSPIRATION_SITES),
    ("benchmarking@inspira.example", Key.BENCHMARKING),
    ("pedagogcentrum@inspira.example", Key.TAILOR_MADE),
    ("lararpanelen@inspira.example", Key.TEACHER_PANEL),
    ("samverkan@inspira.example", Key.COOPERATION),
)
ADMINISTRATOR = "admin@inspira.example"


def load(*, stdout=None) -> None:
    actor = User.objects.get(email=ADMINISTRATOR)
    for programme in Programme.objects.filter(is_active=False).order_by("pk"):
        programme_set_active(programme=programme, active=True, actor=actor)
        if stdout is not None:
            stdout.write(f"Switched {programme.key} on.")
    for email, key in COORDINATORS:
        programme = Programme.objects.get(key=key)
        person = User.objects.get(email=email)
        if not ProgrammeCoordinator.objects.filter(programme=programme, user=person).exists():
            coordinator_add(programme=programme, user=person, actor=actor)
            if stdout is not None:
                stdout.write(f"Named {email} coordinator of {programme.key}.")
