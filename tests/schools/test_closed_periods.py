"""Closed days: the municipality's breaks (administrators) and a school's own study days (its
principal and administrators), read for the occasion rules by ``selectors.closed_days``."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.schools import demo, selectors, services
from inspira.schools.models import ClosedPeriod
from tests.factories import ClosedPeriodFactory


def period_data(**overrides) -> dict:
    return {"name": "Höstlov", "kind": "break", "starts_on": "2026-10-26", "ends_on": "2026-10-30"} | overrides


def test_closed_days_are_the_municipalitys_and_the_schools_own_in_one_query(
        school, other_school, django_assert_num_queries):
    ClosedPeriodFactory(name="Höstlov", starts_on=date(2026, 10, 26), ends_on=date(2026, 10, 30))
    ClosedPeriodFactory(school=school, name="Studiedag", starts_on=date(2026, 11, 13), ends_on=date(2026, 11, 13))
    ClosedPeriodFactory(school=other_school, name="Studiedag", starts_on=date(2026, 11, 12),
                        ends_on=date(2026, 11, 12))
    ClosedPeriodFactory(school=school, name="Stängt för ombyggnad", starts_on=date(2026, 10, 30),
                        ends_on=date(2026, 11, 2))
    with django_assert_num_queries(1):
        days = selectors.closed_days(school, date(2026, 10, 28), date(2026, 11, 30))
    assert days == {
        date(2026, 10, 28): "Höstlov", date(2026, 10, 29): "Höstlov",
        date(2026, 10, 30): "Stängt för ombyggnad",  # the school's own name where both close a day
        date(2026, 10, 31): "Stängt för ombyggnad", date(2026, 11, 1): "Stängt för ombyggnad",
        date(2026, 11, 2): "Stängt för ombyggnad", date(2026, 11, 13): "Studiedag",
    }
    assert date(2026, 11, 12) in selectors.closed_days(other_school, date(2026, 11, 12), date(2026, 11, 12))


def test_the_last_day_before_the_first_is_refused_by_service_and_database(administrator):
    with pytest.raises(ValidationError) as caught:
        services.closed_period_create(actor=administrator, school=None, name="Höstlov", kind="break",
                                      starts_on=date(2026, 10, 30), ends_on=date(2026, 10, 26))
    assert "ends_on" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosedPeriod.objects.create(name="Höstlov", starts_on=date(2026, 10, 30), ends_on=date(2026, 10, 26))
    assert not ClosedPeriod.objects.exists()


def test_an_administrator_adds_a_municipal_break_with_an_audit_row(client_for, administrator):
    client = client_for(administrator)
    response = client.post(reverse("schools:closed_period_create"), period_data())
    assert response.status_code == 302
    period = ClosedPeriod.objects.get()
    assert period.school is None and period.name == "Höstlov"
    event = AuditEvent.objects.get(action="closed_period.create")
    assert event.actor == administrator and event.object_id == str(period.pk)
    assert "Höstlov" in client.get(reverse("schools:closed_periods")).content.decode()


def test_the_last_day_before_the_first_is_shown_at_its_field_in_swedish(client_for, administrator):
    response = client_for(administrator).post(reverse("schools:closed_period_create"),
                                              period_data(ends_on="2026-10-20"))
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["Sista dagen kan inte vara före första dagen."]
    assert not ClosedPeriod.objects.exists()


def test_a_principal_keeps_the_schools_own_study_days(client_for, principal, school):
    client = client_for(principal)
    response = client.post(reverse("schools:school_closed_period_create", args=[school.pk]),
                           period_data(name="Studiedag", kind="study_day", starts_on="2026-11-13",
                                       ends_on="2026-11-13"))
    assert response.status_code == 302
    period = ClosedPeriod.objects.get()
    assert period.school == school and period.kind == ClosedPeriod.Kind.STUDY_DAY
    response = client.post(reverse("schools:closed_period_edit", args=[period.pk]),
                           period_data(name="Studiedag", kind="study_day", starts_on="2026-11-13",
                                       ends_on="2026-11-14"))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.ends_on == date(2026, 11, 14)
    assert "Studiedag" in client.get(reverse("schools:school_closed_periods", args=[school.pk])).content.decode()


def test_a_principal_cannot_touch_the_municipalitys_breaks(client_for, principal):
    break_ = ClosedPeriodFactory(name="Höstlov")
    client = client_for(principal)
    assert client.get(reverse("schools:closed_periods")).status_code == 403
    assert client.post(reverse("schools:closed_period_create"), period_data()).status_code == 403
    assert client.post(reverse("schools:closed_period_edit", args=[break_.pk]),
                       period_data(name="Sportlov")).status_code == 403
    assert client.post(reverse("schools:closed_period_delete", args=[break_.pk])).status_code == 403
    break_.refresh_from_db()
    assert break_.name == "Höstlov"


def test_removing_asks_first_then_removes(client_for, administrator):
    period = ClosedPeriodFactory(name="Sportlov")
    client = client_for(administrator)
    url = reverse("schools:closed_period_delete", args=[period.pk])
    response = client.get(url)
    assert response.status_code == 200 and "Ta bort Sportlov" in response.content.decode()
    assert ClosedPeriod.objects.exists()
    assert client.post(url).status_code == 302
    assert not ClosedPeriod.objects.exists()
    assert AuditEvent.objects.filter(action="closed_period.delete", actor=administrator).count() == 1


@pytest.mark.parametrize("count", [2, 30])
def test_list_query_count_does_not_grow_with_periods(client_for, administrator, django_assert_num_queries, count):
    ClosedPeriodFactory.create_batch(count)
    client = client_for(administrator)
    client.get(reverse("schools:closed_periods"))  # warm the session
    # The session, the person, the count, the page and the layout's own: the same for 2 as for 30.
    with django_assert_num_queries(5):
        response = client.get(reverse("schools:closed_periods"))
    assert len(response.context["page_obj"].object_list) == min(count, 25)


def test_the_demo_breaks_are_loaded_once(db, capsys):
    class Out:
        def write(self, text):
            print(text)

    demo.load(stdout=Out(), today=date(2026, 12, 6))
    demo.load(stdout=Out(), today=date(2026, 12, 6))
    names = list(ClosedPeriod.objects.filter(school=None).values_list("name", "starts_on"))
    assert len(names) == 8
    assert ("Höstlov", date(2026, 10, 26)) in names and ("Sportlov", date(2027, 3, 1)) in names
