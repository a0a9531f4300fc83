"""Bad input to the school form is a form error, never a server error (regressions found by tests/fuzz)."""

from django.urls import reverse

from inspira.schools.models import School


def test_a_school_form_id_past_the_integer_range_is_an_invalid_choice(client_for, administrator, school_post_data):
    # Django checks the ticked ids with pk__in, which sent the number to the database: a server error.
    response = client_for(administrator).post(reverse("schools:create"), school_post_data | {
        "school_forms": ["99999999999999999999"]})
    assert response.status_code == 200
    assert "school_forms" in response.context["form"].errors
    assert not School.objects.filter(unit_code="87654321").exists()
