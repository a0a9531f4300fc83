"""One support per member and question under concurrency: 20 threads supporting at once leave one row
(the unique constraint holds it; the loser's IntegrityError is caught in a savepoint), and 20
different members leave 20."""

import importlib

import pytest
from django.apps import apps

from inspira.panel import chats
from inspira.panel.models import ChatQuestion, ChatSupport
from tests.panel.factories import ChatQuestionFactory, MemberFactory
from tests.race import race

programmes_migration = importlib.import_module("inspira.programmes.migrations.0002_the_five_programmes")
school_forms_migration = importlib.import_module("inspira.schools.migrations.0002_school_forms")
panel_migration = importlib.import_module("inspira.panel.migrations.0002_subjects_and_consent")
THREADS = 20


class _Never(Exception):
    pass


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    # A transactional test empties the tables afterwards; put back what the migrations made.
    school_forms_migration.create_school_forms(apps, None)
    programmes_migration.create(apps, None)
    panel_migration.forwards(apps, None)


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
