"""The pages of raised questions and good examples: who sees what, errors next to their fields, the batch
publish, the public page's names, and lists whose query count does not grow with their length."""

import pytest
from django.urls import reverse

from inspira.panel.models import Submission, SubmissionSupport
from tests.panel.factories import MemberFactory, SubmissionFactory, coordinator, panel_on, teacher

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture(autouse=True)
def _panel_is_on():
    panel_on()


def _published(n, **fields):
    from django.utils import timezone

    return [SubmissionFactory(published_at=timezone.now(), **fields) for _ in range(n)]


def test_a_member_raises_an_example_and_sees_it_with_its_deadline(client):
    member = MemberFactory().user
    client.force_login(member)
    response = client.post(reverse("panel:submission_new"), {
        "kind": "example", "title": "Lässtunder", "body": "Alla läser.", "channels_consent": "on"})
    submission = Submission.objects.get()
    assert response.status_code == 302 and response.url == reverse("panel:submission", args=[submission.pk])
    assert (submission.author, submission.channels_consent, submission.show_name) == (member, True, False)
    page = client.get(reverse("panel:submissions"))
    assert "Lässtunder" in page.content.decode()
    assert submission.due_on.strftime("%Y") in page.content.decode()


def test_non_members_cannot_raise_or_support(client):
    panel_on()
    client.force_login(teacher())
    submission = _published(1)[0]
    assert client.get(reverse("panel:submission_new")).status_code == 403
    raised = {"kind": "question", "title": "F", "body": "T"}
    assert client.post(reverse("panel:submission_new"), raised).status_code == 403
    assert client.post(reverse("panel:submission_support", args=[submission.pk])).status_code == 403
    assert not Submission.objects.exclude(pk=submission.pk).exists() and not SubmissionSupport.objects.exists()


def test_a_member_supports_once_through_the_page(client):
    submission = _published(1)[0]
    client.force_login(MemberFactory().user)
    url = reverse("panel:submission_support", args=[submission.pk])
    client.post(url)
    client.post(url)
    assert SubmissionSupport.objects.filter(submission=submission).count() == 1


def test_an_unpublished_submission_is_hidden_from_other_members(client):
    submission = SubmissionFactory()
    client.force_login(MemberFactory().user)
    assert client.get(reverse("panel:submission", args=[submission.pk])).status_code == 403


def test_declining_without_a_reason_is_refused_next_to_the_field(client):
    client.force_login(coordinator())
    submission = SubmissionFactory()
    response = client.post(reverse("panel:submission_handle", args=[submission.pk]), {"state": "declined"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    submission.refresh_from_db()
    assert submission.state == State.RECEIVED


def test_the_batch_publish_publishes_exactly_the_chosen_ones(client):
    client.force_login(coordinator())
    chosen = SubmissionFactory(state=State.ANSWERED, answer="Svar")
    other = SubmissionFactory(state=State.ANSWERED, answer="Svar")
    response = client.post(reverse("panel:submission_publish"), {"submission": [str(chosen.pk)]})
    assert response.status_code == 302
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.published_at is not None and other.published_at is None


def test_the_public_page_shows_names_only_when_chosen_and_nothing_unpublished(client):
    panel_on()
    named = _published(1, kind="example", show_name=True)[0]
    anonymous = _published(1, kind="example", show_name=False)[0]
    hidden = SubmissionFactory(kind="example", show_name=True, title="Ännu inte publicerat")
    content = client.get(reverse("panel:examples")).content.decode()
    assert named.title in content and named.author.get_full_name() in content
    assert anonymous.title in content and anonymous.author.get_full_name() not in content
    assert hidden.title not in content and hidden.author.get_full_name() not in content


def test_the_queue_marks_overdue_ones_and_sorts_by_due_date(client):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(coordinator())
    today = timezone.localdate()
    later = SubmissionFactory(title="Senare", due_on=today + timedelta(days=5))
    late = SubmissionFactory(title="Försenad", due_on=today - timedelta(days=1))
    response = client.get(reverse("panel:submission_queue"))
    assert [item.pk for item in response.context["items"].page] == [late.pk, later.pk]
    assert "Overdue" in response.content.decode() or "Försenad" in response.content.decode()
    filtered = client.get(reverse("panel:submission_queue"), {"kind": "example"})
    assert list(filtered.context["items"].page) == []


def test_the_channels_export_names_only_where_chosen(client):
    client.force_login(coordinator())
    named = SubmissionFactory(kind="example", channels_consent=True, show_name=True)
    anonymous = SubmissionFactory(kind="example", channels_consent=True, show_name=False)
    SubmissionFactory(kind="example", channels_consent=False, title="Inte i kanalerna")
    response = client.get(reverse("panel:channels"), {"format": "xlsx"})
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    assert sorted(row[0] for row in rows) == sorted([named.title, anonymous.title])
    names = {row[0]: row[2] for row in rows}
    assert names[named.title] == named.author.get_full_name() and not names[anonymous.title]




@pytest.mark.parametrize("name", ["panel:submissions", "panel:examples", "panel:submission_queue"])
def test_lists_take_a_constant_number_of_queries(client, name, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = coordinator() if name == "panel:submission_queue" else MemberFactory().user
    client.force_login(viewer)
    _published(2, kind="example", show_name=True)
    client.get(reverse(name))  # the session's and the programme state's caches are warm from here on
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    items = _published(20, kind="example", show_name=True)
    for item in items:
        SubmissionSupport.objects.create(submission=item, user=MemberFactory().user)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_lists_are_paginated(client):
    panel_on()
    _published(30, kind="example")
    first = client.get(reverse("panel:examples"))
    assert len(first.context["examples"].page) == 25
    assert len(client.get(reverse("panel:examples"), {"page": 2}).context["examples"].page) == 5
