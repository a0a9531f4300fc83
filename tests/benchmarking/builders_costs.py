"""Rounds, participants, groups, visits and meetings for the tests of substitute costs, the closing
evaluation and quotes, built on the models alone (the rounds' own pages and services are tested
elsewhere)."""

import datetime
import itertools

from django.utils import timezone

from inspira.benchmarking.models import Group, Interest, Round, Visit
from inspira.programmes import state
from inspira.programmes.models import Programme
from tests.factories import EventFactory, RegistrationFactory, SchoolFactory, UserFactory

_count = itertools.count(1)


def benchmarking_on() -> Programme:
    programme = Programme.objects.get(key="benchmarking")
    if not programme.is_active:
        programme.is_active = True
        programme.save(update_fields=["is_active"])
        state.forget()
    return programme


def make_round(**fields) -> Round:
    now = timezone.now()
    values = {
        "programme": benchmarking_on(), "title": f"Klasslärare åk 1–6, omgång {next(_count)}",
        "interest_opens_at": now - datetime.timedelta(days=60), "interest_closes_at": now - datetime.timedelta(days=30),
        "visit_window_starts": timezone.localdate() - datetime.timedelta(days=20),
        "visit_window_ends": timezone.localdate() + datetime.timedelta(days=40),
        "stage": Round.Stage.PUBLISHED, "substitute_rate": 180000,
    }
    values.update(fields)
    return Round.objects.create(**values)


def make_participant(round: Round, *, school=None, user=None, group=None, **fields) -> Interest:
    """An admitted participant (``decision=...`` for another)."""
    values = {"round": round, "user": user or UserFactory(), "school": school or SchoolFactory(), "grades": ["3"],
              "subjects": "Svenska, matematik", "registered_at": timezone.now() - datetime.timedelta(days=45),
              "decision": Interest.Decision.ADMITTED, "group": group}
    values.update(fields)
    return Interest.objects.create(**values)


def make_group(round: Round, members=(), number=None) -> Group:
    group = Group.objects.create(round=round, number=number or next(_count))
    for member in members:
        member.group = group
        member.save(update_fields=["group"])
    return group


def make_visit(group: Group, host: Interest, date: datetime.date, status=Visit.Status.CONFIRMED) -> Visit:
    return Visit.objects.create(group=group, host=host, date=date, status=status)


def make_meeting(round: Round, which: str, *, starts_at=None):
    """The round's kick-off (``which="kickoff"``) or closing meeting, an event of the programme."""
    starts_at = starts_at or timezone.now() - datetime.timedelta(days=1)
    event = EventFactory(programme=round.programme, title=f"Benchmarking: {which}", starts_at=starts_at,
                         ends_at=starts_at + datetime.timedelta(hours=3), is_public=False)
    setattr(round, which, event)
    round.save(update_fields=[which])
    return event


def register(event, user):
    return RegistrationFactory(event=event, user=user)


def group_of_three(round: Round, *, visit_date=None):
    """Three participants from three schools in one group, and a visit hosted by the first: (group, members, visit)."""
    members = [make_participant(round) for _ in range(3)]
    group = make_group(round, members)
    visit = make_visit(group, members[0], visit_date or timezone.localdate() - datetime.timedelta(days=1))
    return group, members, visit
