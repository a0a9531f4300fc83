"""What the visits forms save is what the models accept (regressions found by tests/fuzz)."""

import pytest
from django.urls import reverse

from inspira.visits import services
from inspira.visits.models import Feedback, Occasion

pytestmark = pytest.mark.usefixtures("fee_rules")


def test_feedback_through_the_link_without_logging_in_is_a_valid_row(client, past_visit, site_contact):
    # The link needs no login, so nobody is "submitted_by"; the model must allow that (it did not,
    # so the admin could not save such feedback again).
    booking = services.booking_complete(booking=past_visit, actor=site_contact)
    response = client.post(reverse("visits:feedback", args=[services.feedback_token(booking)]),
                           {"rating": "4", "takeaways": "Utematematik med måttband"})
    assert response.status_code == 302
    feedback = Feedback.objects.get(booking=booking)
    assert feedback.submitted_by is None
    feedback.full_clean()


def test_a_series_from_year_9999_is_a_form_error(client_for, certification, site_contact):
    # Eight weeks from 31 December 9999 is past the last date Python has: it was a server error.
    response = client_for(site_contact).post(reverse("visits:occasion_series", args=[certification.pk]), {
        "weekday": "0", "slot": "morning", "start_time": "09:00", "end_time": "12:00", "first_date": "9999-12-31",
        "weeks": "8", "place": "Aulan", "capacity": "15", "note": "", "step": "pattern"})
    assert response.status_code == 200
    assert "first_date" in response.context["form"].errors
    assert not Occasion.objects.exists()
