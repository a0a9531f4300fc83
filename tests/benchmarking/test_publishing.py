"""Publishing a round: decisions with reasons, the groups' emails with a calendar file per visit,
places on the round's meetings, one transaction."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from inspira.benchmarking.models import Group, Interest, Round
from inspira.benchmarking.publishing import PublishError, publish_problems, round_publish
from inspira.core.models import AuditEvent, OutboxItem
from inspira.events.models import Registration
from tests.benchmarking.builders_publish import coordinator, interest, proposed_round
from tests.factories import EventFactory, UserFactory, programme

pytestmark = pytest.mark.django_db


def _meeting(title):
    return EventFactory(programme=programme("benchmarking"), title=title, is_public=False, eligibility="group",
                        eligible_group="benchmarking:participants")


def test_publishing_decides_for_everyone_with_reasons_in_swedish(django_capture_on_commit_callbacks):
    round_, groups, others = proposed_round(groups=2, size=3, extra=2)
    withdrawn = interest(round_, withdrawn_at=timezone.now())
    actor = coordinator()
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=round_, actor=actor)
    round_.refresh_from_db()
    assert round_.stage == Round.Stage.PUBLISHED and round_.published_at is not None
    admitted = Interest.objects.filter(group__isnull=False)
    assert admitted.count() == 6
    assert set(admitted.values_list("decision_reason", flat=True)) == {"Du är antagen till omgången."}
    assert all(i.decision == Interest.Decision.ADMITTED for i in admitted)
    for other in others:
        other.refresh_from_db()
        assert other.decision == Interest.Decision.NOT_ADMITTED
        assert other.decision_reason == "Omgången blev full. Du står först i kön till nästa omgång."
    withdrawn.refresh_from_db()
    assert withdrawn.decision == Interest.Decision.PENDING  # a withdrawn registration gets no decision
    audit = AuditEvent.objects.get(action="benchmarking.round_published")
    assert audit.data["admitted"] == 6 and audit.data["not_admitted"] == 2


def test_each_person_gets_a_decision_and_each_member_the_group_with_a_calendar_file_per_visit(
        django_capture_on_commit_callbacks):
    round_, groups, others = proposed_round(groups=1, size=3, extra=1)
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=round_, actor=coordinator())
    keys = set(OutboxItem.objects.values_list("key", flat=True))
    members = list(groups[0].members.all())
    for m in members:
        assert f"benchmarking-decision:{m.pk}" in keys
        assert f"benchmarking-group:{groups[0].pk}:{m.pk}" in keys
    assert f"benchmarking-decision:{others[0].pk}" in keys
    assert not any(k.startswith(f"benchmarking-group:{groups[0].pk}:{others[0].pk}") for k in keys)
    item = OutboxItem.objects.get(key=f"benchmarking-group:{groups[0].pk}:{members[0].pk}")
    assert "Deltagare 1.2" in item.payload["text"]
    attachments = item.payload["attachments"]
    assert len(attachments) == 3
    import base64

    uids = set()
    for attachment in attachments:
        calendar = Calendar.from_ical(base64.b64decode(attachment["content"]))
        entry = next(iter(calendar.walk("VEVENT")))
        uids.add(str(entry["uid"]))
        assert entry["sequence"] == 0
        assert type(entry.decoded("dtstart")).__name__ == "date"  # a whole day
    assert uids == {str(v.uid) for v in groups[0].visits.all()}


def test_nothing_is_emailed_until_the_transaction_commits(django_capture_on_commit_callbacks):
    round_, _groups, _others = proposed_round(groups=1, size=2)
    actor = coordinator()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_publish(round=round_, actor=actor)
    assert OutboxItem.objects.filter(key__startswith="benchmarking-").count() == 0
    assert len(callbacks) == 4  # a decision and a group email for each of two members


def test_the_admitted_get_places_on_the_kickoff_and_closing_meetings(django_capture_on_commit_callbacks):
    round_, groups, others = proposed_round(groups=1, size=3, extra=1,
                                            kickoff=_meeting("Uppstart"), closing=_meeting("Avslutning"))
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=round_, actor=coordinator())
    for event in (round_.kickoff, round_.closing):
        registered = set(Registration.objects.filter(event=event, status="confirmed").values_list("user", flat=True))
        assert registered == {m.user_id for m in groups[0].members.all()}
        assert others[0].user_id not in registered


def test_only_a_proposed_round_is_published():
    round_, _g, _o = proposed_round(groups=1, size=2, stage=Round.Stage.INTEREST)
    with pytest.raises(PublishError):
        round_publish(round=round_, actor=coordinator())
    round_.refresh_from_db()
    assert round_.stage == Round.Stage.INTEREST


def test_a_round_without_members_in_any_group_is_not_published():
    round_, groups, _o = proposed_round(groups=1, size=2)
    Interest.objects.filter(group=groups[0]).update(group=None)
    assert publish_problems(round_)
    with pytest.raises(PublishError):
        round_publish(round=round_, actor=coordinator())


def test_only_a_coordinator_publishes():
    round_, _g, _o = proposed_round(groups=1, size=2)
    with pytest.raises(PublishError):
        round_publish(round=round_, actor=UserFactory())
    assert Interest.objects.filter(round=round_, decision=Interest.Decision.ADMITTED).count() == 0


def test_an_admitted_person_already_registered_for_a_meeting_keeps_that_one_place(django_capture_on_commit_callbacks):
    kickoff = _meeting("Uppstart")
    round_, groups, _o = proposed_round(groups=1, size=2, kickoff=kickoff)
    first = groups[0].members.first()
    Registration.objects.create(event=kickoff, user=first.user, status="confirmed", created_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=round_, actor=coordinator())
    assert Registration.objects.filter(event=kickoff, user=first.user).count() == 1
    assert Registration.objects.filter(event=kickoff, status="confirmed").count() == 2


def test_the_published_at_is_the_given_moment():
    moment = timezone.now() - timedelta(hours=1)
    round_, _g, _o = proposed_round(groups=1, size=2)
    round_publish(round=round_, actor=coordinator(), now=moment)
    round_.refresh_from_db()
    assert round_.published_at == moment
    assert Group.objects.filter(round=round_).count() == 1


def test_a_group_of_one_stops_publishing_and_an_emptied_group_does_not():
    round_, (one, two, three), _o = proposed_round(groups=3, size=2)
    from inspira.benchmarking.groups import group_member_move

    actor = coordinator()
    first, second = one.members.order_by("pk")
    group_member_move(round=round_, interest_id=first.pk, group_id=two.pk, actor=actor)
    problems = publish_problems(round_)
    assert problems == ["Grupp 1 har bara en deltagare: flytta någon dit eller deltagaren till en annan grupp."]
    group_member_move(round=round_, interest_id=second.pk, group_id=three.pk, actor=actor)
    assert publish_problems(round_) == []
    round_publish(round=round_, actor=actor)
    assert Interest.objects.filter(round=round_, decision=Interest.Decision.ADMITTED).count() == 6
