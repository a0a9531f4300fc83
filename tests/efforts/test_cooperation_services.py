"""Setting up a cooperation programme, its efforts and its closing seminar (cooperation_services)."""

import datetime

import pytest
from django.utils import translation

from inspira.core.models import AuditEvent
from inspira.efforts import cooperation_services as services
from inspira.efforts.cooperation_participants import GROUP_KEY, is_participant
from inspira.efforts.models import Area, Effort, Level
from inspira.events.models import Eligibility, Event
from tests.efforts.factories import (
    CooperationFactory,
    closing_seminar,
    cooperation_coordinator,
    process_leader_of,
    unit_effort,
)
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def actor():
    return cooperation_coordinator()


def _programme(actor, **changes):
    fields = {"title": "Samverkan för bästa skola", "description": "Tre år med Skolverket.",
              "first_year": 2024, "last_year": 2026, "areas": list(Area.objects.all()[:3]),
              "process_leaders": [UserFactory(name="Pia Processledare")],
              "partners": [{"name": "Skolverket", "role": "Huvudman för stödet"},
                           {"name": "Stockholms universitet", "role": "Processledare"}]}
    return services.cooperation_create(actor=actor, **(fields | changes))


def test_a_programme_is_set_up_with_its_partners_areas_and_process_leaders(actor):
    cooperation = _programme(actor)

    assert [(p.name, p.role, p.position) for p in cooperation.partners.all()] == [
        ("Skolverket", "Huvudman för stödet", 0), ("Stockholms universitet", "Processledare", 1)]
    assert cooperation.areas.count() == 3
    assert [p.name for p in cooperation.process_leaders.all()] == ["Pia Processledare"]
    assert list(AuditEvent.objects.values_list("action", "actor_id")) == [("cooperation.created", actor.pk)]


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"last_year": 2023}, "last_year", "före"),
    ({"last_year": 2040}, "last_year", "högst 10"),
    ({"first_year": 1990}, "first_year", "mellan"),
    ({"areas": []}, "areas", "utvecklingsområde"),
    ({"title": "  "}, "title", "titel"),
    ({"partners": [{"name": "Skolverket", "role": ""}, {"name": "skolverket ", "role": ""}]}, "partners", "två gånger"),
    ({"partners": [{"name": " ", "role": "Stöd"}]}, "partners", "namn"),
])
def test_a_programme_that_breaks_a_rule_is_refused_at_the_field(actor, changes, field, words):
    with pytest.raises(services.CooperationInputError) as error:
        _programme(actor, **changes)
    assert words in " ".join(error.value.errors[field])
    assert not AuditEvent.objects.exists()


def test_changing_the_partners_adds_and_removes_rows(actor):
    cooperation = _programme(actor)
    fields = {"title": cooperation.title, "description": cooperation.description, "first_year": 2024,
              "last_year": 2026, "areas": list(cooperation.areas.all()),
              "process_leaders": list(cooperation.process_leaders.all())}

    services.cooperation_update(cooperation=cooperation, actor=actor, **fields,
                                partners=[{"name": "Stockholms universitet", "role": "Processledare"},
                                          {"name": "Haparanda kommun", "role": "Huvudman"}])

    assert [p.name for p in cooperation.partners.all()] == ["Stockholms universitet", "Haparanda kommun"]
    assert AuditEvent.objects.filter(action="cooperation.updated").get().data == {"changed": ["partners"]}


def test_saving_a_programme_unchanged_writes_nothing(actor):
    cooperation = _programme(actor)
    services.cooperation_update(cooperation=cooperation, actor=actor, title=cooperation.title,
                                description=cooperation.description, first_year=2024, last_year=2026,
                                areas=list(cooperation.areas.all()),
                                process_leaders=list(cooperation.process_leaders.all()),
                                partners=[{"name": p.name, "role": p.role} for p in cooperation.partners.all()])
    assert not AuditEvent.objects.filter(action="cooperation.updated").exists()


def test_an_area_or_leader_an_effort_uses_cannot_be_taken_away(actor):
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    effort = unit_effort(cooperation, [SchoolFactory()], leader=leader)
    others = list(cooperation.areas.exclude(pk=effort.area_id))

    with pytest.raises(services.CooperationInputError) as error:
        services.cooperation_update(cooperation=cooperation, actor=actor, title="X", first_year=2025,
                                    last_year=2027, areas=others, process_leaders=[], partners=[])
    assert set(error.value.errors) == {"areas", "process_leaders"}


def _effort(cooperation, actor, **changes):
    leader = cooperation.process_leaders.first() or process_leader_of(cooperation)
    fields = {"title": "Kollegialt lärande i arbetslagen", "level": Level.SCHOOL_UNIT,
              "area": cooperation.areas.first(), "schools": [SchoolFactory()], "leader": leader,
              "goals": "Alla arbetslag planerar tillsammans."}
    return services.cooperation_effort_create(cooperation=cooperation, actor=actor, **(fields | changes))


def test_an_effort_runs_at_once(actor):
    cooperation = CooperationFactory()
    effort = _effort(cooperation, actor)
    assert effort.state == Effort.State.RUNNING and effort.cooperation == cooperation
    assert effort.programme == cooperation.programme and effort.requested_at is None
    assert AuditEvent.objects.filter(action="cooperation.effort_created", actor=actor).count() == 1


def test_an_effort_for_the_political_leadership_has_no_units(actor):
    cooperation = CooperationFactory()
    effort = _effort(cooperation, actor, level=Level.POLITICAL, schools=[])
    assert not effort.schools.exists()


@pytest.mark.parametrize(("level", "with_school", "words"), [
    (Level.POLITICAL, True, "lämna enheterna tomma"),
    (Level.ADMINISTRATION, True, "lämna enheterna tomma"),
    (Level.SCHOOL_UNIT, False, "minst en skolenhet"),
])
def test_the_units_follow_the_level(actor, level, with_school, words):
    cooperation = CooperationFactory()
    with pytest.raises(services.CooperationInputError) as error:
        _effort(cooperation, actor, level=level, schools=[SchoolFactory()] if with_school else [])
    assert words in error.value.errors["schools"][0]
    assert not Effort.objects.exists()


def test_the_area_and_leader_must_be_the_programmes(actor):
    cooperation = CooperationFactory(areas=list(Area.objects.all()[:2]))
    outside = Area.objects.exclude(pk__in=cooperation.areas.values("pk")).first()
    with pytest.raises(services.CooperationInputError) as error:
        _effort(cooperation, actor, area=outside, leader=UserFactory())
    assert set(error.value.errors) == {"area", "leader"}


def test_an_effort_is_changed_then_ended_and_then_stays(actor):
    cooperation = CooperationFactory()
    effort = _effort(cooperation, actor)
    school = SchoolFactory()
    services.cooperation_effort_update(effort=effort, actor=actor, title="Nytt namn", level=Level.SCHOOL_UNIT,
                                       area=effort.area, schools=[school], leader=effort.leader, goals="Mål")
    effort.refresh_from_db()
    assert effort.title == "Nytt namn" and list(effort.schools.all()) == [school]

    services.cooperation_effort_end(effort=effort, actor=actor)
    effort.refresh_from_db()
    assert effort.state == Effort.State.ENDED and effort.ended_at and effort.documentation_shared_at
    with pytest.raises(services.CooperationError):
        services.cooperation_effort_end(effort=effort, actor=actor)
    with pytest.raises(services.CooperationError):
        services.cooperation_effort_update(effort=effort, actor=actor, title="Igen", level=Level.SCHOOL_UNIT,
                                           area=effort.area, schools=[school], leader=effort.leader)
    assert list(AuditEvent.objects.filter(action__startswith="cooperation.effort").values_list("action", flat=True)
                .order_by("pk")) == ["cooperation.effort_created", "cooperation.effort_updated",
                                     "cooperation.effort_ended"]


def test_the_closing_seminar_is_a_closing_event_for_the_programmes_people(actor):
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    unit, elsewhere = SchoolFactory(), SchoolFactory()
    unit_effort(cooperation, [unit], leader=leader)
    teacher, stranger = member(unit), member(elsewhere)

    event = closing_seminar(cooperation, actor=actor)

    cooperation.refresh_from_db()
    assert cooperation.closing_seminar == event
    assert (event.kind, event.eligibility, event.eligible_group) == (Event.Kind.CLOSING, Eligibility.GROUP, GROUP_KEY)
    assert is_participant(teacher, event) and is_participant(leader, event)
    assert not is_participant(stranger, event)
    other_seminar = closing_seminar(CooperationFactory(), actor=actor)
    assert not is_participant(teacher, other_seminar) and not is_participant(leader, other_seminar)
    assert AuditEvent.objects.filter(action="cooperation.seminar_created", actor=actor).count() == 2
    with pytest.raises(services.CooperationError):
        closing_seminar(cooperation, actor=actor)


def test_a_seminar_that_ends_before_it_starts_is_refused(actor):
    cooperation = CooperationFactory()
    with pytest.raises(services.CooperationInputError) as error:
        services.closing_seminar_create(cooperation=cooperation, actor=actor, day=datetime.date(2027, 5, 20),
                                        starts=datetime.time(13), ends=datetime.time(9), place="Aulan", capacity=80)
    assert "sluta efter" in error.value.errors["ends"][0]
    assert not Event.objects.exists()


def test_a_seminar_at_a_time_the_clocks_skip_is_refused(actor):
    cooperation = CooperationFactory()
    with pytest.raises(services.CooperationInputError) as error:
        services.closing_seminar_create(cooperation=cooperation, actor=actor, day=datetime.date(2027, 3, 28),
                                        starts=datetime.time(2, 30), ends=datetime.time(9), place="Aulan",
                                        capacity=80)
    assert "starts" in error.value.errors
