"""A panel member's personal data: the download names their membership, questions, supports and
examples; erasure ends the membership (cancelling pending invitations), keeps the counts, deletes
what was never published and keeps published texts without the name."""

import json
import zipfile
from io import BytesIO

import pytest
from django.utils import timezone

from inspira.panel.models import ChatQuestion, ChatSupport, FocusInvite, Member, Submission, SubmissionSupport
from inspira.panel.sampling import draw_make
from inspira.privacy.labels import COLUMN_LABELS
from inspira.privacy.services import export_build, person_erase
from inspira.surveys.models import Invitation
from tests.factories import EventFactory, InvitationFactory, SurveyFactory, UserFactory
from tests.panel.factories import (
    ChatQuestionFactory,
    MemberFactory,
    SubmissionFactory,
    panel_on,
    teacher,
)
from tests.privacy.conftest import traces_of_person

pytestmark = pytest.mark.django_db

NAME = "Örjan D'Zettervall"
EMAIL = "orjan.zettervall@skola.example.se"


@pytest.fixture
def world():
    """Örjan is a member who asked and supported in a chat, raised a question (not published), shared
    a good example (published, with his name) and supported someone else's; he has a pending survey
    invitation and a pending focus-group invitation."""
    panel = panel_on()
    member = MemberFactory(user=teacher(name=NAME, email=EMAIL))
    person = member.user
    asked = ChatQuestionFactory(author=person, text=f"Jag, {NAME}, undrar över läxhjälpen.")
    other = ChatQuestionFactory(chat=asked.chat)
    ChatSupport.objects.create(question=other, user=person)
    unpublished = SubmissionFactory(author=person, title="Mindre administration")
    example = SubmissionFactory(author=person, kind=Submission.Kind.EXAMPLE, title="Utomhusmatte",
                                show_name=True, channels_consent=True, published_at=timezone.now())
    SubmissionSupport.objects.create(submission=SubmissionFactory(), user=person)
    invitation = InvitationFactory(user=person, survey=SurveyFactory(programme=panel))
    draw = draw_make(purpose="focus_group", event=EventFactory(programme=panel, kind="focus_group"),
                     members=Member.objects.filter(pk=member.pk), actor=None, sizes={member.stratum: 1})
    focus = FocusInvite.objects.create(draw=draw, member=member, stratum=member.stratum, invited_at=timezone.now())
    return {"person": person, "member": member, "asked": asked, "unpublished": unpublished, "example": example,
            "invitation": invitation, "focus": focus}


def _export(person) -> dict:
    _name, content = export_build(user=person)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_download_holds_membership_questions_supports_and_examples(world):
    categories = json.loads(_export(world["person"])["personuppgifter.json"])["categories"]
    for key in ("panel_memberships", "panel_chat_questions", "panel_chat_supports",
                "panel_submission_supports", "panel_focus_invitations"):
        assert len(categories[key]) == 1, key
    [membership] = categories["panel_memberships"]
    assert membership["consent_version"] == 1 and membership["ended"] is None
    assert "läxhjälpen" in categories["panel_chat_questions"][0]["question"]
    assert [s["title"] for s in categories["panel_submissions"]] == ["Mindre administration", "Utomhusmatte"]
    assert categories["panel_focus_invitations"][0]["state"] == str(FocusInvite.State.INVITED.label)
    keys = {key for rows in categories.values() for r in rows for key in r}
    assert keys <= set(COLUMN_LABELS), keys - set(COLUMN_LABELS)  # every column gets a Swedish heading


def test_erasure_ends_the_membership_and_cancels_pending_invitations(world, django_user_model):
    admin = UserFactory(role="administrator")
    person_erase(person=world["person"], actor=admin)
    member = Member.objects.get(pk=world["member"].pk)
    assert member.user_id is None and member.ended_at is not None and member.ending == Member.Ending.LEFT
    assert not Invitation.objects.filter(pk=world["invitation"].pk).exists()
    assert FocusInvite.objects.get(pk=world["focus"].pk).state == FocusInvite.State.CANCELLED


def test_erasure_keeps_published_texts_without_the_name_and_deletes_the_rest(world):
    admin = UserFactory(role="administrator")
    person_erase(person=world["person"], actor=admin)
    assert not Submission.objects.filter(pk=world["unpublished"].pk).exists()
    example = Submission.objects.get(pk=world["example"].pk)
    assert example.author_id is None and example.show_name is False and example.title == "Utomhusmatte"
    question = ChatQuestion.objects.get(pk=world["asked"].pk)
    assert question.author_id is None and "Zettervall" not in question.text
    # The counts hold: the supports stay, linked to no one.
    assert ChatSupport.objects.filter(user__isnull=True).count() == 1
    assert SubmissionSupport.objects.filter(user__isnull=True).count() == 1
    assert not traces_of_person("zettervall")
