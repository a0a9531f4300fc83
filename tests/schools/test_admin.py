import pytest
from django.urls import reverse

from inspira.schools.models import SchoolForm


@pytest.mark.parametrize("model", ["school", "district", "schoolform"])
def test_admin_lists_the_model(admin_client, school, model):
    assert admin_client.get(reverse(f"admin:schools_{model}_changelist")).status_code == 200


def test_admin_school_change_page_opens(admin_client, school):
    assert admin_client.get(reverse("admin:schools_school_change", args=[school.pk])).status_code == 200


def test_school_forms_are_read_only_in_the_admin(admin_client, db):
    school_form = SchoolForm.objects.get(code=SchoolForm.Code.COMPULSORY)
    assert admin_client.get(reverse("admin:schools_schoolform_add")).status_code == 403
    assert admin_client.post(reverse("admin:schools_schoolform_delete", args=[school_form.pk]),
                             {"post": "yes"}).status_code == 403
    admin_client.post(reverse("admin:schools_schoolform_change", args=[school_form.pk]),
                      {"code": "komvux", "position": 99})
    school_form.refresh_from_db()
    assert (school_form.code, school_form.position) != ("komvux", 99)
