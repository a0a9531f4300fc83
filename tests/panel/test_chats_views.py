"""The chat pages: who may watch, moderate and answer; the feed's ETag and 304; constant queries
whatever the number of questions."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.panel.models import ChatQuestion, ChatSupport
from inspira.panel.views_chats import FEED_PAGE_SIZE
from tests.factories import UserFactory
from tests.panel.factories import ChatFactory, ChatQuestionFactory, MemberFactory, chat_event, coordinator

pytestmark = pytest.mark.django_db
State = ChatQuestion.State


def _questions(chat, n, supporters):
    for _ in range(n):
        question = ChatQuestionFactory(chat=chat, state=State.APPROVED)
        for user in supporters:
            ChatSupport.objects.create(question=question, user=user)


def test_non_member_cannot_watch_and_member_can(client):
    chat = ChatFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("panel:chat", args=[chat.pk])).status_code == 403
    assert client.get(reverse("panel:chat_feed", args=[chat.pk])).status_code == 403
    client.force_login(MemberFactory().user)
    assert client.get(reverse("panel:chat", args=[chat.pk])).status_code == 200


def test_only_coordinators_moderate_and_only_leaders_answer(client):
    chat = ChatFactory()
    leader = UserFactory()
    chat.leaders.add(leader)
    question = ChatQuestionFactory(chat=chat)
    client.force_login(MemberFactory().user)
    assert client.post(reverse("panel:chat_moderate", args=[chat.pk]),
                       {"question": question.pk, "action": "approve"}).status_code == 403
    assert client.get(reverse("panel:chat_lead", args=[chat.pk])).status_code == 403
    client.force_login(coordinator())
    response = client.post(reverse("panel:chat_moderate", args=[chat.pk]),
                           {"question": question.pk, "action": "approve"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == State.APPROVED
    assert client.get(reverse("panel:chat_lead", args=[chat.pk])).status_code == 403
    client.force_login(leader)
    client.post(reverse("panel:chat_lead", args=[chat.pk]), {"question": question.pk, "answer": "Svaret"})
    question.refresh_from_db()
    assert question.state == State.ANSWERED and question.answer == "Svaret"


def test_member_asks_and_supports_through_the_page(client):
    chat = ChatFactory()
    approved = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    asker = MemberFactory().user
    client.force_login(asker)
    url = reverse("panel:chat", args=[chat.pk])
    assert client.post(url, {"action": "ask", "text": "Hur blir det med lönerna?"}).status_code == 302
    assert ChatQuestion.objects.filter(chat=chat, author=asker, state=State.RECEIVED).exists()
    client.post(url, {"action": "support", "question": approved.pk})
    client.post(url, {"action": "support", "question": approved.pk})
    assert ChatSupport.objects.filter(question=approved).count() == 1
    assert "1 stöder" in client.get(url).content.decode()


def test_feed_etag_and_304_until_something_changes(client):
    chat = ChatFactory()
    question = ChatQuestionFactory(chat=chat)
    client.force_login(MemberFactory().user)
    url = reverse("panel:chat_feed", args=[chat.pk])
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    question.state = State.APPROVED
    question.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and question.text in changed.content.decode()
    assert client.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304
    ChatSupport.objects.create(question=question, user=UserFactory())
    assert client.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 200


def test_transcript_only_after_publishing(client):
    ended = timezone.now() - timedelta(hours=2)
    chat = ChatFactory(event=chat_event(starts_at=ended - timedelta(hours=1), ends_at=ended))
    client.force_login(MemberFactory().user)
    url = reverse("panel:chat_transcript", args=[chat.pk])
    assert client.get(url).status_code == 403
    chat.transcript_published_at = timezone.now()
    chat.save()
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["panel:chat", "panel:chat_feed"])
def test_constant_queries_whatever_the_number_of_questions(client, django_assert_num_queries, name):
    # Each measured request follows a change, so it renders the feed afresh (the cache's copy is the
    # next test's).
    chat = ChatFactory()
    supporters = [UserFactory() for _ in range(3)]
    viewer = MemberFactory().user
    client.force_login(viewer)
    url = reverse(name, args=[chat.pk])
    client.get(url)
    _questions(chat, 2, supporters)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _questions(chat, 15 + FEED_PAGE_SIZE, supporters)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# The feed from the cache: the session, the person, their panel membership, the chat and their supports;
# the page adds its own (the menu's).
@pytest.mark.parametrize("name, queries", [("panel:chat", 8), ("panel:chat_feed", 5)])
def test_watchers_share_one_rendering_until_the_chat_changes(client, name, queries):
    """The second watcher's request, with nothing changed, reads no question: the feed comes from the
    cache, and only the watcher's own supports are read (one query)."""
    chat = ChatFactory()
    supporters = [UserFactory() for _ in range(3)]
    _questions(chat, 3, supporters)
    url = reverse(name, args=[chat.pk])
    client.force_login(MemberFactory().user)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    client.force_login(MemberFactory().user)
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    rendering = [q["sql"] for q in first.captured_queries if '"panel_chatquestion"."text"' in q["sql"]]
    assert rendering, "the first watcher's request renders the questions"
    assert not [q["sql"] for q in second.captured_queries if '"panel_chatquestion"."text"' in q["sql"]]
    assert len(second.captured_queries) == queries < len(first.captured_queries)


def test_each_member_sees_their_own_supports_in_the_shared_feed(client):
    chat = ChatFactory()
    question = ChatQuestionFactory(chat=chat, state=State.APPROVED)
    supporter, other = MemberFactory().user, MemberFactory().user
    ChatSupport.objects.create(question=question, user=supporter)
    url = reverse("panel:chat_feed", args=[chat.pk])
    client.force_login(supporter)
    mine = client.get(url).content.decode()
    client.force_login(other)
    theirs = client.get(url).content.decode()
    assert "Du stöder frågan." in mine and f'name="question" value="{question.pk}"' not in mine
    assert "Du stöder frågan." not in theirs and f'name="question" value="{question.pk}"' in theirs
    # The form's token is the member's own, filled into the shared copy: a browser's post with it counts.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(other)
    form = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', form)[1]
    assert browser.post(reverse("panel:chat", args=[chat.pk]), {
        "csrfmiddlewaretoken": token, "action": "support", "question": question.pk}).status_code == 302
    assert ChatSupport.objects.filter(question=question, user=other).exists()
    # A coordinator who is not a member watches without forms.
    client.force_login(coordinator())
    watching = client.get(url).content.decode()
    assert question.text in watching and "csrfmiddlewaretoken" not in watching


def test_questions_are_paged_most_supported_first(client):
    chat = ChatFactory()
    supporters = [UserFactory() for _ in range(3)]
    popular = ChatQuestionFactory(chat=chat, state=State.APPROVED, text="Den populära frågan")
    for user in supporters:
        ChatSupport.objects.create(question=popular, user=user)
    quiet = [ChatQuestionFactory(chat=chat, state=State.APPROVED) for _ in range(FEED_PAGE_SIZE)]
    client.force_login(MemberFactory().user)
    first = client.get(reverse("panel:chat", args=[chat.pk])).content.decode()
    assert first.index("Den populära frågan") < first.index(quiet[0].text)
    assert quiet[-1].text not in first and "Sida 1 av 2" in first
    second = client.get(reverse("panel:chat_feed", args=[chat.pk]), {"page": 2}).content.decode()
    assert quiet[-1].text in second and "Den populära frågan" not in second
    # The page polls its own page of the feed.
    page_two = client.get(reverse("panel:chat", args=[chat.pk]), {"page": 2}).content.decode()
    assert f'data-feed-url="{reverse("panel:chat_feed", args=[chat.pk])}?page=2"' in page_two
    # Nonsense or numbers past the end give a page, never an error.
    for value in ("x", "0", "-1", "99999999999999999999", "250"):
        assert client.get(reverse("panel:chat_feed", args=[chat.pk]), {"page": value}).status_code == 200
