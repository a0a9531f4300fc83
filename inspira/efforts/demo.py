"""The demo's development efforts (issue 15): Pedagogcentrum's tailor-made efforts in every state, and one
cooperation programme, "Samverkan för bästa skola", in its third year.

Tailor-made (seed 001), one effort a state, each for one of the demo's schools: requested; a planning
meeting booked; a proposal being prepared with the clock running (one just started, one warned, one
late, one paused); running with an accepted proposal (the second version; the principal asked for
changes to the first) and its sessions; ended, with its documentation shared, and evaluated at its last
session by those who came; and withdrawn.

The cooperation programme (seed 004) started two years before this one with Skolverket and Stockholms
universitet, seven process leaders, efforts on the political level, in the administration and at every
demo school across the five development areas, each with its log, lessons and good examples; its
closing seminar took place last week, with every unit represented (60 people, their attendance marked).

Made through the services, at the times they stand for (``core.democlock``, and ``now=`` where a service
takes it): the request, the responsible and the planning meeting, its notes (which start the proposal
clock), the clock's pause, the deadline warning job, proposals and the principal's answers, sessions, the
documentation, the ending and the withdrawal, ``events.registrations.registration_create``,
``events.attendance.attendance_mark`` and the events' evaluation with the survey services. One step writes
its row directly (marked "DIRECT"): the events demo's own meetings become the running effort's sessions.
Safe to run again: a part whose first row exists (by its title) is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.core.democlock import Clock, pinned_clock
from inspira.efforts import clock as proposal_clock
from inspira.efforts.documents import document_add
from inspira.efforts.ending import effort_end
from inspira.efforts.models import (
    Area,
    CooperationProgramme,
    Document,
    Effort,
    Level,
    Partner,
    Session,
)
from inspira.efforts.planning import planning_meeting_book, planning_notes_record
from inspira.efforts.proposals import proposal_accept, proposal_present, proposal_request_changes
from inspira.efforts.requests import effort_assign, effort_request, effort_withdraw
from inspira.efforts.sessions import session_add
from inspira.efforts.tasks import warn_of_proposal_deadlines
from inspira.events.attendance import ABSENT, PRESENT, attendance_mark, version_now
from inspira.events.evaluation import event_evaluation_create, event_evaluation_invite
from inspira.events.models import Event
from inspira.events.registrations import registration_create
from inspira.events.services import event_create
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme, ProgrammeCoordinator
from inspira.programmes.services import coordinator_add, programme_set_active
from inspira.schools.models import School
from inspira.schools.selectors import closed_days
from inspira.surveys import services as surveys

CENTRE = "pedagogcentrum@inspira.example"
COOPERATION = "samverkan@inspira.example"
ADMINISTRATOR = "admin@inspira.example"
PLACE = "Pedagogcentrum, sal 2"

# The first tailor-made effort made: the demo is loaded when it exists.
REQUESTED_TITLE = "Högläsning och samtal om texter i förskoleklass"
COOPERATION_TITLE = "Samverkan för bästa skola"
SEMINAR_TITLE = "Avslutningsseminarium: Samverkan för bästa skola"

# Staff of the ended effort's school whom the demo lacks (confirmed), so its evaluation has enough answers.
RINKEBY = "Rinkebyskolan"
EXTRA_STAFF = (
    ("larare3.rinkeby@inspira.example", "Sofia Andersson"),
    ("larare4.rinkeby@inspira.example", "Yusuf Demir"),
    ("larare5.rinkeby@inspira.example", "Hanna Berglund"),
    ("larare6.rinkeby@inspira.example", "Mohammed Karimi"),
)
PROCESS_LEADERS = (
    ("processledare.1@inspira.example", "Eva Strömberg"),
    ("processledare.2@inspira.example", "Jonas Lindahl"),
    ("processledare.3@inspira.example", "Marie Ekström"),
    ("processledare.4@inspira.example", "Tobias Hellström"),
    ("processledare.5@inspira.example", "Nadia Rahimi"),
    ("processledare.6@inspira.example", "Gustav Norén"),
    ("processledare.7@inspira.example", "Karin Widell"),
)
# Printed with the demo's logins (load_demo): the people this demo adds.
EXTRA_LOGINS = tuple(email for email, _name in (*EXTRA_STAFF, *PROCESS_LEADERS))
AREAS = ("Struktur och organisation", "Undervisningsnära utveckling", "Språkutvecklande arbetssätt",
         "Kollegialt lärande", "Elevhälsoprocesser")


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _school_day(day: datetime.date, closed, step: int = -1) -> datetime.date:
    """``day`` or the nearest weekday outside the municipality's breaks, walking ``step`` days at a time."""
    while day.weekday() >= 5 or day in closed:
        day += _days(step)
    return day


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _password() -> str:
    return User.objects.get(email="larare.katarina@inspira.example").password


def _person(email: str, name: str, school: School | None = None, role: str = Membership.Role.STAFF) -> User:
    """A demo person with the demo's password (and a confirmed membership); one that exists is kept."""
    user, _created = User.objects.get_or_create(email=email, defaults={
        "name": name, "password": _password(), "email_verified_at": timezone.now()})
    if school is not None:
        Membership.objects.get_or_create(user=user, school=school, defaults={
            "role": role, "confirmed_at": timezone.now(),
            "confirmed_by": User.objects.filter(email=ADMINISTRATOR).first()})
    return user


def _principal(school: School) -> User:
    return User.objects.filter(memberships__school=school, memberships__role=Membership.Role.PRINCIPAL,
                               memberships__confirmed_at__isnull=False).order_by("pk").first()


def _switch_on(key: str, email: str) -> tuple[Programme, User]:
    """The programme on, with the demo's coordinator (the programmes' demo has usually done both)."""
    admin = User.objects.get(email=ADMINISTRATOR)
    programme = Programme.objects.get(key=key)
    if not programme.is_active:
        programme_set_active(programme=programme, active=True, actor=admin)
    person = User.objects.get(email=email)
    if not ProgrammeCoordinator.objects.filter(programme=programme, user=person).exists():
        coordinator_add(programme=programme, user=person, actor=admin)
    return programme, person


# --- The steps, through the services (the pinned clock is what they take as now) -----------------------------

NOTES = {
    "purpose": "Att hela kollegiet får ett gemensamt språk och gemensamma verktyg för området.",
    "needs": "Tid för kollegialt samtal mellan träffarna; exempel från egen praktik.",
    "limits": "Högst fyra träffar under terminen, på studiedagar eller APT-tid.",
}
PROPOSAL = {
    "goals": "Alla lärare planerar och genomför undervisning med stöd av det vi arbetar med, och följer upp den "
             "tillsammans.",
    "plan": "Träff 1: gemensam grund och forskning. Träff 2–3: eget arbete i arbetslagen mellan träffarna, "
            "med handledning. Träff 4: uppföljning och utvärdering.",
    "scope": "Hela kollegiet deltar vid samma tillfälle; rektor avsätter tid mellan träffarna.",
}


def _session(effort: Effort, event: Event) -> Session:
    """DIRECT: the events demo's own two meetings about the running effort become its sessions. The session
    service makes a new event of its own (``session_add``); there is none that takes an event that exists."""
    return Session.objects.get_or_create(effort=effort, event=event)[0]


# --- Tailor-made efforts --------------------------------------------------------------------------------------

class _Centre:
    """What the tailor-made part shares: the programme, the coordinator, the calendar, the pinned clock."""

    def __init__(self, clock: Clock, today: datetime.date, closed):
        self.clock = clock
        self.today = today
        self.closed = closed
        self.programme, self.coordinator = _switch_on(Key.TAILOR_MADE, CENTRE)
        self.schools = {s.name: s for s in School.objects.all()}
        self.areas = {a.name: a for a in Area.objects.all()}
        self.is_working = proposal_clock.working_day_test()

    def area(self, name: str) -> Area:
        return self.areas.get(name) or Area.objects.order_by("position", "pk").first()

    def working_days_ago(self, n: int) -> datetime.date:
        # The centre's working days, not the schools' (a clock runs through the school breaks).
        return proposal_clock.subtract_working_days(self.today, n, self.is_working)

    def request(self, school_name: str, title: str, area: str, need: str, *, day: datetime.date,
                target_group: str = "Alla lärare", staff_count: int = 20) -> Effort:
        school = self.schools[school_name]
        principal = _principal(school)
        at = self.clock.set(day, 9)
        return effort_request(school=school, actor=principal, title=title, area=self.area(area), need=need,
                              target_group=target_group, staff_count=staff_count, wished_start=day + _days(60),
                              wished_end=day + _days(180), guests=[], now=at)

    def meeting(self, effort: Effort, day: datetime.date) -> Event:
        """The planning meeting (invitation-only: the principal, registered by the booking), booked a week
        before by the coordinator, who takes the effort on first."""
        school = effort.schools.get()
        at = self.clock.set(min(day - _days(7), self.today), 11)
        effort_assign(effort=effort, leader=self.coordinator, actor=self.coordinator)
        effort = planning_meeting_book(effort=effort, actor=self.coordinator, starts_at=_at(day, 14),
                                       ends_at=_at(day, 16), place=f"{school.name}, rektors expedition", now=at)
        return effort.planning_meeting

    def prepared(self, effort: Effort, day: datetime.date) -> None:
        """The planning meeting held on ``day``: its notes written and the proposal clock started."""
        meeting = self.meeting(effort, day)
        at = self.clock.set(day, 17)
        for registration in meeting.registrations.order_by("pk"):  # those invited came
            attendance_mark(registration=registration, state=PRESENT, version=version_now())
        # The first notes start the proposal clock on the meeting's day.
        planning_notes_record(effort=effort, actor=self.coordinator, goals=effort.need, now=at, **NOTES)
        effort.refresh_from_db()

    def session(self, effort: Effort, title: str, day: datetime.date, people, *, absent=()) -> Event:
        """A session for the unit's staff, registered for by ``people`` a fortnight before; attendance marked
        when it is over."""
        school = effort.schools.get()
        self.clock.set(min(day - _days(20), self.today), 10)
        session = session_add(effort=effort, actor=self.coordinator, title=title, starts_at=_at(day, 13),
                              ends_at=_at(day, 16), place=f"{school.name}, aulan", capacity=40,
                              description=f"En träff i insatsen {effort.title} för hela kollegiet på {school.name}.")
        event = session.event
        for n, person in enumerate(people):
            at = self.clock.set(min(day - _days(14), self.today), 8 + n % 8)
            registration_create(event=event, user=person, school=school, now=at)
        if day < self.today:
            self.clock.set(day, 16)
            for registration in event.registrations.select_related("user").order_by("pk"):
                state = ABSENT if registration.user in absent else PRESENT
                attendance_mark(registration=registration, state=state, version=version_now())
        return event


def _requested(centre: _Centre) -> Effort:
    return centre.request("Hjulstaskolan", REQUESTED_TITLE, "Språkutvecklande arbetssätt",
                          "Många barn har ett begränsat ordförråd på svenska. Vi vill att alla pedagoger i "
                          "förskoleklass läser högt och samtalar om texter på ett medvetet sätt.",
                          day=centre.working_days_ago(2), target_group="Pedagoger i förskoleklass", staff_count=8)


def _planning(centre: _Centre) -> Effort:
    effort = centre.request("Engelbrektsskolan", "Betyg och bedömning i praktiska och estetiska ämnen",
                            "Undervisningsnära utveckling",
                            "Lärarna i de praktiska och estetiska ämnena vill bli mer samstämmiga i sina bedömningar.",
                            day=centre.working_days_ago(6), target_group="Lärare i bild, musik, slöjd och idrott",
                            staff_count=12)
    centre.meeting(effort, _school_day(centre.today + _days(5), centre.closed, step=1))
    return effort


def _preparing(centre: _Centre) -> list[Effort]:
    """Four efforts whose proposal is being prepared: the clock just started, warned, late and paused."""
    specs = (
        ("Adolf Fredriks skola", "Digitala verktyg i matematikundervisningen", "Undervisningsnära utveckling",
         "Vi vill använda digitala verktyg så att de stödjer elevernas resonemang i matematik.", 3),
        ("Aspuddens skola", "Kollegialt lärande genom lektionsbesök", "Kollegialt lärande",
         "Lärarna vill besöka varandras lektioner och ge varandra återkoppling på ett strukturerat sätt.", 8),
        ("Sätraskolan", "Elevhälsans främjande arbete i åk 7–9", "Elevhälsoprocesser",
         "Elevhälsoteamet och lärarna vill arbeta mer främjande och förebyggande tillsammans.", 14),
        ("Skarpnäcksskolan", "Tydliga strukturer i klassrummet", "Struktur och organisation",
         "Vi vill ha gemensamma strukturer för lektionernas start och avslut i alla klasser.", 6),
    )
    efforts = []
    for school, title, area, need, started in specs:
        start = centre.working_days_ago(started)
        effort = centre.request(school, title, area, need, day=start - _days(10))
        centre.prepared(effort, start)
        efforts.append(effort)
    paused = efforts[-1]
    centre.clock.set(centre.working_days_ago(2), 10)
    proposal_clock.clock_pause(effort=paused, day=centre.working_days_ago(2), actor=centre.coordinator,
                               reason="Rektor har bett om att vänta tills skolans nya organisation är klar.")
    # Today's run of the daily job: the responsible is warned of the near deadline and of the late one.
    warn_of_proposal_deadlines(now=centre.clock.set(centre.today, 6))
    return efforts


def _proposals_accepted(centre: _Centre, effort: Effort, first_day: datetime.date, *, changes: bool) -> None:
    """The first version on ``first_day`` (the clock met); with ``changes`` the principal asked for changes and
    accepted the second version a week later."""
    principal = _principal(effort.schools.get())
    at = centre.clock.set(first_day, 15)
    # The first version meets the proposal clock.
    accepted = proposal_present(effort=effort, actor=centre.coordinator, now=at,
                                summary=f"Fyra träffar för hela kollegiet om {effort.title.lower()}.", **PROPOSAL)
    if changes:
        at = centre.clock.set(first_day + _days(3), 9)
        proposal_request_changes(proposal=accepted, actor=principal, now=at,
                                 comment="Kan vi lägga träffarna på eftermiddagar och låta arbetslagen välja ett "
                                         "eget fokus?")
        at = centre.clock.set(first_day + _days(6), 14)
        accepted = proposal_present(effort=effort, actor=centre.coordinator, now=at,
                                    summary=f"Fyra eftermiddagsträffar om {effort.title.lower()}; arbetslagen väljer "
                                            "ett eget fokus mellan träffarna.", **PROPOSAL)
    at = centre.clock.set(timezone.localdate(accepted.created_at) + _days(2), 10)
    proposal_accept(proposal=accepted, actor=principal, now=at)  # the effort runs
    effort.refresh_from_db()


def _running_effort(centre: _Centre) -> Effort:
    """Katarina Södra skola: running with the second version accepted; a session behind, one ahead. The
    events demo's two meetings about this effort are its sessions when they are there."""
    start = centre.working_days_ago(45)
    effort = centre.request("Katarina Södra skola", "Formativ bedömning i åk 4–6", "Undervisningsnära utveckling",
                            "Lärarna i åk 4–6 vill utveckla hur de tar reda på var eleverna är och ger återkoppling "
                            "som för lärandet framåt.", day=start - _days(8), target_group="Lärare i åk 4–6",
                            staff_count=14)
    centre.prepared(effort, start)
    _proposals_accepted(centre, effort, proposal_clock.add_working_days(start, 7, centre.is_working), changes=True)
    katarina = effort.schools.get()
    staff = list(User.objects.filter(memberships__school=katarina, memberships__confirmed_at__isnull=False,
                                     memberships__role=Membership.Role.STAFF).order_by("pk"))
    known = Event.objects.filter(programme=centre.programme, title__in=(
        "Uppstartsmöte: formativ bedömning i åk 4–6", "Handledningstillfälle: formativ bedömning"))
    if len(known) == 2:
        for event in known:
            _session(effort, event)
    else:
        centre.session(effort, "Formativ bedömning: träff 1", _school_day(centre.today - _days(12), centre.closed),
                       staff)
        centre.session(effort, "Formativ bedömning: träff 2",
                       _school_day(centre.today + _days(9), centre.closed, step=1), staff)
    document_add(effort=effort, actor=centre.coordinator, kind=Document.Kind.NOTE, title="Efter första träffen",
                 text="Lärarna prövar exit tickets i två veckor och tar med exempel till nästa träff.",
                 happened_on=centre.today - _days(11))
    return effort


def _ended_effort(centre: _Centre) -> Effort:
    """Rinkebyskolan: three sessions last term, evaluated at the last one, ended and its documentation shared."""
    rinkeby = centre.schools[RINKEBY]
    for email, name in EXTRA_STAFF:
        _person(email, name, rinkeby)
    staff = list(User.objects.filter(memberships__school=rinkeby, memberships__confirmed_at__isnull=False,
                                     memberships__role=Membership.Role.STAFF).order_by("pk"))
    start = centre.working_days_ago(120)
    effort = centre.request(RINKEBY, "Språkutvecklande arbetssätt i alla ämnen", "Språkutvecklande arbetssätt",
                            "Många elever har svenska som andraspråk. Alla lärare behöver arbeta språkutvecklande i "
                            "sina ämnen.", day=start - _days(9), target_group="Alla lärare i åk 1–9", staff_count=35)
    centre.prepared(effort, start)
    _proposals_accepted(centre, effort, proposal_clock.add_working_days(start, 9, centre.is_working), changes=False)
    sessions = []
    for n, days_ago in enumerate((110, 80, 50)):
        day = _school_day(centre.today - _days(days_ago), centre.closed)
        sessions.append(centre.session(effort, f"Språkutvecklande arbetssätt: träff {n + 1}", day, staff,
                                       absent=staff[-1:] if n == 1 else ()))
        centre.clock.set(day, 17)
        document_add(effort=effort, actor=centre.coordinator, kind=Document.Kind.NOTE, title=f"Träff {n + 1}",
                     text="Vi gick igenom cirkelmodellen och planerade stöttande moment i varje ämne." if n == 0
                     else "Arbetslagen visade exempel på genrepedagogik från sina lektioner.", happened_on=day)
    last = sessions[-1]
    day = timezone.localdate(last.starts_at)
    document_add(effort=effort, actor=centre.coordinator, kind=Document.Kind.LESSON,
                 title="Samma modell i alla ämnen", school=rinkeby, happened_on=day,
                 text="När alla ämnen använder samma modell för skrivande känner eleverna igen stöttningen.")
    document_add(effort=effort, actor=centre.coordinator, kind=Document.Kind.GOOD_EXAMPLE,
                 title="Ordväggar i NO", school=rinkeby, happened_on=day,
                 text="NO-lärarna bygger ordväggar med ämnesord tillsammans med eleverna före varje arbetsområde.")
    _evaluate(centre, last)
    effort_end(effort=effort, actor=centre.coordinator, now=centre.clock.set(day + _days(5), 10))
    return effort


def _evaluate(centre: _Centre, event: Event) -> None:
    """The session's evaluation: made and opened as it ended, sent to those who came, answered the next days."""
    ended = timezone.localtime(event.ends_at)
    centre.clock.set(ended.date(), ended.hour)
    survey = event_evaluation_create(event=event, actor=centre.coordinator)
    surveys.survey_open(survey=survey, actor=centre.coordinator)
    event_evaluation_invite(event=event, actor=centre.coordinator)
    questions = list(survey.questions.prefetch_related("choices").order_by("position"))
    overall, use, rewarding = questions[0], questions[1], questions[2]
    texts = [q for q in questions if q.kind == "text"]
    for n, invitation in enumerate(survey.invitations.order_by("pk")):
        when = centre.clock.set(ended.date() + _days(1 + n // 3), 8 + n)
        choices = list(use.choices.all())
        answers = {overall.pk: 5 if n % 3 else 4, use.pk: choices[0 if n % 4 else 1].pk,
                   rewarding.pk: [c.pk for c in list(rewarding.choices.all())[: 1 + n % 2]]}
        if texts:
            answers[texts[0].pk] = "Stöttningen i skrivandet, som jag använder redan nästa vecka." if n % 2 else ""
        surveys.survey_answer(token=surveys.invitation_token(invitation), answers=answers, now=when)


def _withdrawn_effort(centre: _Centre) -> Effort:
    effort = centre.request("Farsta grundskola", "Rastaktiviteter som främjar studiero", "Elevhälsoprocesser",
                            "Vi vill organisera rasterna så att eleverna kommer lugna till lektionerna.",
                            day=centre.working_days_ago(30))
    effort_withdraw(effort=effort, actor=_principal(effort.schools.get()),
                    reason="Rektor har bytt skola; den nya rektorn vill vänta till hösten.",
                    now=centre.clock.set(centre.working_days_ago(25), 10))
    return effort


def _tailor_made(clock: Clock, today: datetime.date, closed) -> list[Effort]:
    centre = _Centre(clock, today, closed)
    return [_requested(centre), _planning(centre), *_preparing(centre), _running_effort(centre),
            _ended_effort(centre), _withdrawn_effort(centre)]


# --- The cooperation programme ------------------------------------------------------------------------------

# (level, area, title, schools by name, goals): the political level, the administration and every school.
COOPERATION_EFFORTS = (
    (Level.POLITICAL, "Struktur och organisation", "Den politiska ledningens styrning mot ökade kunskapsresultat",
     (), "Nämnden följer resultaten och fattar beslut som ger skolorna långsiktiga förutsättningar."),
    (Level.ADMINISTRATION, "Struktur och organisation", "Systematiskt kvalitetsarbete på huvudmannanivå", (),
     "Förvaltningen analyserar resultaten tillsammans med rektorerna och följer upp insatserna."),
    (Level.ADMINISTRATION, "Elevhälsoprocesser", "En gemensam organisation för elevhälsan", (),
     "Elevhälsan arbetar på samma sätt på alla enheter och främjande i första hand."),
    (Level.SCHOOL_UNIT, "Undervisningsnära utveckling", "Lektionsdesign med tydliga mål",
     ("Katarina Södra skola", "Fridhemsskolan", "Adolf Fredriks skola"),
     "Varje lektion har ett tydligt mål som eleverna förstår och som följs upp."),
    (Level.SCHOOL_UNIT, "Språkutvecklande arbetssätt", "Språkutvecklande arbetssätt i alla ämnen",
     ("Engelbrektsskolan", "Ålstensskolan", "Rinkebyskolan"),
     "Alla lärare stöttar elevernas språk i sitt ämne, med samma modell för skrivande."),
    (Level.SCHOOL_UNIT, "Kollegialt lärande", "Kollegialt lärande på flera nivåer",
     ("Aspuddens skola", "Sätraskolan", "Hjulstaskolan"),
     "Lärarna planerar, prövar och utvärderar undervisning tillsammans i lärgrupper."),
    (Level.SCHOOL_UNIT, "Elevhälsoprocesser", "Elevhälsans processer nära undervisningen",
     ("Farsta grundskola", "Skarpnäcksskolan", "Enskedefältets skola"),
     "Elevhälsoteamet och lärarna upptäcker behov tidigt och sätter in stöd i klassrummet."),
    (Level.SCHOOL_UNIT, "Struktur och organisation", "Struktur och organisation för undervisningstid",
     ("Vällingbyskolan", "Montessoriskolan Kastanjen", "Språkgymnasiet Odenplan"),
     "Schemat och organisationen ger mer sammanhållen tid för undervisning och kollegialt lärande."),
)
LESSONS = (
    "Det som gjorde skillnad var att rektor var med på varje lärgruppsträff.",
    "Små, återkommande förändringar i undervisningen höll bättre än stora projekt.",
    "Att analysera elevernas resultat tillsammans gav en gemensam bild av vad som behövdes.",
)
GOOD_EXAMPLES = (
    "Lärgrupperna filmar en kort sekvens av sin lektion och samtalar om den utifrån ett gemensamt underlag.",
    "Varje arbetsområde startar med ordväggar och en gemensamt skriven modelltext.",
    "Elevhälsoteamet är med på arbetslagens träffar en gång i månaden.",
)


def _cooperation(clock: Clock, today: datetime.date, closed) -> CooperationProgramme:
    programme, coordinator = _switch_on(Key.COOPERATION, COOPERATION)
    schools = {s.name: s for s in School.objects.all()}
    areas = {a.name: a for a in Area.objects.all()}
    first_year = today.year - 2
    clock.set(datetime.date(first_year, 2, 3), 10)
    cooperation = CooperationProgramme.objects.create(
        programme=programme, title=COOPERATION_TITLE, first_year=first_year, last_year=today.year,
        created_by=coordinator,
        description="Skolverket stöttar huvudmän vars skolor har låga kunskapsresultat. Under tre år arbetar "
                    "kommunen med Skolverket och Stockholms universitet på flera nivåer: den politiska ledningen, "
                    "förvaltningen och skolenheterna.")
    cooperation.areas.set([areas[name] for name in AREAS if name in areas] or Area.objects.all())
    Partner.objects.create(cooperation=cooperation, name="Skolverket", position=0,
                           role="Väljer ut huvudmännen och finansierar stödet.")
    Partner.objects.create(cooperation=cooperation, name="Stockholms universitet", position=1,
                           role="Sju processledare stöttar insatserna på alla nivåer.")
    leaders = [_person(email, name) for email, name in PROCESS_LEADERS]
    cooperation.process_leaders.set(leaders)
    started = datetime.date(first_year, 9, 1)
    for n, (level, area_name, title, school_names, goals) in enumerate(COOPERATION_EFFORTS):
        clock.set(started + _days(7 * n), 10)
        effort = Effort.objects.create(
            programme=programme, cooperation=cooperation, level=level, title=title,
            area=areas.get(area_name) or Area.objects.order_by("position").first(), leader=leaders[n % len(leaders)],
            goals=goals, state=Effort.State.RUNNING)
        units = [schools[name] for name in school_names if name in schools]
        effort.schools.set(units)
        leader = leaders[n % len(leaders)]
        for term in range(4):
            day = _school_day(started + _days(60 + 180 * term + 7 * n), closed)
            if day >= today:
                break
            clock.set(day, 16)
            document_add(effort=effort, actor=leader, kind=Document.Kind.NOTE, title=f"Processledarträff {term + 1}",
                         text="Vi följde upp förra träffens åtaganden och planerade nästa steg tillsammans.",
                         happened_on=day)
        clock.set(_school_day(today - _days(30), closed), 15)
        for k, school in enumerate(units or [None]):
            document_add(effort=effort, actor=leader, kind=Document.Kind.LESSON, school=school,
                         title="Lärdom" + (f" från {school.name}" if school else " på övergripande nivå"),
                         text=LESSONS[(n + k) % len(LESSONS)])
            if k % 2 == 0:
                document_add(effort=effort, actor=leader, kind=Document.Kind.GOOD_EXAMPLE, school=school,
                             title="Gott exempel" + (f" från {school.name}" if school else ""),
                             text=GOOD_EXAMPLES[(n + k) % len(GOOD_EXAMPLES)])
    cooperation.closing_seminar = _closing_seminar(clock, today, closed, programme, coordinator, cooperation)
    cooperation.save(update_fields=["closing_seminar"])
    return cooperation


def _closing_seminar(clock: Clock, today, closed, programme, coordinator, cooperation) -> Event:
    """Last week: every unit's principal registered a group of four; all of them came (60 people)."""
    day = _school_day(today - _days(7), closed)
    clock.set(day - _days(40), 9)
    event = event_create(
        programme=programme, actor=coordinator, title=SEMINAR_TITLE, kind=Event.Kind.CLOSING,
        description="Ett framåtsyftande seminarium där varje skolenhet presenterar lärdomar, goda exempel, "
                    "reflektioner och planer framåt. Skolverket och Stockholms universitet deltar.",
        starts_at=_at(day, 9), ends_at=_at(day, 15), place="Folkets hus, Barnhusgatan 12", capacity=60,
        is_public=False)
    units = School.objects.filter(efforts__cooperation=cooperation).distinct().order_by("name")
    for n, school in enumerate(units):
        at = clock.set(day - _days(30 - n), 10)
        registration_create(event=event, user=_principal(school), school=school, participants=4, is_group=True,
                            participant_names="Rektor och tre lärare", now=at)
    clock.set(day, 15)
    for registration in event.registrations.order_by("pk"):
        attendance_mark(registration=registration, state=PRESENT, count=registration.participants,
                        version=version_now())
    return event


def load(*, stdout=None) -> None:
    today = timezone.localdate()
    closed = closed_days(None, today - _days(3 * 366), today + _days(60))
    made = []
    if not Effort.objects.filter(title=REQUESTED_TITLE, cooperation__isnull=True).exists():
        with pinned_clock(today) as clock, transaction.atomic():
            efforts = _tailor_made(clock, today, closed)
        made.append(f"{len(efforts)} tailor-made efforts in every state")
    if not CooperationProgramme.objects.filter(title=COOPERATION_TITLE).exists():
        with pinned_clock(today) as clock, transaction.atomic():
            cooperation = _cooperation(clock, today, closed)
        made.append(f"the cooperation programme {COOPERATION_TITLE!r} ({cooperation.first_year}–"
                    f"{cooperation.last_year}) with {cooperation.efforts.count()} efforts and its closing seminar")
    if made and stdout is not None:
        stdout.write("Created " + " and ".join(made) + ".")
