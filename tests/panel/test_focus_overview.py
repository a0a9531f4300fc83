"""The coordinators' overview of the panel: membership per month and now (counts only), survey response
rates, open questions by age with the overdue counted, and what the panel has led to; only coordinators
and administrators see it, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.panel import overview
from inspira.panel.models import ChatQuestion, Member, Submission
from tests.factories import DistrictFactory, InvitationFactory, SurveyFactory, UserFactory, programme
from tests.panel.factories import (
    ChatQuestionFactory,
    MemberFactory,
    SubmissionFactory,
    coordinator,
    panel_on,
    school_form,
    teacher,
)

pytestmark = pytest.mark.django_db
URL = reverse("panel:overview")


def test_only_coordinators_and_administrators_see_the_overview(client_for):
    panel_on()
    assert client_for(teacher()).get(URL).status_code == 403
    assert client_for(MemberFactory().user).get(URL).status_code == 403
    assert client_for(coordinator()).get(URL).status_code == 200
    assert client_for(UserFactory(role="administrator")).get(URL).status_code == 200


def _months_ago(n):
    return timezone.now() - timedelta(days=31 * n)


def test_membership_counts_per_month_and_now():
    now = timezone.now()
    MemberFactory(joined_at=now)
    MemberFactory(joined_at=now, district=DistrictFactory(name="Kungsholmen"), school_form=school_form("gymnasieskola"))
    old = MemberFactory(joined_at=_months_ago(3))
    old.ended_at, old.ending = now, Member.Ending.LEFT
    old.save()
    lapsed = MemberFactory(joined_at=_months_ago(3))
    lapsed.ended_at, lapsed.ending = _months_ago(1), Member.Ending.LAPSED
    lapsed.save()
    MemberFactory(joined_at=_months_ago(14))  # before the twelve months: not counted as joined
    months = overview.membership_by_month(now=now)
    assert len(months) == 12
    assert months[-1].month == timezone.localdate(now).replace(day=1)
    assert (months[-1].joined, months[-1].left, months[-1].lapsed) == (2, 1, 0)
    assert sum(m.lapsed for m in months) == 1
    assert sum(m.joined for m in months) == 4
    assert dict(overview.current_by_district(now=now)) == {"Södermalm": 2, "Kungsholmen": 1}
    by_form = dict(overview.current_by_school_form(now=now))
    assert sum(by_form.values()) == 3
    assert by_form[str(school_form("gymnasieskola"))] == 1


def test_survey_response_rates_of_the_panels_surveys_only():
    panel = panel_on()
    survey = SurveyFactory(programme=panel, title="Läxor")
    for answered in (True, True, False, False):
        InvitationFactory(survey=survey, answered=answered)
    SurveyFactory(programme=programme("tailor_made"), title="Annan")
    rows = overview.survey_rates(overview.panel_surveys())
    assert [(r.survey.title, r.invited, r.answered, r.rate) for r in rows] == [("Läxor", 4, 2, 50)]


def test_open_questions_by_age_with_the_overdue_counted():
    now = timezone.now()
    today = timezone.localdate(now)
    SubmissionFactory(created_at=now - timedelta(days=2))
    SubmissionFactory(created_at=now - timedelta(days=10), state=Submission.State.UNDER_REVIEW)
    SubmissionFactory(created_at=now - timedelta(days=40), due_on=today - timedelta(days=5))
    SubmissionFactory(created_at=now - timedelta(days=3), state=Submission.State.ANSWERED)  # not open
    ChatQuestionFactory(created_at=now - timedelta(days=20), state=ChatQuestion.State.APPROVED,
                        due_on=today - timedelta(days=1))
    ChatQuestionFactory(created_at=now - timedelta(days=20), state=ChatQuestion.State.RECEIVED)  # not approved
    rows = overview.open_questions_by_age(now=now)
    assert [(r.submissions, r.chat_questions, r.overdue) for r in rows] == [(1, 0, 0), (1, 0, 0), (0, 1, 1), (1, 0, 1)]


def test_what_the_panel_has_led_to():
    SubmissionFactory(state=Submission.State.TAKEN_UP, title="Mindre administration",
                      state_changed_at=timezone.now() - timedelta(days=1))
    SubmissionFactory(state=Submission.State.TAKEN_UP, title="Fler speciallärare")
    SubmissionFactory(state=Submission.State.ANSWERED)
    count, latest = overview.taken_up()
    assert count == 2
    assert [s.title for s in latest] == ["Fler speciallärare", "Mindre administration"]


def test_the_overview_names_no_member(client_for):
    member = MemberFactory()
    content = client_for(coordinator()).get(URL).content.decode()
    assert member.user.name not in content
    assert member.user.email not in content


def test_the_overview_takes_constant_queries(client_for):
    client = client_for(coordinator())

    def queries():
        client.get(URL)  # fills the caches the factories dropped (the programmes' state, the menu's coordinators)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    panel = panel_on()
    MemberFactory()
    SurveyFactory(programme=panel)
    SubmissionFactory(state=Submission.State.TAKEN_UP)
    ChatQuestionFactory(state=ChatQuestion.State.APPROVED)
    one = queries()
    for _i in range(4):
        MemberFactory(district=DistrictFactory())
        InvitationFactory(survey=SurveyFactory(programme=panel))
        SubmissionFactory(state=Submission.State.TAKEN_UP)
        SubmissionFactory()
        ChatQuestionFactory(state=ChatQuestion.State.APPROVED)
    assert queries() == one
