"""One support per member and submission under concurrency: 20 threads of one member supporting at once
leave one row (the unique constraint holds it; the loser's IntegrityError is caught in a savepoint), and 20
different members leave 20. Run on PostgreSQL (DATABASE_URL) for real concurrency."""

import pytest

from inspira.panel import submissions as services
from inspira.panel.models import Submission, SubmissionSupport
from tests.panel.factories import MemberFactory, SubmissionFactory
from tests.race import race

pytestmark = pytest.mark.usefixtures("panel_reference_data")
THREADS = 20


class _Never(Exception):
    pass


def _count(submission) -> int:
    return services.with_support_counts(Submission.objects.filter(pk=submission.pk)).get().support_count


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_of_one_member_make_one_support():
    submission = SubmissionFactory()
    supporter = MemberFactory().user
    results = []
    outcome = race([lambda: results.append(services.submission_support(actor=supporter, submission=submission))]
                   * THREADS, full=_Never)
    assert outcome.errors == [] and outcome.made == THREADS
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert SubmissionSupport.objects.filter(submission=submission).count() == 1
    assert _count(submission) == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_members_at_once_make_twenty_supports():
    submission = SubmissionFactory()
    people = [MemberFactory().user for _ in range(THREADS)]
    outcome = race([lambda user=user: services.submission_support(actor=user, submission=submission)
                    for user in people], full=_Never)
    assert outcome.errors == [] and outcome.made == THREADS
    assert SubmissionSupport.objects.filter(submission=submission).count() == THREADS
    assert _count(submission) == THREADS
