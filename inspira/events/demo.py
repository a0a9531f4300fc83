"""The demo's events: every programme (switched on by the programmes' demo) has meetings behind it and
ahead of it, of the kinds it holds, some in the public calendar, so a newcomer sees each programme at
once. The demo teachers and principals have registered (one focus group is full, with a waiting list),
attendance is marked on the meetings that are over, and the inspiration-site day three weeks ago was
evaluated by a survey that has closed with enough answers for its results to show figures.

Events are made through ``event_create`` (each with its audit row) by the programme's coordinator, the
survey through the survey services, at the times they stand for (``core.democlock``). There are no
registration services yet, so registrations and attendance are written as those rows. Dated from
today (Stockholm), each on the nearest weekday outside the municipality's school breaks. Safe to run
again: an event already made (by its programme and title) is left as is, registrations are made only
on an event that has none, and a survey already made is left as is.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.core.democlock import Clock, pinned_clock
from inspira.events.models import Event, Registration
from inspira.events.services import event_create
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme
from inspira.schools.models import District
from inspira.schools.selectors import closed_days
from inspira.surveys import services as surveys
from inspira.surveys.models import Answer, Question, Survey

COORDINATORS = {
    Key.INSPIRATION_SITES: "inspirationsplatser@inspira.example",
    Key.BENCHMARKING: "benchmarking@inspira.example",
    Key.TAILOR_MADE: "pedagogcentrum@inspira.example",
    Key.TEACHER_PANEL: "lararpanelen@inspira.example",
    Key.COOPERATION: "samverkan@inspira.example",
}

# The people who register, by the short names the events below use.
PEOPLE = {
    "katarina": "larare.katarina@inspira.example",
    "fridhem": "larare.fridhem@inspira.example",
    "rinkeby": "larare.rinkeby@inspira.example",
    "farsta": "larare.farsta@inspira.example",
    "alsten": "larare.alsten@inspira.example",
    "aspudden": "larare.aspudden@inspira.example",
    "satra": "larare.satra@inspira.example",
    "vallingby": "larare.vallingby@inspira.example",
    "kontakt.katarina": "kontakt.katarina@inspira.example",
    "kontakt.fridhem": "kontakt.fridhem@inspira.example",
    "rektor.katarina": "rektor.katarina@inspira.example",
    "rektor.rinkeby": "rektor.rinkeby@inspira.example",
    "rektor.farsta": "rektor.farsta@inspira.example",
    "rektor.skarpnack": "rektor.skarpnack@inspira.example",
}
TEACHERS = ("katarina", "fridhem", "rinkeby", "farsta", "alsten", "aspudden", "satra", "vallingby")
# Marked absent on the meetings that are over; everyone else came.
ABSENT = {"farsta", "satra"}


@dataclass(frozen=True)
class DemoEvent:
    programme: str
    title: str
    kind: str
    days: int  # from today
    hour: int
    hours: int
    public: bool
    capacity: int
    place: str = ""
    link: str = ""
    description: str = ""
    registered: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()  # after the places are taken, in this order


SITE_DAY = "Inspirationsdag: så tar ni emot studiebesök"

EVENTS = (
    # Inspiration sites: a day for the sites' teams, three weeks ago (evaluated), and a seminar ahead.
    DemoEvent(Key.INSPIRATION_SITES, SITE_DAY, Event.Kind.SEMINAR, -21, 13, 3, True, 40,
              place="Stadshuset, Ragnar Östbergs plan 1",
              description="Inspirationsplatserna delar med sig av hur de planerar, tar emot och följer upp "
                          "studiebesök. Alla lärare och skolledare är välkomna.",
              registered=(*TEACHERS, "kontakt.katarina", "kontakt.fridhem")),
    DemoEvent(Key.INSPIRATION_SITES, "Seminarium: pedagogisk dokumentation som delar med sig",
              Event.Kind.SEMINAR, 30, 14, 2, True, 60, place="Kulturhuset, Hörsalen",
              description="Hur dokumenterar man ett arbetssätt så att andra kan ta det vidare? Exempel från "
                          "tre inspirationsplatser.",
              registered=("alsten", "aspudden", "kontakt.katarina")),
    # Benchmarking: this round's kick-off is over, its closing meeting is ahead.
    DemoEvent(Key.BENCHMARKING, "Benchmarking för klasslärare: uppstartsmöte", Event.Kind.KICK_OFF, -40, 13, 3,
              False, 30, place="Pedagogiskt centrum, sal 1",
              description="Vi presenterar upplägget, bildar grupperna och planerar besöken.",
              registered=("katarina", "rinkeby", "farsta", "alsten", "aspudden", "satra")),
    DemoEvent(Key.BENCHMARKING, "Benchmarking för klasslärare: avslutningsmöte", Event.Kind.CLOSING, 20, 13, 3,
              False, 30, place="Pedagogiskt centrum, sal 1",
              description="Grupperna berättar om sina besök och vi analyserar vad vi kan lära av varandra.",
              registered=("katarina", "rinkeby", "farsta", "alsten", "aspudden", "satra")),
    # Tailor-made development: the titles are those of the first demo, so a database that has them keeps them.
    DemoEvent(Key.TAILOR_MADE, "Uppstartsmöte: formativ bedömning i åk 4–6", Event.Kind.KICK_OFF, -12, 15, 2,
              False, 25, place="Pedagogiskt centrum, sal 2",
              description="Vi går igenom skolenhetens behov och planerar insatsen tillsammans med rektor.",
              registered=("katarina", "kontakt.katarina", "rektor.katarina")),
    DemoEvent(Key.TAILOR_MADE, "Handledningstillfälle: formativ bedömning", Event.Kind.SESSION, 9, 14, 2, False,
              25, link="https://moten.inspira.example/handledning-formativ",
              description="Digitalt tillfälle för arbetslaget: vi följer upp de första veckornas arbete.",
              registered=("katarina", "kontakt.katarina")),
    DemoEvent(Key.TAILOR_MADE, "Seminarium: språkutvecklande arbetssätt i alla ämnen", Event.Kind.SEMINAR, 23, 13,
              3, True, 60, place="Stadshuset, Ragnar Östbergs plan 1",
              link="https://moten.inspira.example/seminarium-sprak",
              description="Pedagogiskt centrum bjuder in till ett öppet seminarium med exempel från tre skolor. "
                          "Alla lärare och skolledare är välkomna.",
              registered=("rinkeby", "vallingby", "rektor.rinkeby")),
    # Teacher panel: a focus group behind, a full one ahead with a waiting list, and a conversation.
    DemoEvent(Key.TEACHER_PANEL, "Fokusgrupp: läsning i årskurs 4–6", Event.Kind.FOCUS_GROUP, -25, 15, 2, False, 8,
              link="https://moten.inspira.example/fokusgrupp-lasning",
              description="Hur arbetar ni med läsförståelse, och vad behöver ni för stöd?",
              registered=("fridhem", "rinkeby", "farsta", "satra", "vallingby")),
    DemoEvent(Key.TEACHER_PANEL, "Fokusgrupp: elevernas närvaro", Event.Kind.FOCUS_GROUP, 14, 15, 2, False, 6,
              link="https://moten.inspira.example/fokusgrupp-narvaro",
              description="Ett samtal i liten grupp om frånvaro och vad som får elever att komma tillbaka.",
              registered=("katarina", "fridhem", "rinkeby", "alsten", "aspudden", "vallingby"),
              waiting=("farsta", "satra")),
    DemoEvent(Key.TEACHER_PANEL, "Samtal med skolborgarrådet om lärarnas arbetstid", Event.Kind.CHAT, 6, 16, 1,
              True, 50, link="https://moten.inspira.example/samtal-skolborgarradet",
              description="Ett digitalt samtal där lärare ställer frågor direkt till skolborgarrådet.",
              registered=("alsten", "farsta", "kontakt.fridhem")),
    # Cooperation for the best school: a process leaders' meeting behind, a seminar on carrying the work on
    # ahead. The programme's closing seminar, held last week, is made by inspira.efforts.demo with the programme.
    DemoEvent(Key.COOPERATION, "Processledarträff: analys av resultaten", Event.Kind.SEMINAR, -60, 9, 3, False, 20,
              place="Utbildningsförvaltningen, Hantverkargatan 2F",
              description="Processledarna och skolledarna går igenom resultaten och väljer utvecklingsområden.",
              registered=("rektor.rinkeby", "rektor.farsta", "rektor.skarpnack")),
    DemoEvent(Key.COOPERATION, "Seminarium: att hålla i utvecklingsarbetet efter Samverkan för bästa skola",
              Event.Kind.SEMINAR, 45, 9, 6, True, 60, place="Folkets hus, Barnhusgatan 12",
              description="Hur håller vi i det vi byggt upp under tre år? Skolenheterna delar sina planer framåt. "
                          "Öppet för alla som arbetar i skolan.",
              registered=("rektor.rinkeby", "rektor.farsta", "rektor.skarpnack", "rinkeby", "farsta")),
)

SURVEY_TITLE = f"Utvärdering: {SITE_DAY}"
SURVEY_QUESTIONS = (
    {"kind": Question.Kind.SCALE, "text": "Hur nöjd är du med dagen som helhet?"},
    {"kind": Question.Kind.SINGLE, "text": "Tar du med dig något du vill prova på din skola?",
     "choices": ["Ja", "Nej", "Vet inte"]},
    {"kind": Question.Kind.SCALE, "text": "Hur väl motsvarade innehållet dina förväntningar?"},
    {"kind": Question.Kind.TEXT, "text": "Vad var mest värdefullt?", "required": False},
)
# One answer per participant who came (scale, choice, scale, free text): enough alike that some counts
# reach the threshold of five and show as figures, and five free texts, all approved.
SURVEY_ANSWERS = (
    (5, "Ja", 4, "Att höra hur en skola planerar besöksdagen tillsammans med eleverna."),
    (5, "Ja", 5, "Samtalen i små grupper med lärare från andra skolor."),
    (4, "Ja", 4, "Tiden att prata med de andra inspirationsplatserna."),
    (5, "Ja", 5, "Konkreta exempel på hur man följer upp ett besök."),
    (4, "Vet inte", 4, ""),
    (5, "Ja", 5, "Att få se elevernas egna presentationer av besöken."),
    (4, "Ja", 3, ""),
    (5, "Nej", 4, ""),
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _school_day(day: datetime.date, *, later: bool, closed: dict) -> datetime.date:
    """``day``, or the nearest weekday outside the municipality's breaks in the same direction from today
    (a meeting behind stays behind, one ahead stays ahead): teachers meet on school days."""
    step = datetime.timedelta(days=1 if later else -1)
    while day.weekday() >= 5 or day in closed:
        day += step
    return day


def _schools(users) -> dict[int, int]:
    """Each person's school (their confirmed membership), which a registration counts against."""
    pairs = Membership.objects.filter(user__in=users, confirmed_at__isnull=False).order_by("pk")
    schools: dict[int, int] = {}
    for user_id, school_id in pairs.values_list("user_id", "school_id"):
        schools.setdefault(user_id, school_id)
    return schools


def _register(event: Event, spec: DemoEvent, people: dict[str, User], schools: dict[int, int], now) -> int:
    """The registrations as the participants made them over the days after the event was announced:
    confirmed while there are places, then on the waiting list; on an event that is over, attendance
    marked the same evening."""
    if event.registrations.exists():
        return 0
    over = event.ends_at <= now
    first = min(event.starts_at - datetime.timedelta(days=14), now - datetime.timedelta(days=2))
    rows = []
    for n, name in enumerate((*spec.registered, *spec.waiting)):
        person = people[name]
        confirmed = name in spec.registered
        marked = over and confirmed
        rows.append(Registration(
            event=event, user=person, school_id=schools.get(person.pk), status=Registration.Status.CONFIRMED
            if confirmed else Registration.Status.WAITING, created_at=first + datetime.timedelta(hours=5 * n),
            attended=(name not in ABSENT) if marked else None,
            attendance_marked_at=event.ends_at + datetime.timedelta(hours=1) if marked else None,
        ))
    Registration.objects.bulk_create(rows)
    return len(rows)


def _evaluate(event: Event, coordinator: User, people: dict[str, User], clock: Clock) -> bool:
    """The evaluation of the site day: opened as the day ended, sent to those who came, answered over
    the following days, closed after a week; the free texts approved. Made at those times."""
    programme = event.programme
    if Survey.objects.filter(programme=programme, title=SURVEY_TITLE).exists():
        return False
    ended = timezone.localtime(event.ends_at)
    clock.set(ended.date(), ended.hour)
    closes_at = _at(ended.date() + datetime.timedelta(days=8), 0)
    survey = surveys.survey_create(
        programme=programme, title=SURVEY_TITLE, closes_at=closes_at, actor=coordinator,
        intro="Tack för att du kom! Dina svar är anonyma och hjälper oss att planera nästa inspirationsdag.",
        questions=SURVEY_QUESTIONS)
    surveys.survey_open(survey=survey, actor=coordinator, now=clock.at)
    came = [people[name] for name in event_attendees(event)]
    invitations = surveys.survey_invite(survey=survey, users=came, now=clock.at)
    questions = list(survey.questions.prefetch_related("choices").order_by("position"))
    for n, (invitation, (overall, takes, expected, text)) in enumerate(zip(invitations, SURVEY_ANSWERS, strict=True)):
        choice = next(c.pk for c in questions[1].choices.all() if c.text == takes)
        answered = clock.set(ended.date() + datetime.timedelta(days=1 + n // 3), 8 + n)
        surveys.survey_answer(token=surveys.invitation_token(invitation), now=answered, answers={
            questions[0].pk: overall, questions[1].pk: choice, questions[2].pk: expected, questions[3].pk: text})
    clock.set(closes_at.date() + datetime.timedelta(days=1), 9)
    for answer in Answer.objects.filter(question=questions[3]).order_by("text"):
        surveys.free_text_review(answer=answer, approved=True, actor=coordinator)
    return True


def event_attendees(event: Event) -> list[str]:
    """The short names (``PEOPLE``) of those marked as having come to ``event``."""
    emails = set(event.registrations.filter(attended=True).values_list("user__email", flat=True))
    return [name for name, email in PEOPLE.items() if email in emails]


def load(*, stdout=None) -> None:
    programmes = {p.key: p for p in Programme.objects.all()}
    coordinators = {user.email: user for user in User.objects.filter(email__in=COORDINATORS.values())}
    people = {user.email: user for user in User.objects.filter(email__in=PEOPLE.values())}
    people = {name: people[email] for name, email in PEOPLE.items()}
    schools = _schools(people.values())
    district = District.objects.order_by("name").first()
    today = timezone.localdate()
    now = timezone.now()
    closed = closed_days(None, today - datetime.timedelta(days=150), today + datetime.timedelta(days=150))
    created = registered = 0
    events = {}
    for spec in EVENTS:
        programme = programmes[spec.programme]
        event = Event.objects.filter(programme=programme, title=spec.title).first()
        if event is None:
            day = _school_day(today + datetime.timedelta(days=spec.days), later=spec.days > 0, closed=closed)
            starts = _at(day, spec.hour)
            event = event_create(
                programme=programme, actor=coordinators[COORDINATORS[spec.programme]], title=spec.title,
                kind=spec.kind, description=spec.description, starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=spec.hours), place=spec.place, online_link=spec.link,
                district=district if spec.public else None, capacity=spec.capacity,
                quota_per_school=4 if spec.public else None, is_public=spec.public,
                registration_closes_at=_at(day - datetime.timedelta(days=3), 12) if spec.days > 3 else None,
                cancellation_deadline=_at(day - datetime.timedelta(days=2), 12) if spec.days > 2 else None,
            )
            created += 1
        registered += _register(event, spec, people, schools, now)
        events[spec.title] = event
    if stdout is not None and (created or registered):
        stdout.write(f"Created {created} events of every programme, with {registered} registrations.")
    site_day = events[SITE_DAY]
    if site_day.ends_at <= now:
        with pinned_clock(today) as clock, transaction.atomic():
            evaluated = _evaluate(site_day, coordinators[COORDINATORS[Key.INSPIRATION_SITES]], people, clock)
        if evaluated and stdout is not None:
            stdout.write(f"Evaluated {SITE_DAY!r}: a closed survey with {len(SURVEY_ANSWERS)} answers.")
