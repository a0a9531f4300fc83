import pytest
from django.urls import reverse
from django.utils import translation

from inspira.accounts.models import Membership
from inspira.core.models import AuditEvent
from inspira.schools.models import School, SchoolForm
from tests.factories import DistrictFactory, MembershipFactory, SchoolFactory, UserFactory

LIST = reverse("schools:list")
CREATE = reverse("schools:create")


def _names(response):
    return [school.name for school in response.context["page_obj"]]


# --- Access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["administrator", "director", "finance"])
def test_central_roles_see_the_school_list(request, client_for, role, school):
    response = client_for(request.getfixturevalue(role)).get(LIST)
    assert response.status_code == 200
    assert _names(response) == ["Vasaskolan"]


@pytest.mark.parametrize("role", ["staff", "principal"])
def test_school_people_may_not_see_the_school_list(request, client_for, role):
    assert client_for(request.getfixturevalue(role)).get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ["director", "finance", "staff", "principal"])
def test_only_administrators_may_add_a_school(request, client_for, role, school_post_data):
    client = client_for(request.getfixturevalue(role))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, school_post_data).status_code == 403
    assert not School.objects.filter(name="Engelbrektsskolan").exists()


@pytest.mark.parametrize("role", ["director", "finance", "principal"])
def test_only_administrators_may_edit_a_school(request, client_for, role, school):
    url = reverse("schools:edit", args=[school.pk])
    client = client_for(request.getfixturevalue(role))
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    school.refresh_from_db()
    assert school.name == "Vasaskolan"


@pytest.mark.parametrize("role", ["administrator", "director", "finance", "staff", "principal"])
def test_central_roles_and_members_see_the_school(request, client_for, role, school):
    response = client_for(request.getfixturevalue(role)).get(reverse("schools:detail", args=[school.pk]))
    assert response.status_code == 200
    assert school.unit_code in response.content.decode()


def test_people_of_another_school_may_not_see_the_school(client_for, other_school, school):
    outsider = MembershipFactory(school=other_school).user
    assert client_for(outsider).get(reverse("schools:detail", args=[school.pk])).status_code == 403


def test_an_unconfirmed_member_may_not_see_the_school(client_for, school):
    waiting = MembershipFactory(school=school, confirmed_at=None).user
    assert client_for(waiting).get(reverse("schools:detail", args=[school.pk])).status_code == 403


def test_a_person_without_school_or_role_may_not_see_a_school(client_for, school):
    assert client_for(UserFactory()).get(reverse("schools:detail", args=[school.pk])).status_code == 403


def test_missing_school_is_404(client_for, administrator):
    assert client_for(administrator).get(reverse("schools:detail", args=[999999])).status_code == 404


# --- Detail links ---------------------------------------------------------------------------

def test_administrator_gets_edit_and_members_links_and_back_to_the_list(client_for, administrator, school):
    html = client_for(administrator).get(reverse("schools:detail", args=[school.pk])).content.decode()
    assert reverse("schools:edit", args=[school.pk]) in html
    assert reverse("accounts:school_members", args=[school.pk]) in html
    assert f'href="{LIST}"' in html


def test_principal_gets_members_link_but_no_edit_link_and_back_to_the_dashboard(client_for, principal, school):
    html = client_for(principal).get(reverse("schools:detail", args=[school.pk])).content.decode()
    assert reverse("schools:edit", args=[school.pk]) not in html
    assert reverse("accounts:school_members", args=[school.pk]) in html
    assert f'href="{reverse("core:dashboard")}"' in html
    assert f'href="{LIST}"' not in html


def test_staff_get_neither_edit_nor_members_link(client_for, staff, school):
    html = client_for(staff).get(reverse("schools:detail", args=[school.pk])).content.decode()
    assert reverse("schools:edit", args=[school.pk]) not in html
    assert reverse("accounts:school_members", args=[school.pk]) not in html


def test_director_gets_no_edit_link(client_for, director, school):
    html = client_for(director).get(reverse("schools:detail", args=[school.pk])).content.decode()
    assert reverse("schools:edit", args=[school.pk]) not in html


# --- List: search, filters, pagination ------------------------------------------------------

def test_list_is_sorted_by_name(client_for, director):
    for name in ["Östra skolan", "Adolf Fredriks musikskola", "Bagarmossens skola"]:
        SchoolFactory(name=name)
    assert _names(client_for(director).get(LIST)) == [
        "Adolf Fredriks musikskola", "Bagarmossens skola", "Östra skolan",
    ]


def test_list_searches_by_name(client_for, director, school, other_school):
    assert _names(client_for(director).get(LIST, {"q": "vasa"})) == ["Vasaskolan"]


def test_list_searches_by_unit_code(client_for, director):
    SchoolFactory(name="A", unit_code="11112222")
    SchoolFactory(name="B", unit_code="33334444")
    assert _names(client_for(director).get(LIST, {"q": "3333 4444"})) == ["B"]


def test_list_searches_by_organisation_number_with_or_without_hyphen(client_for, director):
    SchoolFactory(name="Municipal", organisation_number="212000-0142")
    SchoolFactory(name="Independent", organisation_number="556036-0793")
    client = client_for(director)
    assert _names(client.get(LIST, {"q": "556036-0793"})) == ["Independent"]
    assert _names(client.get(LIST, {"q": "5560360793"})) == ["Independent"]


def test_list_filters_by_district(client_for, director):
    SchoolFactory(name="North", district=DistrictFactory(name="Norrmalm"))
    south = DistrictFactory(name="Södermalm")
    SchoolFactory(name="South", district=south)
    assert _names(client_for(director).get(LIST, {"district": south.pk})) == ["South"]


def test_list_filters_by_school_form(client_for, director):
    SchoolFactory(name="Preschool", school_forms=[SchoolForm.Code.PRESCHOOL])
    SchoolFactory(name="Both", school_forms=[SchoolForm.Code.PRESCHOOL, SchoolForm.Code.COMPULSORY])
    SchoolFactory(name="Upper", school_forms=[SchoolForm.Code.UPPER_SECONDARY])
    response = client_for(director).get(LIST, {"school_form": SchoolForm.Code.PRESCHOOL})
    assert _names(response) == ["Both", "Preschool"]


def test_list_ignores_an_unknown_filter_value(client_for, director, school):
    response = client_for(director).get(LIST, {"district": "999999", "school_form": "nonsense", "q": "vasa"})
    assert response.status_code == 200
    assert _names(response) == ["Vasaskolan"]


def test_list_is_paginated_by_25(client_for, director):
    SchoolFactory.create_batch(30)
    client = client_for(director)
    assert len(_names(client.get(LIST))) == 25
    assert len(_names(client.get(LIST, {"page": 2}))) == 5


def test_list_pagination_keeps_the_search(client_for, director):
    for n in range(30):
        SchoolFactory(name=f"Vasa {n:02d}")
    SchoolFactory(name="Other")
    html = client_for(director).get(LIST, {"q": "vasa"}).content.decode()
    assert "?q=vasa&amp;page=2" in html


def test_list_shows_school_forms_and_district(client_for, director):
    SchoolFactory(name="Both", district=DistrictFactory(name="Kungsholmen"),
                  school_forms=[SchoolForm.Code.PRESCHOOL, SchoolForm.Code.COMPULSORY])
    html = client_for(director).get(LIST).content.decode()
    assert "Kungsholmen" in html
    assert str(SchoolForm.objects.get(code=SchoolForm.Code.PRESCHOOL)) in html


def test_list_empty_state_without_schools(client_for, administrator):
    response = client_for(administrator).get(LIST)
    assert b"empty-state" in response.content
    assert CREATE.encode() in response.content


def test_list_empty_state_when_nothing_matches(client_for, director, school):
    response = client_for(director).get(LIST, {"q": "no such school"})
    assert b"empty-state" in response.content
    assert _names(response) == []


def test_list_offers_add_only_to_administrators(client_for, director, school):
    assert CREATE.encode() not in client_for(director).get(LIST).content


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count_does_not_grow_with_schools(client_for, director, django_assert_num_queries, count):
    for n in range(count):
        SchoolFactory(school_forms=[SchoolForm.Code.PRESCHOOL, SchoolForm.Code.COMPULSORY],
                      district=DistrictFactory(name=f"District {n % 3}"))
    client = client_for(director)
    # session, user, two-factor device, count, schools, their school forms, districts and school forms for the
    # filters
    with django_assert_num_queries(8):
        client.get(LIST)


# --- Create ---------------------------------------------------------------------------------

def test_administrator_adds_a_school(client_for, administrator, school_post_data):
    response = client_for(administrator).post(CREATE, school_post_data, follow=True)

    school = School.objects.get(unit_code="87654321")
    assert response.redirect_chain[-1][0] == reverse("schools:detail", args=[school.pk])
    assert school.organisation_number == "212000-0142"
    assert school.postal_code == "114 22"
    assert school.school_forms.count() == 2
    assert list(response.context["messages"])
    assert AuditEvent.objects.filter(action="school.create", actor=administrator).exists()


def _post_invalid(client, data, field):
    response = client.post(CREATE, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert not School.objects.filter(name="Engelbrektsskolan").exists()
    assert not AuditEvent.objects.exists()
    return response


@pytest.mark.parametrize(("field", "value"), [
    ("unit_code", "1234567"),
    ("organisation_number", "212000-0143"),
    ("organisation_number", "212000-014"),
    ("postal_code", "1142"),
    ("contact_email", "not an email"),
    ("name", ""),
    ("district", ""),
    ("school_forms", []),
])
def test_bad_input_saves_nothing_and_is_shown_next_to_the_field(client_for, administrator, school_post_data,
                                                                field, value):
    response = _post_invalid(client_for(administrator), school_post_data | {field: value}, field)
    html = response.content.decode()
    # crispy ties the message to the field (bootstrap's invalid-feedback below the input)
    assert "invalid-feedback" in html
    assert 'role="alert"' in html


def test_wrong_check_digit_gets_its_own_message(client_for, administrator, school_post_data):
    response = client_for(administrator).post(CREATE, school_post_data | {"organisation_number": "212000-0143"})
    [error] = response.context["form"].errors.as_data()["organisation_number"]
    assert error.code == "checksum"


def test_taken_unit_code_is_refused_next_to_the_field(client_for, administrator, school_post_data):
    SchoolFactory(unit_code="87654321", name="Existing")
    response = _post_invalid(client_for(administrator), school_post_data, "unit_code")
    [error] = response.context["form"].errors.as_data()["unit_code"]
    with translation.override("en"):
        assert str(error.message) == "Another school already has this school unit code."


def test_organisation_number_may_be_shared(client_for, administrator, school_post_data):
    SchoolFactory(organisation_number="212000-0142")
    client_for(administrator).post(CREATE, school_post_data)
    assert School.objects.filter(organisation_number="212000-0142").count() == 2


# --- Edit -----------------------------------------------------------------------------------

def test_administrator_edits_a_school(client_for, administrator, school, school_post_data):
    url = reverse("schools:edit", args=[school.pk])
    client = client_for(administrator)
    assert client.get(url).status_code == 200
    response = client.post(url, school_post_data | {"name": "Vasaskolan Norra", "unit_code": school.unit_code})

    assert response.status_code == 302
    assert response["Location"] == reverse("schools:detail", args=[school.pk])
    school.refresh_from_db()
    assert school.name == "Vasaskolan Norra"
    event = AuditEvent.objects.get(action="school.update")
    assert event.data["changes"]["name"] == ["Vasaskolan", "Vasaskolan Norra"]


def test_edit_form_shows_the_stored_values(client_for, administrator, school):
    response = client_for(administrator).get(reverse("schools:edit", args=[school.pk]))
    assert school.unit_code in response.content.decode()


def test_edit_with_bad_input_saves_nothing(client_for, administrator, school, other_school, school_post_data):
    url = reverse("schools:edit", args=[school.pk])
    response = client_for(administrator).post(
        url, school_post_data | {"name": "Renamed", "unit_code": other_school.unit_code}
    )
    assert response.status_code == 200
    assert "unit_code" in response.context["form"].errors
    school.refresh_from_db()
    assert school.name == "Vasaskolan"
    assert not AuditEvent.objects.exists()


def test_edit_without_changes_says_so(client_for, administrator, school):
    client = client_for(administrator)
    url = reverse("schools:edit", args=[school.pk])
    data = {
        "name": school.name, "unit_code": school.unit_code, "organisation_number": school.organisation_number,
        "school_forms": [str(pk) for pk in school.school_forms.values_list("pk", flat=True)],
        "district": str(school.district_id), "street_address": school.street_address,
        "postal_code": school.postal_code, "city": school.city, "invoice_address": school.invoice_address,
        "invoice_reference": school.invoice_reference, "invoice_email": school.invoice_email,
        "contact_email": school.contact_email,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_principal_sees_own_school_only(client_for, principal, school, other_school):
    client = client_for(principal)
    assert client.get(reverse("schools:detail", args=[school.pk])).status_code == 200
    assert client.get(reverse("schools:detail", args=[other_school.pk])).status_code == 403


def test_site_contact_sees_the_school(client_for, school):
    contact = MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT).user
    assert client_for(contact).get(reverse("schools:detail", args=[school.pk])).status_code == 200
