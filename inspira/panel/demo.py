"""The demo's teacher panel: the demo teachers joined over the past months (one has left again), a short
survey went to every member and closed with enough answers for its results to show figures, a chat with
the school commissioner was held three weeks ago (its transcript published, two approved questions left
unanswered, each given an owner and a deadline), and members raised a question and shared a good example.

Everything goes through the panel's services, at the times it stands for (``core.democlock``), by the
panel's coordinator (``inspira.events.demo.COORDINATORS``) and the demo's director as the chat's leader.
Safe to run again: nothing is made when the demo's chat already exists.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.core.democlock import pinned_clock
from inspira.events.demo import COORDINATORS, PEOPLE, TEACHERS
from inspira.panel import chats, membership, submissions
from inspira.panel import surveys as panel_surveys
from inspira.panel.models import Chat, Member, Subject
from inspira.programmes.catalog import Key
from inspira.surveys import services as engine
from inspira.surveys.models import Question

CHAT_TITLE = "Chatt med skolborgarrådet om arbetsmiljön"
SURVEY_TITLE = "Kort enkät: digitala verktyg i undervisningen"
DIRECTOR = "direktor@inspira.example"
# (short name in events.demo.PEOPLE, days ago they joined, subjects, how often they may be asked)
JOINED = (
    ("katarina", 300, ("Svenska", "Historia"), 30),
    ("fridhem", 260, ("Matematik", "Fysik"), 30),
    ("rinkeby", 210, ("Svenska som andraspråk", "Samhällskunskap"), 14),
    ("farsta", 180, ("Engelska",), 60),
    ("alsten", 150, ("Bild", "Slöjd"), 30),
    ("aspudden", 120, ("Idrott och hälsa",), 30),
    ("satra", 90, ("Specialpedagogik",), 120),
    ("vallingby", 75, ("Biologi", "Kemi"), 30),
)
LEFT = "farsta"  # left the panel again, two months after joining
# One answer per member asked (scale, choice): alike enough for counts of five to show as figures.
ANSWERS = ((4, "Varje vecka"), (4, "Varje vecka"), (5, "Varje dag"), (4, "Varje vecka"), (3, "Varje vecka"),
           (4, "Varje vecka"))
CHAT_QUESTIONS = (
    # (who asks, the question, approved?, the leader's answer during the chat, or "" when left open)
    ("katarina", "Hur ska lärarnas administrativa arbete minska under nästa år?", True,
     "Vi ser över dokumentationskraven tillsammans med rektorerna och återkommer före sommaren."),
    ("rinkeby", "Kommer fler skolor att få stöd av lärarassistenter?", True,
     "Ja, budgeten för lärarassistenter ökar nästa år och fördelas efter skolornas behov."),
    ("alsten", "Hur följer förvaltningen upp arbetsmiljön i förskoleklassen?", True, ""),
    ("vallingby", "Vad händer med kompetensutvecklingen i naturvetenskap?", True, ""),
    ("fridhem", "Kan lärare få mer tid för kollegialt lärande?", False, ""),
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _join(people: dict[str, User], today: datetime.date, clock) -> dict[str, Member]:
    subjects = {s.name: s for s in Subject.objects.all()}
    members = {}
    for name, days_ago, subject_names, every in JOINED:
        user = people[name]
        school = (Membership.objects.filter(user=user, confirmed_at__isnull=False).select_related("school")
                  .order_by("pk").first().school)
        clock.set(today - datetime.timedelta(days=days_ago), 15)
        members[name] = membership.member_join(
            user=user, school_form=school.school_forms.order_by("position").first(), district=school.district,
            subjects=[subjects[s] for s in subject_names], frequency_days=every, focus_groups=name != "satra",
            consent_text=membership.latest_consent_text(), now=clock.at)
    clock.set(today - datetime.timedelta(days=JOINED[3][1] - 60), 9)
    membership.member_leave(member=members.pop(LEFT), now=clock.at)
    return members


def _survey(coordinator: User, members: dict[str, Member], today: datetime.date, clock) -> None:
    sent = clock.set(today - datetime.timedelta(days=40), 9)
    survey = panel_surveys.panel_survey_create(
        title=SURVEY_TITLE, closes_at=_at(sent.date() + datetime.timedelta(days=8), 0), actor=coordinator,
        intro="Fem minuter om hur du använder digitala verktyg. Dina svar är anonyma.", now=sent)
    scale = engine.question_add(survey=survey, kind=Question.Kind.SCALE,
                                text="Hur väl fungerar de digitala verktygen i din undervisning?")
    choice = engine.question_add(survey=survey, kind=Question.Kind.SINGLE,
                                 text="Hur ofta använder eleverna digitala verktyg på dina lektioner?",
                                 choices=["Varje dag", "Varje vecka", "Sällan"])
    panel_surveys.survey_draw(survey=survey, actor=coordinator, seed=2026, now=sent)
    panel_surveys.survey_send(survey=survey, actor=coordinator, now=sent)
    choices = {c.text: c.pk for c in choice.choices.all()}
    invitations = list(survey.invitations.order_by("pk"))
    for n, (invitation, (rating, often)) in enumerate(zip(invitations, ANSWERS, strict=False)):
        answered = clock.set(sent.date() + datetime.timedelta(days=1 + n // 2), 16 + n % 2)
        engine.survey_answer(token=engine.invitation_token(invitation), now=answered,
                             answers={scale.pk: rating, choice.pk: choices[often]})
    # It closes by itself at its closing time, eight days after it was sent.


def _chat(coordinator: User, leader: User, people: dict[str, User], today: datetime.date, clock) -> None:
    clock.set(today - datetime.timedelta(days=35), 10)
    held = today - datetime.timedelta(days=21)
    chat = chats.chat_create(actor=coordinator, title=CHAT_TITLE, starts_at=_at(held, 16), ends_at=_at(held, 17),
                             leadership=Chat.Leadership.COMMISSIONER, leaders=[leader],
                             online_link="https://moten.inspira.example/chatt-skolborgarradet",
                             description="Skolborgarrådet svarar på lärarnas frågor om arbetsmiljön.")
    asked = []
    for n, (name, text, _approve, _answer) in enumerate(CHAT_QUESTIONS):
        clock.set(held - datetime.timedelta(days=3 - n % 3), 12)
        asked.append(chats.question_ask(chat=chat, actor=people[name], text=text, now=clock.at))
    clock.set(held - datetime.timedelta(days=1), 9)
    for question, (_name, _text, approve, _answer) in zip(asked, CHAT_QUESTIONS, strict=True):
        if approve:
            chats.question_approve(question=question, actor=coordinator)
        else:
            chats.question_decline(question=question, actor=coordinator,
                                   reason="Frågan tas upp i fokusgruppen om kollegialt lärande i vår.")
        question.refresh_from_db()
    for supporter in ("fridhem", "aspudden", "vallingby", "satra"):
        chats.question_support(question=asked[0], actor=people[supporter])
    for supporter in ("katarina", "alsten"):
        chats.question_support(question=asked[2], actor=people[supporter])
    clock.set(held, 16, 20)
    for question, (_name, _text, _approve, answer) in zip(asked, CHAT_QUESTIONS, strict=True):
        if answer:
            chats.leader_answer(question=question, actor=leader, answer=answer, now=clock.at)
    clock.set(held + datetime.timedelta(days=1), 10)
    chats.transcript_publish(chat=chat, actor=coordinator, now=clock.at)
    for question in chats.open_questions(chat):
        chats.followup_assign(question=question, owner=leader, actor=coordinator, now=clock.at)


def _raised(coordinator: User, people: dict[str, User], today: datetime.date, clock) -> None:
    clock.set(today - datetime.timedelta(days=12), 14)
    submissions.submission_create(
        actor=people["aspudden"], kind="question", title="Fler idrottshallar i ytterstaden",
        body="Flera skolor delar på samma hall och idrottslektionerna blir korta. Finns det planer på fler hallar?")
    clock.set(today - datetime.timedelta(days=30), 15)
    example = submissions.submission_create(
        actor=people["katarina"], kind="example", title="Läsloggar i alla ämnen",
        body="Eleverna skriver några rader i en läslogg efter varje lektion, i alla ämnen. Efter en termin läser "
             "fler elever längre texter på egen hand.", channels_consent=True, show_name=True)
    clock.set(today - datetime.timedelta(days=25), 10)
    submissions.submission_set_state(actor=coordinator, submission=example, state="taken_up",
                                     answer="Vi sprider arbetssättet i nästa nyhetsbrev till alla skolor.")
    submissions.answers_publish(actor=coordinator, submission_ids=[example.pk])
    submissions.example_publish(actor=coordinator, submission=example)


def load(*, stdout=None) -> None:
    if Chat.objects.filter(event__title=CHAT_TITLE).exists():
        return
    coordinator = User.objects.get(email=COORDINATORS[Key.TEACHER_PANEL])
    leader = User.objects.get(email=DIRECTOR)
    emails = {PEOPLE[name]: name for name in TEACHERS}
    people = {emails[u.email]: u for u in User.objects.filter(email__in=emails)}
    today = timezone.localdate()
    with pinned_clock(today) as clock, transaction.atomic():
        members = _join(people, today, clock)
        _survey(coordinator, members, today, clock)
        _chat(coordinator, leader, people, today, clock)
        _raised(coordinator, people, today, clock)
    if stdout is not None:
        stdout.write(f"Teacher panel: {len(members)} members, a closed survey, a past chat with its transcript.")
