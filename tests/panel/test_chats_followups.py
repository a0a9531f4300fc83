"""The second step of the chats: a new chat (coordinators), publishing the transcript after the end, the
follow-ups with owners, deadlines and the owners' answers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from inspira.core.models import AuditEvent, OutboxItem
from inspira.panel.models import Chat, ChatQuestion
from tests.factories import UserFactory
from tests.panel.factories import ChatFactory, ChatQuestionFactory, MemberFactory, chat_event, coordinator

pytestmark = pytest.mark.django_db
State = ChatQuestion.State


def _ended_chat(**fields):
    start = timezone.now() - timedelta(hours=3)
    return ChatFactory(event=chat_event(starts_at=start, ends_at=start + timedelta(hours=1)), **fields)


# --- a new chat --------------------------------------------------------------------------------------------

def _new_data(**fields):
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    data = {"title": "Chatt med skolborgarrådet", "description": "", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "place": "",
            "online_link": "https://exempel.se/chatt", "leadership": Chat.Leadership.COMMISSIONER, "leaders": ""}
    data.update(fields)
    return data


def test_only_coordinators_create_chats(client):
    coordinator()
    client.force_login(MemberFactory().user)
    assert client.get(reverse("panel:chat_new")).status_code == 403
    assert client.post(reverse("panel:chat_new"), _new_data()).status_code == 403
    assert not Chat.objects.exists()
    assert reverse("panel:chat_new") not in client.get(reverse("panel:chats")).content.decode()
    client.force_login(coordinator())
    assert reverse("panel:chat_new") in client.get(reverse("panel:chats")).content.decode()


def test_coordinator_creates_a_chat_with_leaders(client):
    user = coordinator()
    leader = UserFactory(email="borgarrad@exempel.se")
    client.force_login(user)
    response = client.post(reverse("panel:chat_new"), _new_data(leaders="Borgarrad@exempel.se\n"))
    chat = Chat.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("panel:chat", args=[chat.pk])
    assert list(chat.leaders.all()) == [leader]
    assert chat.event.online_link == "https://exempel.se/chatt"
    assert AuditEvent.objects.filter(action="panel.chat_created", actor=user).exists()


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"leaders": "ingen@exempel.se"}, "leaders", "ingen@exempel.se"),
    ({"online_link": "", "place": ""}, "online_link", ""),
    ({"title": ""}, "title", ""),
])
def test_bad_input_gives_a_message_at_the_field_and_saves_nothing(client, fields, field, message):
    client.force_login(coordinator())
    response = client.post(reverse("panel:chat_new"), _new_data(**fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Chat.objects.exists()


def test_a_chat_must_end_after_it_starts(client):
    client.force_login(coordinator())
    data = _new_data()
    data["ends_at"] = data["starts_at"]
    response = client.post(reverse("panel:chat_new"), data)
    assert "ends_at" in response.context["form"].errors
    assert not Chat.objects.exists()


# --- publishing the transcript ----------------------------------------------------------------------------

def test_transcript_is_published_only_after_the_end(client):
    user = coordinator()
    chat = ChatFactory()
    client.force_login(user)
    url = reverse("panel:chat_transcript_publish", args=[chat.pk])
    assert url not in client.get(reverse("panel:chat_moderate", args=[chat.pk])).content.decode()
    client.post(url)
    chat.refresh_from_db()
    assert chat.transcript_published_at is None
    ended = _ended_chat()
    url = reverse("panel:chat_transcript_publish", args=[ended.pk])
    assert url in client.get(reverse("panel:chat_moderate", args=[ended.pk])).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.transcript_published_at is not None
    assert AuditEvent.objects.filter(action="panel.chat_transcript_published", actor=user).count() == 1


def test_members_cannot_publish_and_get_is_refused(client):
    chat = _ended_chat()
    client.force_login(MemberFactory().user)
    assert client.post(reverse("panel:chat_transcript_publish", args=[chat.pk])).status_code == 403
    client.force_login(coordinator())
    assert client.get(reverse("panel:chat_transcript_publish", args=[chat.pk])).status_code == 405
    chat.refresh_from_db()
    assert chat.transcript_published_at is None


# --- follow-ups ---------------------------------------------------------------------------------------------

def test_followups_are_for_coordinators_and_owners(client):
    chat = _ended_chat()
    ChatQuestionFactory(chat=chat, state=State.APPROVED)
    url = reverse("panel:chat_followups", args=[chat.pk])
    client.force_login(MemberFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(coordinator())
    assert client.get(url).status_code == 200


def test_assign_owner_sets_a_deadline_and_owner_answers_onto_the_transcript(client):
    user = coordinator()
    leader = UserFactory()
    chat = _ended_chat()
    chat.leaders.add(leader)
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    other = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    url = reverse("panel:chat_followups", args=[chat.pk])
    client.force_login(user)
    assert client.post(url, {"question": question.pk, "action": "assign", "owner": leader.pk}).status_code == 302
    question.refresh_from_db()
    assert question.owner == leader and question.due_on is not None and question.due_on > timezone.localdate()
    assert AuditEvent.objects.filter(action="panel.chat_followup_assigned", actor=user).exists()
    # Someone who is neither a coordinator nor a leader cannot be the owner.
    stranger = UserFactory()
    client.post(url, {"question": other.pk, "action": "assign", "owner": stranger.pk})
    other.refresh_from_db()
    assert other.owner is None
    # The owner sees their own question only, and answers it; the leaders' page links to it.
    client.force_login(leader)
    assert url in client.get(reverse("panel:chat_lead", args=[chat.pk])).content.decode()
    page = client.get(url).content.decode()
    assert question.text in page and other.text not in page
    client.post(url, {"question": question.pk, "action": "answer", "answer": "Vi återkommer med en plan."})
    question.refresh_from_db()
    assert question.state == State.ANSWERED and question.answered_by == leader
    chat.transcript_published_at = timezone.now()
    chat.save()
    client.force_login(MemberFactory().user)
    assert "Vi återkommer med en plan." in client.get(reverse("panel:chat_transcript", args=[chat.pk])).content.decode()


def test_only_the_owner_answers_from_the_followups_page(client):
    chat = _ended_chat()
    owner = coordinator()
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED, owner=owner,
                                   due_on=timezone.localdate() + timedelta(days=5))
    other = coordinator()
    client.force_login(other)
    url = reverse("panel:chat_followups", args=[chat.pk])
    assert client.post(url, {"question": question.pk, "action": "answer", "answer": "Svar"}).status_code == 403
    question.refresh_from_db()
    assert question.state == State.APPROVED


def test_followups_are_set_only_after_the_end(client):
    chat = ChatFactory()
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    user = coordinator()
    client.force_login(user)
    client.post(reverse("panel:chat_followups", args=[chat.pk]),
                {"question": question.pk, "action": "assign", "owner": user.pk})
    question.refresh_from_db()
    assert question.owner is None


def test_overdue_is_said_in_text(client):
    chat = _ended_chat()
    owner = coordinator()
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED, owner=owner,
                                   due_on=timezone.localdate() + timedelta(days=1))
    client.force_login(owner)
    url = reverse("panel:chat_followups", args=[chat.pk])
    assert "(försenat)" not in client.get(url).content.decode()
    question.due_on = timezone.localdate() - timedelta(days=1)
    question.save()
    assert "(försenat)" in client.get(url).content.decode()


def test_followups_page_has_constant_queries(client, django_assert_num_queries):
    chat = _ended_chat()
    user = coordinator()
    client.force_login(user)
    url = reverse("panel:chat_followups", args=[chat.pk])

    def add(n):
        for _ in range(n):
            leader = UserFactory()
            chat.leaders.add(leader)
            ChatQuestionFactory(chat=chat, state=State.APPROVED, owner=leader,
                                due_on=timezone.localdate() - timedelta(days=1))

    add(1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10)
    with django_assert_num_queries(len(few)):
        client.get(url)


def test_a_new_owner_is_emailed_what_to_answer_and_by_when(client):
    user, leader = coordinator(), UserFactory(email="ledare@exempel.se")
    chat = _ended_chat()
    chat.leaders.add(leader)
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED, text="Hur blir det med lönerna?")
    url = reverse("panel:chat_followups", args=[chat.pk])
    client.force_login(user)
    client.post(url, {"question": question.pk, "action": "assign", "owner": leader.pk})
    question.refresh_from_db()
    emails = OutboxItem.objects.filter(kind="email", key__startswith="panel-chat-followup:")
    assert [item.payload["to"] for item in emails.all()] == [["ledare@exempel.se"]]
    text = emails.get().payload["text"]
    assert "Hur blir det med lönerna?" in text and chat.event.title in text
    assert date_format(question.due_on, "j F Y") in text and url in text
    assert chat.event.title in emails.get().payload["subject"]
    # Setting the same owner again sends nothing; a new owner is told in turn.
    client.post(url, {"question": question.pk, "action": "assign", "owner": leader.pk})
    assert emails.count() == 1
    client.post(url, {"question": question.pk, "action": "assign", "owner": user.pk})
    assert emails.count() == 2 and emails.filter(payload__to=[user.email]).exists()


def test_the_chat_page_links_the_transcript_and_followups_after_the_end(client):
    owner = UserFactory()
    chat = _ended_chat()
    chat.leaders.add(owner)
    ChatQuestionFactory(chat=chat, state=State.APPROVED, owner=owner, due_on=timezone.localdate())
    page_url = reverse("panel:chat", args=[chat.pk])
    followups = reverse("panel:chat_followups", args=[chat.pk])
    transcript = reverse("panel:chat_transcript", args=[chat.pk])
    client.force_login(owner)
    page = client.get(page_url).content.decode()
    assert f'href="{followups}"' in page and f'href="{transcript}"' not in page  # not published yet
    client.force_login(MemberFactory().user)
    page = client.get(page_url).content.decode()
    assert f'href="{followups}"' not in page and f'href="{transcript}"' not in page
    chat.transcript_published_at = timezone.now()
    chat.save()
    assert f'href="{transcript}"' in client.get(page_url).content.decode()
    client.force_login(coordinator())
    page = client.get(page_url).content.decode()
    assert f'href="{followups}"' in page and f'href="{transcript}"' in page
    # While the chat is on, neither.
    live = ChatFactory()
    assert f'href="{reverse("panel:chat_followups", args=[live.pk])}"' not in client.get(
        reverse("panel:chat", args=[live.pk])).content.decode()
