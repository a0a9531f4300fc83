"""An event's evaluation: a draft survey with default questions, sent to those who attended only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from inspira.core.models import AuditEvent, OutboxItem
from inspira.events import evaluation
from inspira.events.models import Event
from inspira.events.services import EventError
from inspira.programmes.services import programme_set_active
from inspira.surveys.models import Answer, Invitation, Response, Survey
from inspira.surveys.services import invitation_token, survey_answer, survey_open
from tests.factories import EventFactory, ProgrammeCoordinatorFactory, RegistrationFactory, UserFactory, programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def past_event(**fields):
    start = timezone.now() - timedelta(days=1)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=3), **fields)


def open_evaluation(event, actor):
    survey = evaluation.event_evaluation_create(event=event, actor=actor)
    survey_open(survey=survey, actor=actor)
    event.refresh_from_db()
    return survey


def attendees_and_others(event):
    """(those to invite, those not to): each kind of registration that must not be invited."""
    came = [RegistrationFactory(event=event, attended=True).user for _ in range(2)]
    others = [
        RegistrationFactory(event=event, attended=False).user,  # a no-show
        RegistrationFactory(event=event, attended=None).user,  # attendance not marked
        RegistrationFactory(event=event, attended=True, status="cancelled").user,
        RegistrationFactory(event=event, attended=True, status="waiting").user,
        RegistrationFactory(event=event, is_group=True, participants=4, attended_count=4).user,
        RegistrationFactory(event=event, attended=True, user=UserFactory(is_active=False)).user,
        RegistrationFactory(event=EventFactory(), attended=True).user,  # another event's
    ]
    RegistrationFactory(event=event, user=None, walk_in_name="Gunnel Gäst", attended=True)
    return came, others


def test_create_makes_a_draft_of_the_events_programme_with_the_default_questions_in_swedish(administrator):
    event = past_event(title="Läsfrämjande seminarium")
    survey = evaluation.event_evaluation_create(event=event, actor=administrator)
    event.refresh_from_db()
    assert event.evaluation == survey and survey.programme == event.programme
    assert survey.state() == Survey.State.DRAFT
    assert survey.title == "Utvärdering: Läsfrämjande seminarium"
    questions = list(survey.questions.order_by("position"))
    assert [q.text for q in questions][:2] == ["Hur nöjd är du med träffen som helhet?",
                                               "Kommer du att använda något du lärt dig?"]
    assert [q.kind for q in questions] == ["scale", "single", "multiple", "text", "text"]
    assert "Vad tar du med dig?" in [q.text for q in questions]
    assert survey.last_day == timezone.localdate() + timedelta(days=evaluation.ANSWER_DAYS)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "survey.create", "event.evaluation_created"]


def test_an_event_gets_one_evaluation_and_a_cancelled_one_none(administrator):
    event = past_event()
    evaluation.event_evaluation_create(event=event, actor=administrator)
    with pytest.raises(EventError, match="already has"):
        evaluation.event_evaluation_create(event=event, actor=administrator)
    cancelled = EventFactory(cancelled_at=timezone.now())
    with pytest.raises(EventError, match="cancelled"):
        evaluation.event_evaluation_create(event=cancelled, actor=administrator)
    assert Survey.objects.count() == 1


def test_only_those_who_attended_are_invited_and_only_once(administrator, django_capture_on_commit_callbacks):
    event = past_event()
    came, others = attendees_and_others(event)
    survey = open_evaluation(event, administrator)
    assert evaluation.evaluation_not_invited(event).count() == 2
    assert evaluation.event_evaluation_invite(event=event, actor=administrator) == 2
    assert set(Invitation.objects.filter(survey=survey).values_list("user", flat=True)) == {u.pk for u in came}
    assert not Invitation.objects.filter(user__in=others).exists()
    emails = OutboxItem.objects.filter(key__startswith="survey-invitation:").count()
    assert emails == 2

    # Attendance marked later: the next press invites only the newcomer, nobody twice.
    late = RegistrationFactory(event=event, attended=True).user
    assert evaluation.event_evaluation_invite(event=event, actor=administrator) == 1
    assert evaluation.event_evaluation_invite(event=event, actor=administrator) == 0
    assert OutboxItem.objects.filter(key__startswith="survey-invitation:").count() == 3
    assert Invitation.objects.filter(survey=survey, user=late).count() == 1
    assert list(AuditEvent.objects.filter(action="survey.invite").order_by("pk").values_list("data", flat=True)) == [
        {"invited": 2}, {"invited": 1}]


def test_nobody_is_invited_before_the_event_starts_or_to_a_draft(administrator):
    upcoming = EventFactory()
    RegistrationFactory(event=upcoming, attended=True)
    open_evaluation(upcoming, administrator)
    with pytest.raises(EventError, match="once the event has started"):
        evaluation.event_evaluation_invite(event=upcoming, actor=administrator)
    started = past_event()
    RegistrationFactory(event=started, attended=True)
    with pytest.raises(EventError, match="no evaluation"):
        evaluation.event_evaluation_invite(event=started, actor=administrator)
    evaluation.event_evaluation_create(event=started, actor=administrator)
    with pytest.raises(EventError, match="must be open"):
        evaluation.event_evaluation_invite(event=started, actor=administrator)
    assert not Invitation.objects.exists()


def test_the_answers_of_attendees_stay_apart_from_who_they_are(administrator):
    event = past_event()
    came, _others = attendees_and_others(event)
    survey = open_evaluation(event, administrator)
    evaluation.event_evaluation_invite(event=event, actor=administrator)
    scale = survey.questions.get(kind="scale")
    text = survey.questions.filter(kind="text").first()
    for invitation in Invitation.objects.filter(survey=survey):
        survey_answer(token=invitation_token(invitation), answers={
            scale.pk: 5, survey.questions.get(kind="single").pk: survey.questions.get(kind="single").choices.first().pk,
            text.pk: "Mycket bra"})
    assert Invitation.objects.filter(survey=survey, answered=True).count() == 2
    # The answers name the survey and the day only: no trace of the people or their registrations.
    assert set(Response.objects.values().first()) == {"id", "survey_id", "submitted_on"}
    for row in [*Response.objects.values(), *Answer.objects.values()]:
        values = {str(v) for v in row.values()}
        for person in came:
            assert not values & {person.email, person.name}
    # The event points at the survey; nothing of the event's points at an answer.
    related = {f.related_model for f in Event._meta.get_fields() if f.is_relation}
    assert Response not in related and Answer not in related


# --- The event page ------------------------------------------------------------------------------------------

@pytest.fixture
def tailor_made(administrator):
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made, user=UserFactory()).user


def test_the_organiser_creates_opens_and_invites_from_the_event_page(client_for, coordinator, tailor_made):
    event = past_event(programme=tailor_made)
    RegistrationFactory(event=event, attended=True)
    RegistrationFactory(event=event, attended=False)
    client = client_for(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Skapa en utvärdering" in page
    response = client.post(reverse("events:evaluation_create", args=[event.pk]))
    event.refresh_from_db()
    assert response["Location"] == reverse("surveys:detail", args=[event.evaluation_id])
    builder = client.get(response["Location"]).content.decode()
    assert "Tillbaka till träffen" in builder and reverse("events:detail", args=[event.pk]) in builder
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Ändra utvärderingen" in page and "Bjud in" not in page
    client.post(reverse("surveys:open", args=[event.evaluation_id]))
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Bjud in 1 deltagare" in page
    response = client.post(reverse("events:evaluation_invite", args=[event.pk]), follow=True)
    assert "1 deltagare är inbjuden till utvärderingen." in response.content.decode()
    assert "Alla som är markerade som närvarande är inbjudna." in response.content.decode()
    assert Invitation.objects.count() == 1


def test_a_coordinator_of_another_programme_is_refused(client_for, tailor_made, administrator):
    event = past_event(programme=tailor_made)
    RegistrationFactory(event=event, attended=True)
    open_evaluation(event, administrator)
    other = ProgrammeCoordinatorFactory(programme=programme("inspiration_sites"), user=UserFactory()).user
    client = client_for(other)
    assert client.post(reverse("events:evaluation_create", args=[event.pk])).status_code == 403
    assert client.post(reverse("events:evaluation_invite", args=[event.pk])).status_code == 403
    assert client.get(reverse("surveys:detail", args=[event.evaluation_id])).status_code == 403
    assert not Invitation.objects.exists()


def test_a_refused_invitation_is_explained_on_the_event_page(client_for, coordinator, tailor_made):
    event = EventFactory(programme=tailor_made)
    client = client_for(coordinator)
    client.post(reverse("events:evaluation_create", args=[event.pk]))
    event.refresh_from_db()
    client.post(reverse("surveys:open", args=[event.evaluation_id]))
    response = client.post(reverse("events:evaluation_invite", args=[event.pk]), follow=True)
    assert "De som deltog kan bjudas in när träffen har börjat." in response.content.decode()
