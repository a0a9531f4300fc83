"""The centre's closed days: the service and the coordinators' page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.core.workdays import is_working_day
from inspira.efforts.closed_days import ClosedDayError, closed_day_add, closed_day_remove
from inspira.efforts.models import ClosedDay
from tests.efforts.factories import closed_day, coordinator, efforts_on, principal_of

NOW = timezone.make_aware(timezone.datetime(2027, 1, 15, 10, 0))


@pytest.fixture
def centre(db):
    return coordinator()


def next_working_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def test_add_and_remove_write_audit_rows(centre):
    added = closed_day_add(day=date(2027, 3, 4), reason="  Planeringsdag ", actor=centre, now=NOW)
    assert (added.day, added.reason) == (date(2027, 3, 4), "Planeringsdag")
    closed_day_remove(closed_day=added, actor=centre)
    assert not ClosedDay.objects.exists()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "actor")) == [
        ("effort.closed_day_added", centre.pk), ("effort.closed_day_removed", centre.pk)]


@pytest.mark.parametrize("day, message", [
    (date(2027, 3, 6), "Saturday or Sunday"),
    (date(2027, 3, 7), "Saturday or Sunday"),
    (date(2027, 3, 26), "already a holiday"),  # Good Friday
    (date(2027, 6, 25), "already a holiday"),  # midsommarafton
    (date(2027, 12, 24), "already a holiday"),  # julafton
    (date(2027, 12, 31), "already a holiday"),  # nyårsafton
    (date(2027, 6, 6), "already a holiday"),  # National Day on a Sunday: the holiday is named
])
def test_a_day_that_never_counts_is_refused_with_why(centre, day, message, en):
    with pytest.raises(ClosedDayError, match=message):
        closed_day_add(day=day, reason="Planeringsdag", actor=centre, now=NOW)
    assert not ClosedDay.objects.exists() and not AuditEvent.objects.exists()


def test_the_holiday_is_named_in_swedish(centre):
    with pytest.raises(ClosedDayError, match="Långfredagen"):
        closed_day_add(day=date(2027, 3, 26), reason="Planeringsdag", actor=centre, now=NOW)


def test_a_day_twice_is_refused(centre, en):
    closed_day(date(2027, 3, 4))
    with pytest.raises(ClosedDayError, match="already closed"):
        closed_day_add(day=date(2027, 3, 4), reason="Igen", actor=centre, now=NOW)
    assert ClosedDay.objects.count() == 1


@pytest.mark.parametrize("day", [date(2025, 1, 10), date(2033, 1, 10), date(1, 1, 3), date(9999, 12, 30)])
def test_a_day_far_off_is_refused(centre, day, en):
    with pytest.raises(ClosedDayError, match="between a year ago"):
        closed_day_add(day=day, reason="Planeringsdag", actor=centre, now=NOW)


def test_a_reason_is_needed(centre, en):
    with pytest.raises(ClosedDayError, match="why"):
        closed_day_add(day=date(2027, 3, 4), reason="  ", actor=centre, now=NOW)


# --- The page ---------------------------------------------------------------------------------------------------


def test_the_coordinator_adds_lists_and_removes_days(client_for, centre, en):
    client = client_for(centre)
    day = next_working_day(timezone.localdate() + timedelta(days=20))
    response = client.post(reverse("efforts:closed_days"), {"day": day.isoformat(), "reason": "Personaldag"},
                           follow=True)
    assert "the day does not count on the proposal clock" in response.text
    assert "Personaldag" in response.text
    added = ClosedDay.objects.get()
    response = client.post(reverse("efforts:closed_day_remove", args=[added.pk]), follow=True)
    assert "is no longer a closed day" in response.text
    assert not ClosedDay.objects.exists()


def test_a_refusal_is_shown_next_to_the_day(client_for, centre, en):
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    response = client_for(centre).post(reverse("efforts:closed_days"),
                                       {"day": saturday.isoformat(), "reason": "Personaldag"})
    assert response.status_code == 200
    assert "is a Saturday or Sunday, which never counts" in response.text
    assert 'id="error_1_id_day"' in response.text or "invalid-feedback" in response.text
    assert not ClosedDay.objects.exists()


def test_past_days_are_shown_on_request(client_for, centre, en):
    today = timezone.localdate()
    closed_day(today - timedelta(days=40), reason="Förra terminens planeringsdag")
    closed_day(today + timedelta(days=40), reason="Kommande planeringsdag")
    client = client_for(centre)
    coming = client.get(reverse("efforts:closed_days")).text
    assert "Kommande planeringsdag" in coming and "Förra terminens planeringsdag" not in coming
    every = client.get(reverse("efforts:closed_days"), {"past": "1"}).text
    assert "Kommande planeringsdag" in every and "Förra terminens planeringsdag" in every


def test_the_list_is_paginated_and_its_queries_constant(client_for, centre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(centre)
    url = reverse("efforts:closed_days")
    start = timezone.localdate() + timedelta(days=1)
    closed_day(start, reason="Dag 0")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 30):
        closed_day(start + timedelta(days=n), reason=f"Dag {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert page.context["page_obj"].paginator.num_pages == 2


def test_only_coordinators_may_see_or_change_the_days(client_for, school):
    efforts_on()
    added = closed_day(date(2027, 3, 4))
    client = client_for(principal_of(school))
    assert client.get(reverse("efforts:closed_days")).status_code == 403
    assert client.post(reverse("efforts:closed_day_remove", args=[added.pk])).status_code == 403
    assert ClosedDay.objects.count() == 1
