"""The bulk invitation counts the panel's survey list uses: one query for any number of surveys."""

import pytest
from django.utils import timezone

from inspira.surveys.models import Invitation
from inspira.surveys.selectors import invitation_counts, survey_invitation_counts
from tests.factories import SurveyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_counts_match_the_single_survey_selector_in_one_query(django_assert_num_queries):
    surveys = [SurveyFactory() for _ in range(3)]
    for n, survey in enumerate(surveys[:2]):
        for k in range(n + 2):
            Invitation.objects.create(survey=survey, user=UserFactory(), token_hash=f"{n}-{k}", answered=k == 0,
                                      invited_at=timezone.now())
    with django_assert_num_queries(1):
        counts = invitation_counts(surveys)
    assert counts == {s.pk: survey_invitation_counts(s) for s in surveys}
    assert counts[surveys[2].pk] == {"invited": 0, "answered": 0}
    assert counts[surveys[1].pk] == {"invited": 3, "answered": 1}
