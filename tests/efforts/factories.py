"""Efforts, proposals and cooperation programmes for the efforts tests (the rest comes from
tests.factories). The one builder module of tests/efforts: add what a test needs here, not in a
module of its own."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

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
    Session,
    YearlySurvey,
)
from tests.factories import ProgrammeCoordinatorFactory, SchoolFactory, UserFactory, member, programme


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


def principal_of(school, **user_fields):
    return member(school, role=Membership.Role.PRINCIPAL, **user_fields)


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


class YearlySurveyFactory(factory.django.DjangoModelFactory):
    """A planned yearly survey (not sent): sent on the first of December, open until the twentieth."""

    class Meta:
        model = YearlySurvey
        django_get_or_create = ("year",)

    year = 2026
    send_on = factory.LazyAttribute(lambda o: date(o.year, 12, 1))
    closes_on = factory.LazyAttribute(lambda o: date(o.year, 12, 20))


def effort_in_year(*, schools, state=Effort.State.ENDED, at=None, **fields) -> Effort:
    """A tailor-made effort that ended (``ENDED``, at ``at``) or began running (``RUNNING``, at ``at``)."""
    at = at or timezone.now()
    if state == Effort.State.ENDED:
        fields.setdefault("ended_at", at)
    return EffortFactory(schools=schools, state=state, state_changed_at=at, **fields)


def yearly_answers(survey, count: int, values=(4, 5, 3)) -> None:
    """``count`` anonymous responses to a yearly survey's rating questions (positions 1, 2, 3), written
    as the survey engine stores them (the engine's answering is tested in tests/surveys)."""
    from inspira.surveys.models import Answer, Response

    questions = {q.position: q for q in survey.questions.all()}
    for _n in range(count):
        response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
        Answer.objects.bulk_create(Answer(response=response, question=questions[position], value=value)
                                   for position, value in zip((1, 2, 3), values, strict=True))


@contextmanager
def clock_at(moment):
    """Django's clock stands at ``moment``: for sending a past year's survey, as the survey engine's
    question_add reads the clock itself (it takes no ``now``)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def yearly_sent(year: int = 2024, *, now=None, **fields) -> YearlySurvey:
    """A yearly survey sent on its day (by default a past year's, so its surveys have closed by now)."""
    from inspira.efforts.yearly import yearly_survey_send

    planned = YearlySurveyFactory(year=year, **fields)
    now = now or datetime.combine(planned.send_on, time(6, 0), tzinfo=ZoneInfo("Europe/Stockholm"))
    with clock_at(now):
        assert yearly_survey_send(yearly=planned, now=now)
    planned.refresh_from_db()
    return planned
def effort_awaiting_proposal(*, schools, **fields) -> Effort:
    """A tailor-made effort after its planning meeting: the centre prepares the proposal (state PROPOSAL)."""
    efforts_on()
    return EffortFactory(schools=schools, **{"state": Effort.State.PROPOSAL} | fields)


PROPOSAL_TEXT = {
    "summary": "Fyra träffar om språkutvecklande arbetssätt för hela kollegiet.",
    "goals": "Alla lärare planerar lektioner med stöttning för språket.",
    "plan": "Träff 1: genomgång.\nTräff 2: eget arbete.\nTräff 3: eget arbete.\nTräff 4: uppföljning.",
    "scope": "",
}


def present(effort, actor, **changes):
    """The next version through the service (the text of PROPOSAL_TEXT with ``changes``)."""
    from inspira.efforts.proposals import proposal_present

    return proposal_present(effort=effort, actor=actor, **(PROPOSAL_TEXT | changes))
def staff_of(school, **user_fields):
    """A confirmed member of the school's staff (a guest the principal may name)."""
    return member(school, role=Membership.Role.STAFF, **user_fields)


def meeting_time(days: int = 7, hour: int = 9, hours: int = 2):
    """A planning meeting's start and end, ``days`` from today at ``hour`` (Stockholm)."""
    from datetime import datetime, time, timedelta

    day = timezone.localdate() + timedelta(days=days)
    starts = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return starts, starts + timedelta(hours=hours)


def booked_effort(school, principal, *, coordinator_user=None, guests=(), days: int = 7, **fields) -> Effort:
    """An effort the principal requested whose planning meeting the centre booked through the service
    (state PLANNING), ``days`` from today; a negative ``days`` books it, as it were, before it took place."""
    from datetime import timedelta

    from inspira.efforts.planning import planning_meeting_book

    actor = coordinator_user or coordinator()
    effort = EffortFactory(schools=[school], requested_by=principal, **fields)
    effort.guests.set(guests)
    starts, ends = meeting_time(days=days)
    return planning_meeting_book(effort=effort, actor=actor, starts_at=starts, ends_at=ends, place="Konferensrummet",
                                 now=min(timezone.now(), starts - timedelta(days=1)))
# --- The delivery: running efforts and their sessions ---------------------------------------------------------

def running_effort(**fields) -> Effort:
    """A tailor-made effort whose proposal the principal accepted (RUNNING), with the programme switched
    on; give ``schools=[...]``."""
    efforts_on()
    return EffortFactory(**{"state": Effort.State.RUNNING} | fields)


def centre():
    """An administrator: the centre, who plans sessions and documents (a coordinator may as well)."""
    from inspira.accounts.models import User

    return UserFactory(role=User.Role.ADMINISTRATOR)


def session_of(effort, *, days: int = 14, actor=None, **fields) -> Session:
    """A session of ``effort`` planned through ``sessions.session_add``, ``days`` from today 13:00-16:00
    (a negative number: a session that has taken place)."""
    from inspira.efforts.sessions import session_add

    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(13)))
    values = {"title": "Träff om språkutvecklande arbetssätt", "starts_at": starts,
              "ends_at": starts + timedelta(hours=3), "place": "Aulan"} | fields
    return session_add(effort=effort, actor=actor or centre(), **values)


def evaluated_effort(school, *, answers: int, actor=None, close: bool = True, **fields):
    """A running effort for ``school`` whose last session (yesterday) has its evaluation made and
    opened, answered by ``answers`` people (satisfied: 4 of 5, "Yes, right away"), and closed unless
    ``close`` is False. Returns (effort, survey)."""
    from django.utils import timezone as tz

    from inspira.efforts.evaluation import effort_evaluation_create
    from inspira.surveys.models import Question
    from inspira.surveys.services import invitation_token, survey_answer, survey_open
    from tests.factories import InvitationFactory

    actor = actor or centre()
    effort = running_effort(schools=[school], **fields)
    session_of(effort, days=-1, actor=actor)
    survey = effort_evaluation_create(effort=effort, actor=actor)
    survey_open(survey=survey, actor=actor)
    scale = survey.questions.get(kind=Question.Kind.SCALE)
    single = survey.questions.filter(kind=Question.Kind.SINGLE).first()
    for _ in range(answers):
        survey_answer(token=invitation_token(InvitationFactory(survey=survey)),
                      answers={scale.pk: 4, single.pk: single.choices.order_by("position").first().pk})
    if close:
        survey.closed_at = tz.now() - timedelta(seconds=1)
        survey.save(update_fields=["closed_at"])
    return effort, survey
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
