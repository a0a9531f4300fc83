"""The coordinators' queue says in words which open submissions are overdue and which are due within three
working days (counted as the deadline is: weekends and Swedish holidays skipped), not by colour alone."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from inspira.panel import submissions as services
from inspira.panel.models import Submission
from tests.panel.factories import SubmissionFactory, coordinator, panel_on

pytestmark = pytest.mark.django_db
State = Submission.State
# Thursday 17 December 2026. Its third working day after is Tuesday 22 December (the weekend skipped);
THURSDAY = date(2026, 12, 17)


@pytest.mark.parametrize(("due_on", "state", "status"), [
    (date(2026, 12, 16), State.RECEIVED, "overdue"),
    (date(2026, 12, 16), State.UNDER_REVIEW, "overdue"),
    (date(2026, 12, 16), State.ANSWERED, ""),
    (THURSDAY, State.RECEIVED, "due_soon"),
    (date(2026, 12, 22), State.RECEIVED, "due_soon"),
    (date(2026, 12, 23), State.RECEIVED, ""),
    (date(2026, 12, 22), State.DECLINED, ""),
])
def test_the_status_counts_working_days_and_only_for_open_submissions(due_on, state, status):
    assert services.deadline_status(SubmissionFactory.build(due_on=due_on, state=state), THURSDAY) == status


def test_christmas_is_not_counted():
    tuesday = date(2026, 12, 22)
    # Working days after 22 December: 23, 28, 29 December (julafton, juldagen and the weekend skipped).
    assert services.deadline_status(SubmissionFactory.build(due_on=date(2026, 12, 29)), tuesday) == "due_soon"
    assert services.deadline_status(SubmissionFactory.build(due_on=date(2026, 12, 30)), tuesday) == ""


def test_the_queue_says_overdue_and_due_soon_in_words(client, monkeypatch):
    panel_on()
    monkeypatch.setattr("inspira.panel.views_submissions.timezone.localdate", lambda *a: THURSDAY)
    SubmissionFactory(title="Försenad", due_on=date(2026, 12, 10))
    SubmissionFactory(title="Snart", due_on=date(2026, 12, 22))
    SubmissionFactory(title="Gott om tid", due_on=date(2027, 1, 20))
    SubmissionFactory(title="Besvarad sent", due_on=date(2026, 12, 10), state=State.ANSWERED, answer="Ja")
    client.force_login(coordinator())
    response = client.get(reverse("panel:submission_queue"))
    rows = response.content.decode().split("<tr>")[2:]

    def row(title):
        return next(text for text in rows if f">{title}</a>" in text)

    with translation.override("sv"):
        overdue, soon = gettext("Overdue"), gettext("Due within 3 working days")
    assert overdue in row("Försenad") and soon not in row("Försenad")
    assert soon in row("Snart") and overdue not in row("Snart")
    for calm in ("Gott om tid", "Besvarad sent"):
        assert overdue not in row(calm) and soon not in row(calm)
