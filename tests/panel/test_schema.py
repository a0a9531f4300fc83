"""The panel's tables hold the rules the database can hold: one open membership per person, one pinned
question per chat, one support per person and question, a reason with every refusal; and the sampler
repeats a draw from its stored seed."""

import pytest
from django.db import IntegrityError, transaction

from inspira.panel.invitations import pending_invitations_cancel
from inspira.panel.models import ChatSupport, ConsentText, Member, Submission, SubmissionSupport
from inspira.panel.sampling import draw_make, draw_repeat
from inspira.surveys.models import Invitation
from tests.factories import InvitationFactory, SurveyFactory
from tests.panel.factories import (
    ChatFactory,
    ChatQuestionFactory,
    MemberFactory,
    SubmissionFactory,
    panel_on,
)

pytestmark = pytest.mark.django_db


def test_a_person_has_one_open_membership():
    first = MemberFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(user=first.user)


def test_an_ended_membership_says_how_it_ended():
    member = MemberFactory()
    member.ended_at = member.joined_at
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_a_chat_pins_one_question_at_a_time():
    chat = ChatFactory()
    ChatQuestionFactory(chat=chat, pinned=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatQuestionFactory(chat=chat, pinned=True)


def test_one_support_per_person_and_question():
    question = ChatQuestionFactory()
    supporter = MemberFactory().user
    ChatSupport.objects.create(question=question, user=supporter)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatSupport.objects.create(question=question, user=supporter)
    submission = SubmissionFactory()
    SubmissionSupport.objects.create(submission=submission, user=supporter)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionSupport.objects.create(submission=submission, user=supporter)


def test_a_declined_submission_has_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFactory(state=Submission.State.DECLINED, decline_reason="")


def test_the_first_consent_text_comes_with_the_database():
    assert ConsentText.objects.get(version=1).body.startswith("Jag vill vara med i Lärarpanelen.")


def test_a_draw_is_repeated_from_its_stored_seed_and_candidates():
    members = [MemberFactory() for _ in range(6)]
    survey = SurveyFactory(programme=panel_on())
    stratum = members[0].stratum
    draw = draw_make(purpose="survey", survey=survey, members=Member.objects.all(), actor=None,
                     sizes={stratum: 3}, seed=42)
    picked = list(draw.picks.values_list("member_id", flat=True))
    assert len(picked) == 3
    assert draw_repeat(draw) == picked
    again = draw_make(purpose="survey", survey=survey, members=Member.objects.all(), actor=None,
                      sizes={stratum: 3}, seed=42)
    assert list(again.picks.values_list("member_id", flat=True)) == picked


def test_cancelling_withdraws_pending_survey_invitations_only():
    member = MemberFactory()
    panel = panel_on()
    pending = InvitationFactory(user=member.user, survey=SurveyFactory(programme=panel))
    answered = InvitationFactory(user=member.user, survey=SurveyFactory(programme=panel), answered=True)
    elsewhere = InvitationFactory(user=member.user)  # another programme's survey
    counts = pending_invitations_cancel(member=member)
    assert counts["surveys"] == 1
    assert set(Invitation.objects.values_list("pk", flat=True)) == {answered.pk, elsewhere.pk}
    assert not Invitation.objects.filter(pk=pending.pk).exists()
