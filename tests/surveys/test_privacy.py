"""Invitations belong to the person: in their download, erased with them. Answers are anonymous and stay."""

from inspira.privacy import registry
from inspira.privacy.services import person_erase
from inspira.surveys import services
from inspira.surveys.models import Invitation, Response, Survey
from inspira.surveys.services import invitation_token
from tests.factories import InvitationFactory, UserFactory, evaluation_survey


def test_invitations_are_in_the_download_and_erased_but_answers_stay(db, administrator):
    survey, single, _multiple, scale, _text = evaluation_survey(title="Kickoffens utvärdering",
                                                                created_by=UserFactory())
    person = UserFactory()
    invitation = InvitationFactory(survey=survey, user=person)
    services.survey_answer(token=invitation_token(invitation),
                           answers={single.pk: single.choices.first().pk, scale.pk: 2})
    InvitationFactory(survey=survey)  # someone else's

    categories = {c.key: c for c in registry.export_categories(person)}
    rows = categories["survey_invitations"].rows
    assert [(row["survey"], row["answered"]) for row in rows] == [("Kickoffens utvärdering", True)]

    person_erase(person=person, actor=administrator)
    assert not Invitation.objects.filter(user=person).exists()
    assert Invitation.objects.count() == 1
    assert Response.objects.count() == 1

    creator = survey.created_by
    person_erase(person=creator, actor=administrator)
    assert Survey.objects.get(pk=survey.pk).created_by is None
