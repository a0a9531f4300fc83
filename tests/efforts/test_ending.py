"""Ending an effort (inspira/efforts/ending.py): the centre ends a running effort, and its documentation
is shared with the unit at that moment."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from inspira.core.models import AuditEvent, OutboxItem
from inspira.efforts.ending import EndingError, effort_end, effort_may_end
from inspira.efforts.models import Effort
from inspira.efforts.permissions import may_read_documentation
from tests.efforts.factories import DocumentFactory, EffortFactory, centre, coordinator, principal_of, running_effort
from tests.factories import member

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 4, 15, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_ending_shares_the_documentation_with_the_unit_and_is_on_record(school, django_capture_on_commit_callbacks):
    effort = running_effort(schools=[school], title="Kollegialt lärande")
    DocumentFactory(effort=effort)
    principal, staff = principal_of(school), member(school)
    actor = coordinator()
    assert not may_read_documentation(staff, effort)
    with django_capture_on_commit_callbacks(execute=True):
        effort_end(effort=effort, actor=actor, now=NOW)
    effort.refresh_from_db()
    assert effort.state == Effort.State.ENDED
    assert effort.ended_at == NOW and effort.documentation_shared_at == NOW and effort.state_changed_at == NOW
    assert may_read_documentation(staff, effort) and may_read_documentation(principal, effort)
    row = AuditEvent.objects.get(action="effort.ended")
    assert row.actor == actor and row.data == {"documents": 1}
    item = OutboxItem.objects.get(key=f"effort-ended:{effort.pk}")
    assert item.payload["to"] == [principal.email]
    assert f"/insatser/{effort.pk}/dokumentation/" in item.payload["text"]
    assert "Kollegialt lärande" in item.payload["subject"]


@pytest.mark.parametrize("state", [Effort.State.REQUESTED, Effort.State.PLANNING, Effort.State.PROPOSAL,
                                   Effort.State.ENDED, Effort.State.WITHDRAWN])
def test_only_a_running_effort_can_be_ended(school, state):
    fields = {"withdrawn_reason": "Behovet försvann"} if state == Effort.State.WITHDRAWN else {}
    effort = EffortFactory(schools=[school], state=state, **fields)
    assert not effort_may_end(effort=effort)
    with pytest.raises(EndingError, match="running"):
        effort_end(effort=effort, actor=centre())
    effort.refresh_from_db()
    assert effort.documentation_shared_at is None and not AuditEvent.objects.filter(action="effort.ended").exists()


def test_the_principal_cannot_end_the_effort(school):
    effort = running_effort(schools=[school])
    with pytest.raises(EndingError, match="Only those who lead"):
        effort_end(effort=effort, actor=principal_of(school))
    effort.refresh_from_db()
    assert effort.state == Effort.State.RUNNING


def test_the_end_button_follows_the_predicate(school, client_for, en):
    effort = running_effort(schools=[school])
    url = reverse("efforts:effort_detail", args=[effort.pk])
    end_url = reverse("efforts:effort_end", args=[effort.pk])
    assert end_url not in client_for(principal_of(school)).get(url).text
    client = client_for(centre())
    assert end_url in client.get(url).text
    response = client.post(end_url)
    assert response.status_code == 302
    page = client.get(response.url)
    assert "The effort is ended, and its documentation is shared with the unit." in page.text
    assert end_url not in page.text


def test_the_end_is_refused_to_the_unit_and_told_when_it_cannot_happen(school, client_for, en):
    effort = running_effort(schools=[school])
    end_url = reverse("efforts:effort_end", args=[effort.pk])
    assert client_for(principal_of(school)).post(end_url).status_code == 403
    client = client_for(centre())
    client.post(end_url)
    response = client.post(end_url, follow=True)
    assert "Only a running effort can be ended." in response.text
    assert AuditEvent.objects.filter(action="effort.ended").count() == 1
