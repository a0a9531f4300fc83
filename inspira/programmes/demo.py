"""The demo's programme coordinators: the development centre's person coordinates tailor-made
development (switched on by the events' demo, which gives it meetings to show). Safe to run
again: a coordinator already named is left as is."""

from inspira.accounts.models import User
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme, ProgrammeCoordinator
from inspira.programmes.services import coordinator_add

COORDINATORS = (("pedagogcentrum@inspira.example", Key.TAILOR_MADE),)
ADMINISTRATOR = "admin@inspira.example"


def load(*, stdout=None) -> None:
    actor = User.objects.get(email=ADMINISTRATOR)
    for email, key in COORDINATORS:
        programme = Programme.objects.get(key=key)
        person = User.objects.get(email=email)
        if not ProgrammeCoordinator.objects.filter(programme=programme, user=person).exists():
            coordinator_add(programme=programme, user=person, actor=actor)
            if stdout is not None:
                stdout.write(f"Named {email} coordinator of {programme.key}.")
