"""Rounds and interest registrations for the benchmarking tests (the rest comes from tests.factories)."""

from datetime import timedelta

import factory
from django.utils import timezone

from inspira.benchmarking.models import Interest, Round
from tests.factories import ProgrammeCoordinatorFactory, SchoolFactory, UserFactory, programme


def benchmarking_on():
    """Switch the benchmarking programme on (it is off by default) and drop the cached state."""
    from inspira.programmes import state

    programme("benchmarking").__class__.objects.filter(key="benchmarking").update(is_active=True)
    state.forget()
    return programme("benchmarking")


def coordinator():
    """A coordinator of the benchmarking programme, switched on."""
    benchmarking_on()
    return ProgrammeCoordinatorFactory(programme=programme("benchmarking")).user


class RoundFactory(factory.django.DjangoModelFactory):
    """A round whose interest window is open now (``closed_round`` for one that has closed), with its
    visits two to five months ahead."""

    class Meta:
        model = Round

    programme = factory.LazyFunction(lambda: programme("benchmarking"))
    title = factory.Sequence(lambda n: f"Klasslärare åk 1–6, omgång {n}")
    interest_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    interest_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    visit_window_starts = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    visit_window_ends = factory.LazyAttribute(lambda r: r.visit_window_starts + timedelta(days=90))


def closed_round(**fields) -> Round:
    """A round whose interest window closed yesterday."""
    now = timezone.now()
    return RoundFactory(**{"interest_opens_at": now - timedelta(days=20),
                           "interest_closes_at": now - timedelta(days=1)} | fields)


class InterestFactory(factory.django.DjangoModelFactory):
    """A teacher's registration; each later one registered a minute after the one before."""

    class Meta:
        model = Interest

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    grades = factory.LazyFunction(lambda: ["2", "3"])
    subjects = "Svenska, matematik"
    registered_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=15) + timedelta(minutes=n))
