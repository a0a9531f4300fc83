"""The sessions' pages and the case page's delivery section (inspira/efforts/delivery_views.py,
sections.delivery_section)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.efforts.models import Session
from inspira.events.models import Event
from tests.efforts.factories import (
    DocumentFactory,
    EffortFactory,
    centre,
    coordinator,
    efforts_on,
    principal_of,
    running_effort,
    session_of,
)
from tests.factories import RegistrationFactory, member

pytestmark = pytest.mark.django_db


def _form(**changes) -> dict:
    day = timezone.localdate() + timedelta(days=20)
    return {"title": "Träff 1: språket i alla ämnen", "day": day.isoformat(), "start_time": "13:00",
            "end_time": "16:00", "place": "Aulan", "online_link": "", "capacity": "", "description": ""} | changes


def test_the_centre_plans_a_session_for_the_whole_staff(school, client_for, en):
    effort = running_effort(schools=[school], staff_count=22)
    client = client_for(coordinator())
    url = reverse("efforts:session_add", args=[effort.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "the whole staff can take part in the same training at the same time" in page.text
    assert page.context["form"]["capacity"].value() == 22
    response = client.post(url, _form(capacity="22"))
    assert response.status_code == 302 and response.url == reverse("efforts:effort_detail", args=[effort.pk])
    event = Session.objects.get(effort=effort).event
    assert timezone.localtime(event.starts_at).hour == 13 and event.capacity == 22
    detail = client.get(response.url)
    assert "Träff 1: språket i alla ämnen" in detail.text and "0 of 22" in detail.text
    assert reverse("events:attendance", args=[event.pk]) in detail.text  # the evaluation follows attendance


def test_bad_input_is_shown_at_the_fields_and_nothing_is_saved(school, client_for, en):
    effort = running_effort(schools=[school], staff_count=None)
    client = client_for(centre())
    url = reverse("efforts:session_add", args=[effort.pk])
    response = client.post(url, _form(end_time="12:00", place=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "capacity" in errors  # no number of staff: the places must be given
    response = client.post(url, _form(end_time="12:00", place="", capacity="20"))
    errors = response.context["form"].errors
    assert errors["end_time"] == ["The event must end after it starts."]
    assert errors["place"] == ["Give a place, an online link or both."]
    assert not Event.objects.exists()


def test_a_session_is_not_planned_before_the_effort_runs(school, client_for, en):
    efforts_on()
    effort = EffortFactory(schools=[school])
    client = client_for(centre())
    response = client.get(reverse("efforts:session_add", args=[effort.pk]), follow=True)
    assert "Sessions are planned once the principal has accepted a proposal" in response.text
    assert reverse("efforts:session_add", args=[effort.pk]) not in response.text


def test_the_unit_cannot_plan_change_or_cancel_sessions(school, client_for):
    effort = running_effort(schools=[school])
    session = session_of(effort)
    for person in (principal_of(school), member(school)):
        client = client_for(person)
        for url in (reverse("efforts:session_add", args=[effort.pk]),
                    reverse("efforts:session_edit", args=[effort.pk, session.pk]),
                    reverse("efforts:session_cancel", args=[effort.pk, session.pk])):
            assert client.get(url).status_code == 403
            assert client.post(url, _form()).status_code == 403


def test_moving_and_cancelling_through_the_pages(school, client_for, en):
    effort = running_effort(schools=[school])
    session = session_of(effort)
    client = client_for(centre())
    edit = reverse("efforts:session_edit", args=[effort.pk, session.pk])
    assert client.get(edit).context["form"]["title"].value() == session.event.title
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert client.post(edit, _form(day=later, capacity="18")).status_code == 302
    session.event.refresh_from_db()
    assert timezone.localdate(session.event.starts_at).isoformat() == later and session.event.sequence == 1
    cancel = reverse("efforts:session_cancel", args=[effort.pk, session.pk])
    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert client.post(cancel, {"reason": "Personalen är sjuk"}).status_code == 302
    session.event.refresh_from_db()
    assert session.event.is_cancelled
    after = client.get(edit, follow=True)
    assert "Only a planned session of a running effort can be changed." in after.text


def test_a_session_of_another_effort_is_not_found(school, client_for):
    effort = running_effort(schools=[school])
    other = session_of(running_effort(schools=[school]))
    assert client_for(centre()).get(reverse("efforts:session_edit", args=[effort.pk, other.pk])).status_code == 404


def test_the_case_page_keeps_its_queries_as_sessions_and_documents_grow(school, client_for, en):
    effort = running_effort(schools=[school])
    actor = centre()
    client = client_for(actor)
    url = reverse("efforts:effort_detail", args=[effort.pk])
    session_of(effort, actor=actor)
    DocumentFactory(effort=effort)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in (3, 4, 5, 6):
        session = session_of(effort, days=days, actor=actor)
        RegistrationFactory(event=session.event, user=member(school))
        DocumentFactory(effort=effort)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert "5 pieces of documentation" in page.text and "1 of 18" in page.text


def test_the_principal_sees_the_sessions_but_not_the_documentation_before_the_end(school, client_for, en):
    effort = running_effort(schools=[school])
    session = session_of(effort)
    DocumentFactory(effort=effort)
    page = client_for(principal_of(school)).get(reverse("efforts:effort_detail", args=[effort.pk]))
    assert session.event.title in page.text
    assert reverse("events:event", args=[session.event.pk]) in page.text
    assert reverse("efforts:documents", args=[effort.pk]) not in page.text
    assert reverse("efforts:session_edit", args=[effort.pk, session.pk]) not in page.text
    assert reverse("events:attendance", args=[session.event.pk]) not in page.text
    assert "the documentation is shared with the unit when the effort ends" in page.text
