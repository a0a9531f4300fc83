"""Efforts, proposals and cooperation programmes for the efforts tests (the rest comes from
tests.factories). The one builder module of tests/efforts: add what a test needs here, not in a
module of its own."""

from datetime import date

import factory
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.efforts.models import (
    Area,
    ClockEvent,
    ClosedDay,
    CooperationProgramme,
    Document,
    Effort,
    Partner,
    Proposal,
)
from tests.factories import ProgrammeCoordinatorFactory, SchoolFactory, member, programme


def _switch_on(key: str):
    from inspira.programmes import state

    programme(key).__class__.objects.filter(key=key).update(is_active=True)
    state.forget()
    return programme(key)


def efforts_on():
    """Switch tailor-made development on (it is off by default) and drop the cached state."""
    return _switch_on("tailor_made")


def cooperation_on():
    """Switch the cooperation programmes on."""
    return _switch_on("cooperation")


def coordinator():
    """A coordinator of the development centre (tailor-made development, switched on)."""
    efforts_on()
    return ProgrammeCoordinatorFactory(programme=programme("tailor_made")).user


def cooperation_coordinator():
    """A coordinator of the cooperation programmes (switched on)."""
    cooperation_on()
    return ProgrammeCoordinatorFactory(programme=programme("cooperation")).user


def principal_of(school):
    return member(school, role=Membership.Role.PRINCIPAL)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Område {n}")


def area(name: str = "Kollegialt lärande") -> Area:
    """One of the areas the migration adds (or a new one by that name)."""
    return AreaFactory(name=name)


class EffortFactory(factory.django.DjangoModelFactory):
    """A tailor-made effort as the principal requested it (state REQUESTED); give ``schools=[...]``."""

    class Meta:
        model = Effort
        skip_postgeneration_save = True

    programme = factory.LazyFunction(lambda: programme("tailor_made"))
    title = factory.Sequence(lambda n: f"Språkutvecklande arbetssätt {n}")
    area = factory.LazyFunction(area)
    need = "Vi vill utveckla undervisningen i alla ämnen med ett språkutvecklande arbetssätt."
    target_group = "Alla lärare i åk 4–6"
    staff_count = 18
    requested_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def schools(self, create, extracted, **kwargs):
        if create:
            self.schools.set(extracted if extracted is not None else [SchoolFactory()])


class CooperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationProgramme
        skip_postgeneration_save = True

    programme = factory.LazyFunction(lambda: programme("cooperation"))
    title = "Samverkan för bästa skola"
    first_year = 2025
    last_year = 2027

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.areas.set(extracted if extracted is not None else Area.objects.all())


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    cooperation = factory.SubFactory(CooperationFactory)
    name = "Skolverket"


def cooperation_effort(cooperation, **fields) -> Effort:
    """A running effort of a cooperation programme."""
    return EffortFactory(**{"programme": cooperation.programme, "cooperation": cooperation,
                            "state": Effort.State.RUNNING, "requested_at": None} | fields)


def clock_entry(effort, kind: str, day: date, **fields) -> ClockEvent:
    return ClockEvent.objects.create(effort=effort, kind=kind, day=day, **fields)


def closed_day(day: date, reason: str = "Planeringsdag") -> ClosedDay:
    return ClosedDay.objects.create(day=day, reason=reason)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    effort = factory.SubFactory(EffortFactory)
    version = factory.Sequence(lambda n: n + 1)
    summary = "Fyra träffar om språkutvecklande arbetssätt för hela kollegiet."
    goals = "Alla lärare planerar lektioner med stöttning för språket."
    plan = "Träff 1: genomgång. Träff 2–3: eget arbete. Träff 4: uppföljning."


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    effort = factory.SubFactory(EffortFactory)
    title = factory.Sequence(lambda n: f"Anteckning {n}")
    text = "Vi gick igenom läget och kom överens om nästa steg."


# --- Cooperation programmes (seed 004) -------------------------------------------------------------------

def process_leader_of(cooperation, **user_fields):
    """A process leader of ``cooperation`` (a new person)."""
    from tests.factories import UserFactory

    leader = UserFactory(**user_fields)
    cooperation.process_leaders.add(leader)
    return leader


def unit_effort(cooperation, schools, *, leader=None, **fields) -> Effort:
    """A running effort of ``cooperation`` at the school-unit level for ``schools``, in one of its areas."""
    fields.setdefault("area", cooperation.areas.order_by("position", "name").first())
    return cooperation_effort(cooperation, schools=list(schools), leader=leader, **fields)


def closing_seminar(cooperation, *, actor=None, day: date | None = None, capacity: int = 100):
    """The programme's closing seminar (an event), made through the service."""
    import datetime

    from inspira.accounts.models import User
    from inspira.efforts.cooperation_services import closing_seminar_create
    from tests.factories import UserFactory

    actor = actor or UserFactory(role=User.Role.ADMINISTRATOR)
    day = day or timezone.localdate() + datetime.timedelta(days=30)
    event = closing_seminar_create(cooperation=cooperation, actor=actor, day=day, starts=datetime.time(9),
                                   ends=datetime.time(15), place="Stadshuset", capacity=capacity)
    cooperation.closing_seminar = event  # the service saved it on its own (locked) copy of the row
    return event
