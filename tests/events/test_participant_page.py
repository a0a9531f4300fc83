"""The participants' page puts the other pieces together: the event's registration questions are asked
in its registration forms (the answers stored for the organisers), and its material is listed there
for whoever may see it."""

import pytest
from django.urls import reverse

from inspira.events.models import Registration, RegistrationQuestion
from tests.events.test_materials import _add
from tests.factories import EventFactory, RegistrationFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _question(event, **fields):
    return RegistrationQuestion.objects.create(event=event, position=1, text="Har du någon specialkost?",
                                               kind="text", **fields)


def test_the_registration_form_asks_the_events_questions_and_stores_the_answers(client_for):
    event = EventFactory(is_public=True)
    question = _question(event)
    person = UserFactory()
    client = client_for(person)
    assert "Har du någon specialkost?" in client.get(reverse("events:event", args=[event.pk])).content.decode()
    client.post(reverse("events:register", args=[event.pk]), {f"question_{question.pk}": "Vegetarisk"})
    assert Registration.objects.get(event=event, user=person).answers == {str(question.pk): "Vegetarisk"}


def test_a_required_question_left_empty_keeps_the_person_off_the_list_with_the_error_at_the_field(client_for, en):
    event = EventFactory(is_public=True)
    question = _question(event, required=True)
    response = client_for(UserFactory()).post(reverse("events:register", args=[event.pk]), {})
    assert response.status_code == 200
    assert f'id="error_1_id_question_{question.pk}"' in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_a_group_registration_answers_the_questions_too(client_for):
    event = EventFactory(is_public=True)
    question = _question(event)
    school = SchoolFactory()
    principal = member(school, "principal")
    client_for(principal).post(reverse("events:register_group", args=[event.pk]), {
        "school": school.pk, "participants": 3, f"question_{question.pk}": "Två vegetarianer"})
    group = Registration.objects.get(event=event, is_group=True)
    assert (group.participants, group.answers) == (3, {str(question.pk): "Två vegetarianer"})


def test_the_participants_page_lists_material_for_the_registered_only_to_them(client_for, administrator):
    event = EventFactory(is_public=True)
    _add(event, administrator, title="Bilder för deltagarna")
    _add(event, administrator, audience="everyone", title="Sammanfattning för alla")
    registered = RegistrationFactory(event=event).user
    url = reverse("events:event", args=[event.pk])
    theirs = client_for(registered).get(url).content.decode()
    assert "Bilder för deltagarna" in theirs and "Sammanfattning för alla" in theirs
    others = client_for(UserFactory()).get(url).content.decode()
    assert "Sammanfattning för alla" in others and "Bilder för deltagarna" not in others
