"""Anonymity by construction: nothing in the schema leads from an answer to a person."""

from django.contrib.auth import get_user_model
from django.db import models

from inspira.surveys.models import Answer, Invitation, Response

ALLOWED_TARGETS = {"surveys.Survey", "surveys.Question", "surveys.Choice", "surveys.Response"}


def _fields(model):
    return [f for f in model._meta.get_fields() if f.concrete]


def test_responses_and_answers_point_only_to_the_survey_and_its_questions():
    for model in (Response, Answer):
        for field in _fields(model):
            if field.is_relation:
                assert field.related_model._meta.label in ALLOWED_TARGETS, f"{model.__name__}.{field.name}"
                assert field.related_model not in (Invitation, get_user_model())


def test_nothing_points_from_an_invitation_or_a_person_to_an_answer():
    for model in (Invitation, get_user_model()):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model not in (Response, Answer), f"{model.__name__}.{field.name}"


def test_answers_carry_no_time_finer_than_the_day_and_no_address():
    for model in (Response, Answer):
        for field in _fields(model):
            assert not isinstance(field, models.DateTimeField | models.TimeField), f"{model.__name__}.{field.name}"
            assert not isinstance(field, models.GenericIPAddressField | models.EmailField)
            assert not any(word in field.name for word in ("ip", "address", "user", "email", "agent"))


def test_the_order_of_responses_in_the_table_says_nothing():
    # Sequential keys would line up with the order in which invitations turned "answered".
    assert isinstance(Response._meta.pk, models.UUIDField)
    assert isinstance(Answer._meta.pk, models.UUIDField)


def test_an_invitation_keeps_whether_not_when_it_was_answered():
    answered = Invitation._meta.get_field("answered")
    assert isinstance(answered, models.BooleanField)
    assert not [f.name for f in _fields(Invitation) if "answer" in f.name and f.name != "answered"]
