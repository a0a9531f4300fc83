"""After a member answers a panel survey, no row of any table links the member to their answers."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from inspira.panel.surveys import panel_survey_create, survey_draw, survey_send
from inspira.surveys.models import Answer, Invitation, Response
from inspira.surveys.services import invitation_token, question_add, survey_answer
from tests.panel.factories import MemberFactory, coordinator

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "Läxfri skola är min dröm 7391"


def _all_rows():
    """Every row of every table, auto-created M2M tables included, as (table, {column: value})."""
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in seen or not model._meta.managed:
            continue
        seen.add(table)
        for row in model._base_manager.values():
            yield model, row


def test_no_row_links_the_member_to_the_answer():
    actor = coordinator()
    member = MemberFactory()
    MemberFactory()  # a second invited member who does not answer
    survey = panel_survey_create(title="Läxor", closes_at=timezone.now() + timedelta(days=14), actor=actor)
    question = question_add(survey=survey, kind="text", text="Vad tycker du om läxor?", required=True,
                            actor=actor)
    survey_draw(survey=survey, actor=actor)
    survey_send(survey=survey, actor=actor)
    invitation = Invitation.objects.get(survey=survey, user=member.user)
    survey_answer(token=invitation_token(invitation), answers={str(question.pk): SECRET_ANSWER})

    response = Response.objects.get(survey=survey)
    answers = list(Answer.objects.filter(response=response))
    assert answers
    answer_ids = {a.pk for a in answers}
    member_marks = {str(member.user_id), member.user.email, str(member.pk), str(invitation.pk)}

    for model, row in _all_rows():
        if model in (Answer, Response):
            # The answer rows themselves hold nothing of the person.
            values = {str(v) for v in row.values() if v is not None}
            assert not (values & {member.user.email}), model
            names = set(row)
            assert not names & {"user_id", "member_id", "invitation_id", "email"}, model
            continue
        text = " ".join(str(v) for v in row.values() if v is not None)
        holds_answer = SECRET_ANSWER in text or any(
            str(row.get(f)) == str(response.pk) for f in row if f.endswith("response_id")) or any(
            str(row.get(f)) in {str(i) for i in answer_ids} for f in row if f.endswith("answer_id"))
        if not holds_answer:
            continue
        # A row that carries the answer (or points at it) must not also name the member.
        values = {str(v) for v in row.values() if v is not None}
        person_fields = {f for f in row if f in ("user_id", "member_id", "invitation_id", "actor_id")}
        assert not any(str(row[f]) in member_marks for f in person_fields), (model, row)
        assert member.user.email not in text, (model, row)
        assert not (values & member_marks - {str(member.pk), str(invitation.pk)}), (model, row)
    # The invitation knows only that the member answered, nothing of what or when exactly.
    inv_row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert SECRET_ANSWER not in " ".join(str(v) for v in inv_row.values())
    assert not any(str(v) in {str(response.pk)} | {str(i) for i in answer_ids}
                   for k, v in inv_row.items() if k.endswith("_id") and k not in ("survey_id", "user_id"))
