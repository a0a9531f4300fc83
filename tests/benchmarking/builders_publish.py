"""Small builders for the proposal, groups, publishing and dates tests: a round at stage PROPOSED
with its groups and visits made directly (as the proposal job leaves them), without the solvers."""

from datetime import date, timedelta

from django.utils import timezone

from inspira.benchmarking.models import Group, Interest, Proposal, Round, Visit
from inspira.programmes.models import Programme
from inspira.programmes.state import forget
from tests.factories import ProgrammeCoordinatorFactory, SchoolFactory, member, programme


def switch_on() -> None:
    Programme.objects.filter(key="benchmarking").update(is_active=True)
    forget()


def coordinator():
    switch_on()
    return ProgrammeCoordinatorFactory(programme=programme("benchmarking")).user


def a_round(**fields) -> Round:
    switch_on()
    now = timezone.now()
    values = {
        "programme": programme("benchmarking"), "title": "Klasslärare åk 1–6, hösttermin",
        "interest_opens_at": now - timedelta(days=30), "interest_closes_at": now - timedelta(days=1),
        "visit_window_starts": date(2027, 9, 1), "visit_window_ends": date(2027, 11, 30),
        "min_days_between_visits": 7, "max_away_per_school": 1, "stage": Round.Stage.PROPOSED,
    }
    values.update(fields)
    return Round.objects.create(**values)


def interest(round_: Round, school=None, *, name=None, grades=("3",), user=None, **fields) -> Interest:
    school = school or SchoolFactory()
    user = user or member(school, **({"name": name} if name else {}))
    registered = fields.pop("registered_at", timezone.now() - timedelta(days=10))
    return Interest.objects.create(round=round_, user=user, school=school, grades=list(grades), subjects="Svenska",
                                   registered_at=registered, **fields)


def proposed_round(*, groups: int = 2, size: int = 3, extra: int = 0, first_day=date(2027, 9, 6), **fields):
    """A round at PROPOSED: ``groups`` groups of ``size`` members (each of a school of its own), each
    member hosting one visit (the groups' visits a week apart, the groups on different weeks), plus
    ``extra`` registered who are not admitted; and the done Proposal that made it."""
    round_ = a_round(**fields)
    proposal = Proposal.objects.create(round=round_, status=Proposal.Status.DONE, progress=100,
                                       solver_name="OR-Tools CP-SAT", solver_version="9.10", seed=7,
                                       grouping_status="OPTIMAL", grouping_objective=12,
                                       timetable_status="FEASIBLE", timetable_objective=3, seconds=0.42,
                                       selection_objective={"schools": groups * size})
    made, layout = [], []
    for g in range(groups):
        group = Group.objects.create(round=round_, number=g + 1, proposal=proposal)
        ids = []
        for m in range(size):
            person = interest(round_, name=f"Deltagare {g + 1}.{m + 1}", group=group)
            Visit.objects.create(group=group, host=person,
                                 date=first_day + timedelta(days=g + 14 * m))
            ids.append(person.pk)
        layout.append(ids)
        made.append(group)
    others = [interest(round_, name=f"Kö {n}") for n in range(extra)]
    proposal.groups = layout
    proposal.admitted = [i for ids in layout for i in ids]
    proposal.save(update_fields=["groups", "admitted"])
    return round_, made, others
