"""The membership pages: the consent box is required, and the consent texts list costs the same whatever
its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspira.panel import membership
from inspira.panel.models import Member
from tests.panel.factories import consent_text, coordinator, panel_on, school_form, teacher

pytestmark = pytest.mark.django_db


def test_joining_without_the_consent_box_is_refused_next_to_the_field(client):
    panel_on()
    client.force_login(teacher())
    response = client.post(reverse("panel:join"), {
        "consent_text": consent_text().pk, "school_form": school_form().pk, "frequency_days": 30,
        "focus_groups": "False"})
    assert response.status_code == 200
    # The message sits at the consent field, in Swedish.
    assert response.context["form"].errors["consent"] == ["Kryssa i rutan för att godkänna samtyckestexten."]
    assert not Member.objects.exists()


def test_the_consent_texts_cost_the_same_whatever_their_number(client):
    user = coordinator()
    client.force_login(user)
    client.get(reverse("panel:consent_texts"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("panel:consent_texts"))
    for n in range(5):
        membership.consent_text_publish(actor=user, body=f"Text {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("panel:consent_texts"))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_a_subject_id_past_the_databases_range_is_an_invalid_choice(db):
    from inspira.panel.forms_members import SettingsForm

    form = SettingsForm(data={"school_form": school_form().pk, "subjects": [str(2**70)], "frequency_days": 30,
                              "focus_groups": "True"})
    assert not form.is_valid() and "subjects" in form.errors
