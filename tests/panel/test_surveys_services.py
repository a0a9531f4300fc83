"""The panel's short surveys: draw, send, remind (the engine does the rest)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspira.panel.models import Draw
from inspira.panel.sampling import DrawError, draw_repeat, stratum_key
from inspira.panel.surveys import panel_survey_create, survey_draw, survey_remind, survey_send
from inspira.surveys.models import Invitation
from inspira.surveys.services import invitation_token, question_add, survey_answer
from tests.factories import DistrictFactory
from tests.panel.factories import MemberFactory, coordinator, school_form

pytestmark = pytest.mark.django_db


def _survey(actor):
    survey = panel_survey_create(title="Läxor", closes_at=timezone.now() + timedelta(days=14), actor=actor)
    question_add(survey=survey, kind="scale", text="Hur mycket läxor?", actor=actor)
    return survey


def test_stratum_sizes_are_honoured():
    actor = coordinator()
    north, south = DistrictFactory(name="Norr"), DistrictFactory(name="Söder")
    for _ in range(4):
        MemberFactory(district=north)
        MemberFactory(district=south)
    form = school_form()
    draw = survey_draw(survey=_survey(actor), actor=actor,
                       sizes={stratum_key(form.pk, north.pk): 3, stratum_key(form.pk, south.pk): 1})
    picks = list(draw.picks.values_list("stratum", flat=True))
    assert picks.count(stratum_key(form.pk, north.pk)) == 3
    assert picks.count(stratum_key(form.pk, south.pk)) == 1


def test_member_asked_within_their_limit_is_not_drawn():
    actor = coordinator()
    recent, free = MemberFactory(frequency_days=30), MemberFactory(frequency_days=30)
    earlier = _survey(actor)
    Invitation.objects.create(survey=earlier, user=recent.user, token_hash="x",
                              invited_at=timezone.now() - timedelta(days=10))
    draw = survey_draw(survey=_survey(actor), actor=actor)
    assert list(draw.picks.values_list("member_id", flat=True)) == [free.pk]


def test_least_recently_asked_first_and_same_seed_same_draw():
    actor = coordinator()
    members = [MemberFactory(frequency_days=30) for _ in range(3)]
    old = _survey(actor)
    # The first member was asked 40 days ago, the second 35: the third (never asked) comes first.
    for member, days in ((members[0], 40), (members[1], 35)):
        Invitation.objects.create(survey=old, user=member.user, token_hash=f"h{days}",
                                  invited_at=timezone.now() - timedelta(days=days))
    key = members[0].stratum
    survey = _survey(actor)
    draw = survey_draw(survey=survey, actor=actor, sizes={key: 2}, seed=7)
    assert list(draw.picks.order_by("position").values_list("member_id", flat=True)) == [members[2].pk,
                                                                                         members[0].pk]
    assert draw_repeat(draw) == [members[2].pk, members[0].pk]
    again = survey_draw(survey=survey, actor=actor, sizes={key: 2}, seed=7)
    assert again.candidates == draw.candidates
    assert Draw.objects.filter(survey=survey).count() == 1  # the unsent draw was replaced


def test_send_invites_exactly_the_drawn_still_in_the_panel():
    actor = coordinator()
    stays, leaves, lapses, not_drawn = (MemberFactory() for _ in range(4))
    survey = _survey(actor)
    draw = survey_draw(survey=survey, actor=actor)
    not_drawn_late = MemberFactory()  # joined after the draw: not drawn, not invited
    leaves.ended_at = timezone.now()
    leaves.ending = "left"
    leaves.save()
    lapses.consent_until = timezone.now() - timedelta(minutes=1)
    lapses.save()
    assert survey_send(survey=survey, actor=actor) == 2
    invited = set(survey.invitations.values_list("user_id", flat=True))
    assert invited == {stays.user_id, not_drawn.user_id}
    assert not_drawn_late.user_id not in invited
    draw.refresh_from_db()
    assert draw.sent_at is not None
    survey.refresh_from_db()
    assert survey.opens_at is not None
    with pytest.raises(DrawError):
        survey_draw(survey=survey, actor=actor)
    with pytest.raises(DrawError):
        survey_send(survey=survey, actor=actor)


def test_reminders_go_only_to_those_who_have_not_answered():
    actor = coordinator()
    answers, waits = MemberFactory(), MemberFactory()
    survey = _survey(actor)
    survey_draw(survey=survey, actor=actor)
    survey_send(survey=survey, actor=actor)
    invitation = Invitation.objects.get(survey=survey, user=answers.user)
    question = survey.questions.get()
    survey_answer(token=invitation_token(invitation), answers={str(question.pk): "3"})
    assert survey_remind(survey=survey, actor=actor, now=timezone.now() + timedelta(days=1)) == 1
    reminded = Invitation.objects.filter(survey=survey, reminded_at__isnull=False).values_list("user_id", flat=True)
    assert list(reminded) == [waits.user_id]


def _invitation_bodies(survey):
    from inspira.core.models import OutboxItem

    keys = [f"survey-invitation:{pk}" for pk in survey.invitations.values_list("pk", flat=True)]
    return [str(item.payload) for item in OutboxItem.objects.filter(key__in=keys)]


def test_small_group_note_in_invitation(settings):
    settings.INSPIRA_PANEL_SMALL_GROUP = 3
    actor = coordinator()
    MemberFactory(), MemberFactory()
    survey = _survey(actor)
    survey_draw(survey=survey, actor=actor)
    survey_send(survey=survey, actor=actor)
    bodies = _invitation_bodies(survey)
    assert len(bodies) == 2
    assert all("small group of 2" in body or "liten grupp" in body for body in bodies)


def test_no_small_group_note_for_a_large_group(settings):
    settings.INSPIRA_PANEL_SMALL_GROUP = 2
    actor = coordinator()
    MemberFactory(), MemberFactory()
    survey = _survey(actor)
    survey_draw(survey=survey, actor=actor)
    survey_send(survey=survey, actor=actor)
    bodies = _invitation_bodies(survey)
    assert len(bodies) == 2
    assert not any("small group" in body or "liten grupp" in body for body in bodies)


def test_engine_invitation_carries_a_note():
    from inspira.surveys.services import survey_invite
    from tests.factories import SurveyFactory, UserFactory

    survey = SurveyFactory()
    survey_invite(survey=survey, users=[UserFactory()], note="En särskild rad.")
    survey_invite(survey=SurveyFactory(), users=[UserFactory()])
    assert "En särskild rad." in _invitation_bodies(survey)[0]
