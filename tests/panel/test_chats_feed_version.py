"""The feed's ETag comes from the chat's version in the cache: any saved or deleted question or support
drops it, so the poll after a change gets the fragment; with the cache down it is counted from the rows."""

from unittest import mock

import pytest
from django.urls import reverse

from inspira.panel import chats
from inspira.panel.models import ChatQuestion
from tests.panel.factories import ChatFactory, ChatQuestionFactory, MemberFactory

pytestmark = pytest.mark.django_db
State = ChatQuestion.State


def _poll(client, chat, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("panel:chat_feed", args=[chat.pk]), headers=headers)


def test_another_members_support_and_withdrawal_change_the_etag(client):
    chat = ChatFactory()
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    client.force_login(MemberFactory().user)
    etag = _poll(client, chat)["ETag"]
    assert _poll(client, chat, etag).status_code == 304
    other = MemberFactory().user
    chats.question_support(question=question, actor=other)
    changed = _poll(client, chat, etag)
    assert changed.status_code == 200 and "1 stöder" in changed.content.decode()
    chats.support_withdraw(question=question, actor=other)
    assert _poll(client, chat, changed["ETag"]).status_code == 200


def test_a_304_poll_reads_no_question(client, django_assert_num_queries):
    chat = ChatFactory()
    ChatQuestionFactory(chat=chat, state=State.APPROVED)
    client.force_login(MemberFactory().user)
    etag = _poll(client, chat)["ETag"]
    _poll(client, chat, etag)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert _poll(client, chat, etag).status_code == 304
    assert not [q for q in queries if "panel_chatquestion" in q["sql"] or "panel_chatsupport" in q["sql"]]


def test_with_the_cache_down_the_etag_is_counted_from_the_rows(client):
    chat = ChatFactory()
    question = ChatQuestionFactory(chat=chat)
    client.force_login(MemberFactory().user)
    with mock.patch("inspira.panel.chats.cache.get", side_effect=ConnectionError), \
            mock.patch("inspira.panel.chats.cache.delete", side_effect=ConnectionError):
        etag = _poll(client, chat)["ETag"]
        assert _poll(client, chat, etag).status_code == 304
        question.state = State.APPROVED
        question.save()
        assert _poll(client, chat, etag).status_code == 200


def test_a_chat_with_supports_can_be_deleted():
    chat = ChatFactory()
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    chats.question_support(question=question, actor=MemberFactory().user)
    chat.event.delete()
    assert not ChatQuestion.objects.filter(pk=question.pk).exists()
