"""The proposal clock on the effort's case page (the centre and the principal) and its actions."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from inspira.efforts.clock import add_working_days, clock_of, clock_pause, clock_start, working_day_test
from inspira.efforts.models import ClockEvent
from tests.efforts.factories import EffortFactory, clock_entry, coordinator, principal_of
from tests.factories import UserFactory, member


@pytest.fixture
def centre(db):
    return coordinator()


@pytest.fixture
def effort(centre, school):
    return EffortFactory(schools=[school], title="Språk i alla ämnen")


def case(client, effort):
    return client.get(reverse("efforts:effort_detail", args=[effort.pk]))


def long_date(day: date) -> str:
    return formats.date_format(day, "l j F Y")


def test_the_centre_sees_the_deadline_and_the_days_left(client_for, centre, effort, en):
    today = timezone.localdate()
    clock_start(effort=effort, day=today, actor=centre)
    clock_ = clock_of(effort)
    page = case(client_for(centre), effort)
    assert f"The proposal is due on {long_date(clock_.deadline)}." in page.text
    assert f"{clock_.working_days_left(today)} working days left." in page.text
    assert "The deadline is near" not in page.text and "Late" not in page.text
    assert "with 10 working days" in page.text
    assert reverse("efforts:clock_pause", args=[effort.pk]) in page.text
    assert reverse("efforts:clock_extend", args=[effort.pk]) in page.text
    assert reverse("efforts:clock_resume", args=[effort.pk]) not in page.text
    assert reverse("efforts:closed_days") in page.text


def test_the_centre_is_warned_when_the_deadline_is_near(client_for, centre, effort, settings, en):
    settings.INSPIRA_PROPOSAL_WORKING_DAYS = 2  # fewer than the three days of warning: warned from the start
    clock_start(effort=effort, day=timezone.localdate(), actor=centre)
    page = case(client_for(centre), effort)
    assert "The deadline is near: 2 working days left." in page.text
    assert 'class="alert alert-warning"' in page.text


def test_a_late_case_is_marked(client_for, centre, effort, en):
    clock_start(effort=effort, day=timezone.localdate() - timedelta(days=30), actor=centre)
    page = case(client_for(centre), effort)
    assert "The deadline has passed and no proposal has been presented." in page.text
    assert '<span class="badge text-bg-danger">Late</span>' in page.text
    assert "The deadline is near" not in page.text


def test_a_proposal_presented_late_is_marked_late(client_for, centre, effort, en):
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    clock_entry(effort, "met", date(2027, 3, 16))
    page = case(client_for(centre), effort)
    assert "The proposal was presented on 16 March 2027 (deadline 15 March 2027)." in page.text
    assert '<span class="badge text-bg-danger">Late</span>' in page.text


def test_the_log_shows_what_happened_when_why_and_who(client_for, centre, effort, en):
    centre.name = "Klara Koordinator"
    centre.save(update_fields=["name"])
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    clock_pause(effort=effort, day=date(2027, 3, 4), reason="Rektor är sjuk", actor=centre)
    page = case(client_for(centre), effort)
    assert "The clock is paused since 4 March 2027." in page.text
    assert "Rektor är sjuk" in page.text and "Klara Koordinator" in page.text
    assert reverse("efforts:clock_resume", args=[effort.pk]) in page.text
    assert reverse("efforts:clock_pause", args=[effort.pk]) not in page.text


def test_the_principal_sees_the_promised_date_only(client_for, centre, effort, school, en):
    principal = principal_of(school)
    page = case(client_for(principal), effort)
    assert "the date is shown here" in page.text
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    clock_entry(effort, "extended", date(2027, 3, 2), working_days=1, reason="Intern anteckning")
    page = case(client_for(principal), effort)
    assert "The proposal is promised by Tuesday 16 March 2027." in page.text
    assert "Intern anteckning" not in page.text
    assert reverse("efforts:clock_pause", args=[effort.pk]) not in page.text
    clock_pause(effort=effort, day=date(2027, 3, 3), reason="Vänta", actor=centre)
    assert "The work on the proposal is paused." in case(client_for(principal), effort).text


def test_pause_resume_and_extend_through_the_pages(client_for, centre, effort, en):
    client = client_for(centre)
    today = timezone.localdate()
    clock_start(effort=effort, day=today - timedelta(days=1), actor=centre)
    response = client.post(reverse("efforts:clock_pause", args=[effort.pk]), {"pause-reason": "Rektor är sjuk"})
    assert response.status_code == 302
    assert response["Location"].endswith("#clock")
    assert clock_of(effort).paused_since == today
    response = client.post(reverse("efforts:clock_resume", args=[effort.pk]), follow=True)
    deadline = clock_of(effort).deadline
    assert (f"The proposal clock runs again. The proposal is now due on {formats.date_format(deadline)}."
            in response.text)
    response = client.post(reverse("efforts:clock_extend", args=[effort.pk]),
                           {"extend-working_days": "2", "extend-reason": "Rektor vill förankra"}, follow=True)
    assert "The time for the proposal is extended by 2 working days." in response.text
    assert clock_of(effort).deadline == add_working_days(deadline, 2, working_day_test())
    assert list(effort.clock_events.values_list("kind", "actor")) == [
        ("started", centre.pk), ("paused", centre.pk), ("resumed", centre.pk), ("extended", centre.pk)]


def test_a_pause_without_a_reason_is_answered_next_to_the_field(client_for, centre, effort, en):
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    response = client_for(centre).post(reverse("efforts:clock_pause", args=[effort.pk]), {"pause-reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not effort.clock_events.filter(kind="paused").exists()


def test_refusals_are_shown_and_nothing_is_saved(client_for, centre, effort, en):
    client = client_for(centre)
    response = client.post(reverse("efforts:clock_pause", args=[effort.pk]), {"pause-reason": "Sjuk"})
    assert response.status_code == 200
    assert "The proposal clock is not running, so it cannot be paused." in response.text
    response = client.post(reverse("efforts:clock_resume", args=[effort.pk]), follow=True)
    assert "The proposal clock is not paused." in response.text
    response = client.post(reverse("efforts:clock_extend", args=[effort.pk]),
                           {"extend-working_days": "0", "extend-reason": "x"})
    assert response.status_code == 200 and "greater than or equal to 1" in response.text
    assert not ClockEvent.objects.exists()


def test_the_messages_are_in_swedish(client_for, centre, effort):
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    response = client_for(centre).post(reverse("efforts:clock_extend", args=[effort.pk]),
                                       {"extend-working_days": "1", "extend-reason": "Rektor bad om det"}, follow=True)
    assert "Tiden för förslaget är förlängd med 1 arbetsdag." in response.text


def test_only_the_centre_may_act_on_the_clock(client_for, centre, effort, school):
    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    for person in (principal_of(school), member(school)):
        client = client_for(person)
        assert client.post(reverse("efforts:clock_pause", args=[effort.pk]),
                           {"pause-reason": "Sjuk"}).status_code == 403
        assert client.post(reverse("efforts:clock_extend", args=[effort.pk]),
                           {"extend-working_days": "3", "extend-reason": "x"}).status_code == 403
    assert effort.clock_events.count() == 1


def test_the_clock_section_keeps_its_queries_as_the_log_grows(client_for, centre, effort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock_start(effort=effort, day=date(2027, 3, 1), actor=centre)
    client = client_for(centre)
    case(client, effort)
    with CaptureQueriesContext(connection) as few:
        case(client, effort)
    for n in range(6):
        clock_entry(effort, "extended", date(2027, 3, 2) + timedelta(days=n), working_days=1, reason="Mer tid",
                    actor=UserFactory())
    with CaptureQueriesContext(connection) as many:
        case(client, effort)
    assert len(many) == len(few)
