"""Chat questions: states and transitions, one support per member, counts from the rows, pinning,
answers by the leaders only, the transcript after the chat, follow-ups with working-day deadlines."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from inspira.core.audit import AuditEvent
from inspira.core.workdays import working_days_after
from inspira.panel import chats
from inspira.panel.models import Chat, ChatQuestion, ChatSupport
from tests.factories import UserFactory
from tests.panel.factories import ChatFactory, ChatQuestionFactory, MemberFactory, chat_event, coordinator

pytestmark = pytest.mark.django_db
State = ChatQuestion.State


def _approved(chat, **fields):
    return ChatQuestionFactory(chat=chat, state=State.APPROVED, **fields)


def test_chat_create_makes_the_panel_event_and_the_chat():
    boss, leader = coordinator(), UserFactory()
    start = timezone.now() + timedelta(days=3)
    chat = chats.chat_create(actor=boss, title="Chatt med skolborgarrådet", starts_at=start,
                             ends_at=start + timedelta(hours=1), leadership=Chat.Leadership.COMMISSIONER,
                             leaders=[leader], online_link="https://meet.example.se/chatt")
    assert chat.event.programme.key == "teacher_panel" and chat.event.kind == "chat"
    assert list(chat.leaders.all()) == [leader]
    assert AuditEvent.objects.filter(action="panel.chat_created").count() == 1
    with pytest.raises(PermissionError):
        chats.chat_create(actor=MemberFactory().user, title="x", starts_at=start, ends_at=start + timedelta(hours=1),
                          leadership=Chat.Leadership.DIRECTORS)


def test_members_ask_before_and_during_but_not_after_the_chat():
    chat = ChatFactory()
    asker = MemberFactory().user
    question = chats.question_ask(chat=chat, actor=asker, text="  Varför?  ")
    assert question.state == State.RECEIVED and question.text == "Varför?"
    chats.question_ask(chat=chat, actor=asker, text="Under chatten", now=chat.event.starts_at + timedelta(minutes=5))
    with pytest.raises(chats.ChatError):
        chats.question_ask(chat=chat, actor=asker, text="För sent", now=chat.event.ends_at + timedelta(minutes=1))
    with pytest.raises(PermissionError):
        chats.question_ask(chat=chat, actor=UserFactory(), text="Inte medlem")
    with pytest.raises(chats.ChatError):
        chats.question_ask(chat=chat, actor=asker, text="   ")


def test_one_support_per_member_and_counts_from_rows():
    question = _approved(ChatFactory())
    supporter = MemberFactory().user
    assert chats.question_support(question=question, actor=supporter) is True
    assert chats.question_support(question=question, actor=supporter) is False
    assert ChatSupport.objects.filter(question=question).count() == 1
    assert chats.visible_questions(question.chat).get().support_count == 1
    assert chats.support_withdraw(question=question, actor=supporter) is True
    assert chats.visible_questions(question.chat).get().support_count == 0


def test_received_questions_cannot_be_supported():
    question = ChatQuestionFactory()
    with pytest.raises(chats.ChatError):
        chats.question_support(question=question, actor=MemberFactory().user)


def test_moderator_approves_declines_with_reason_and_only_once():
    boss = coordinator()
    chat = ChatFactory()
    first, second = ChatQuestionFactory(chat=chat), ChatQuestionFactory(chat=chat)
    assert chats.question_approve(question=first, actor=boss).state == State.APPROVED
    with pytest.raises(chats.ChatError):
        chats.question_approve(question=first, actor=boss)
    with pytest.raises(chats.ChatError):
        chats.question_decline(question=second, actor=boss, reason=" ")
    declined = chats.question_decline(question=second, actor=boss, reason="Utanför chattens ämne")
    assert declined.state == State.DECLINED and declined.decline_reason == "Utanför chattens ämne"
    with pytest.raises(PermissionError):
        chats.question_approve(question=ChatQuestionFactory(chat=chat), actor=MemberFactory().user)
    assert AuditEvent.objects.filter(action__startswith="panel.chat_question").count() == 2


def test_merged_questions_supports_count_on_the_question_they_went_into():
    boss = coordinator()
    chat = ChatFactory()
    target, other = _approved(chat), _approved(chat)
    for _ in range(2):
        chats.question_support(question=other, actor=MemberFactory().user)
    chats.question_support(question=target, actor=MemberFactory().user)
    chats.question_merge(question=other, into=target, actor=boss)
    other.refresh_from_db()
    assert other.state == State.MERGED and other.merged_into == target
    assert [q.support_count for q in chats.visible_questions(chat)] == [3]
    with pytest.raises(chats.ChatError):
        chats.question_merge(question=_approved(chat), into=_approved(ChatFactory()), actor=boss)


def test_pinning_unpins_the_previous_question():
    boss = coordinator()
    chat = ChatFactory()
    first, second = _approved(chat), _approved(chat)
    chats.question_pin(question=first, actor=boss)
    chats.question_pin(question=second, actor=boss)
    assert list(chat.questions.filter(pinned=True)) == [second]
    with pytest.raises(chats.ChatError):
        chats.question_pin(question=ChatQuestionFactory(chat=chat), actor=boss)


def test_only_leaders_answer_and_the_moderator_marks_answered():
    boss, leader = coordinator(), UserFactory()
    chat = ChatFactory()
    chat.leaders.add(leader)
    question, spoken = _approved(chat), _approved(chat)
    with pytest.raises(PermissionError):
        chats.leader_answer(question=question, actor=boss, answer="Nej")
    with pytest.raises(chats.ChatError):
        chats.leader_answer(question=question, actor=leader, answer="")
    answered = chats.leader_answer(question=question, actor=leader, answer="Vi ser över det.")
    assert answered.state == State.ANSWERED and answered.answered_by == leader and answered.answer
    marked = chats.question_mark_answered(question=spoken, actor=boss)
    assert marked.state == State.ANSWERED and marked.answer == ""
    with pytest.raises(chats.ChatError):
        chats.leader_answer(question=ChatQuestionFactory(chat=chat), actor=leader, answer="x")


def test_transcript_only_after_the_chat_with_answers_in_order():
    boss, leader = coordinator(), UserFactory()
    chat = ChatFactory()
    chat.leaders.add(leader)
    first, second = _approved(chat), _approved(chat)
    ChatQuestionFactory(chat=chat, state=State.DECLINED, decline_reason="x")
    chats.leader_answer(question=second, actor=leader, answer="Svar")
    with pytest.raises(chats.ChatError):
        chats.transcript_publish(chat=chat, actor=boss)
    published = chats.transcript_publish(chat=chat, actor=boss, now=chat.event.ends_at + timedelta(minutes=1))
    assert published.transcript_published_at is not None
    assert [q.pk for q in chats.transcript(chat)] == [first.pk, second.pk]
    with pytest.raises(PermissionError):
        chats.transcript_publish(chat=chat, actor=leader, now=chat.event.ends_at + timedelta(minutes=1))


@override_settings(INSPIRA_PANEL_ANSWER_WORKING_DAYS=3)
def test_followups_get_an_owner_and_a_deadline_in_working_days_and_the_owner_answers():
    boss, leader = coordinator(), UserFactory()
    # Ended on Thursday before Easter 2026: Good Friday and Easter Monday are not working days.
    ended = timezone.make_aware(timezone.datetime(2026, 4, 2, 16, 0))
    chat = ChatFactory(event=chat_event(starts_at=ended - timedelta(hours=1), ends_at=ended))
    chat.leaders.add(leader)
    question = _approved(chat)
    with pytest.raises(chats.ChatError):
        chats.followup_assign(question=question, owner=leader, actor=boss, now=ended - timedelta(minutes=5))
    with pytest.raises(chats.ChatError):
        chats.followup_assign(question=question, owner=MemberFactory().user, actor=boss, now=ended)
    assigned = chats.followup_assign(question=question, owner=leader, actor=boss, now=ended)
    assert assigned.owner == leader
    assert assigned.due_on == date(2026, 4, 9) == working_days_after(date(2026, 4, 2), 3)
    assert list(chats.open_questions(chat)) == [assigned]
    answered = chats.leader_answer(question=question, actor=leader, answer="Skriftligt svar")
    assert answered.state == State.ANSWERED
    assert list(chats.open_questions(chat)) == []
    assert [q.answer for q in chats.transcript(chat)] == ["Skriftligt svar"]
