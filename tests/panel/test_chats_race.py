"""One support per member and question under concurrency: 20 threads supporting at once leave one row
(the unique constraint holds it; the loser's IntegrityError is caught in a savepoint), and 20
different members leave 20."""

import pytest

from inspira.panel import chats
from inspira.panel.models import ChatQuestion, ChatSupport
from tests.panel.factories import ChatQuestionFactory, MemberFactory
from tests.race import race

pytestmark = pytest.mark.usefixtures("panel_reference_data")
THREADS = 20


class _Never(Exception):
    pass


def _count(question) -> int:
    return chats.visible_questions(question.chat).get(pk=question.pk).support_count


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_of_one_member_make_one_support():
    question = ChatQuestionFactory(state=ChatQuestion.State.APPROVED)
    supporter = MemberFactory().user
    outcome = race([lambda: chats.question_support(question=question, actor=supporter)] * THREADS, full=_Never)
    assert outcome.errors == [] and outcome.made == THREADS
    assert ChatSupport.objects.filter(question=question).count() == 1
    assert _count(question) == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_members_at_once_make_twenty_supports():
    question = ChatQuestionFactory(state=ChatQuestion.State.APPROVED)
    people = [MemberFactory().user for _ in range(THREADS)]
    outcome = race([lambda user=user: chats.question_support(question=question, actor=user) for user in people],
                   full=_Never)
    assert outcome.errors == [] and outcome.made == THREADS
    assert _count(question) == THREADS
