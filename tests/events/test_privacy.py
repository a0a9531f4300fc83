import io
import json
import zipfile

import pytest

from inspira.events.models import Event
from inspira.privacy.services import export_build, person_erase
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
NAME = "Örjan D'Zettervall"
EMAIL = "orjan.zettervall@skola.example.se"


def test_the_download_lists_the_events_a_person_created_and_erasure_removes_their_name_from_texts(
        django_capture_on_commit_callbacks):
    person = UserFactory(name=NAME, email=EMAIL)
    event = EventFactory(created_by=person, description=f"Frågor till {NAME}, {EMAIL}.",
                         cancellation_reason=f"{NAME} är sjuk")
    _name, content = export_build(user=person)
    actions = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("personuppgifter.json"))["categories"][
        "event_actions"]
    assert [row["record_id"] for row in actions] == [event.pk]
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=person, actor=UserFactory(role="administrator"))
    event = Event.objects.get(pk=event.pk)
    assert "Zettervall" not in event.description + event.cancellation_reason
    assert EMAIL not in event.description and event.created_by_id == person.pk


def test_registrations_are_in_the_download_and_erasure_empties_names_and_answers_but_keeps_the_count(
        django_capture_on_commit_callbacks):
    from inspira.events.models import Registration
    from tests.factories import RegistrationFactory

    person = UserFactory(name=NAME, email=EMAIL)
    registration = RegistrationFactory(user=person, answers={"1": "Glutenfri kost"},
                                       participant_names="Anna, Bo", participants=2, is_group=True)
    _name, content = export_build(user=person)
    rows = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("personuppgifter.json"))["categories"][
        "event_registrations"]
    assert [(row["record_id"], row["answers"]) for row in rows] == [(registration.pk, {"1": "Glutenfri kost"})]
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=person, actor=UserFactory(role="administrator"))
    registration = Registration.objects.get(pk=registration.pk)
    assert (registration.answers, registration.participant_names, registration.participants) == ({}, "", 2)
