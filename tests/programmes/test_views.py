from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.programmes.models import ProgrammeCoordinator
from tests.factories import ProgrammeCoordinatorFactory, UserFactory, programme

LIST = reverse("programmes:list")


def _add_url(key="tailor_made"):
    return reverse("programmes:coordinator_add", args=[key])


def test_the_list_shows_each_programme_its_state_and_coordinators(client_for, administrator):
    ProgrammeCoordinatorFactory(programme=programme("tailor_made"), user=UserFactory(name="Pia Pedagog"))
    content = client_for(administrator).get(LIST).content.decode()
    assert "Skräddarsydda insatser" in content and "Pia Pedagog" in content
    assert content.count('name="active" value="on"') == 4 and content.count('name="active" value="off"') == 1


def test_the_list_runs_a_constant_number_of_queries(client_for, administrator, django_assert_num_queries):
    client = client_for(administrator)
    client.get(LIST)  # the session and the two-factor device, read once
    counts = []
    for extra in (1, 6):
        for key in ("tailor_made", "benchmarking", "teacher_panel"):
            ProgrammeCoordinatorFactory.create_batch(extra, programme=programme(key))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # the session, the person, the two-factor device, the programmes, their coordinators with their people
    with django_assert_num_queries(counts[0]):
        client.get(LIST)
    assert counts[0] <= 6


def test_switching_on_says_so_and_the_programme_is_on(client_for, administrator):
    response = client_for(administrator).post(reverse("programmes:switch", args=["teacher_panel"]),
                                              {"active": "on"}, follow=True)
    assert programme("teacher_panel").is_active
    assert "Programmet Lärarpanelen är påslaget" in response.content.decode()


def test_a_switch_without_a_state_changes_nothing(client_for, administrator):
    client_for(administrator).post(reverse("programmes:switch", args=["inspiration_sites"]), {"active": "maybe"})
    assert programme("inspiration_sites").is_active and not AuditEvent.objects.exists()


def test_an_unknown_programme_is_404(client_for, administrator):
    assert client_for(administrator).post(reverse("programmes:switch", args=["chess"]),
                                          {"active": "on"}).status_code == 404


def test_the_search_finds_people_with_folded_letters(client_for, administrator):
    UserFactory(name="Åsa Öberg", email="asa.oberg@example.se")
    UserFactory(name="Bo Berg", email="bo@example.se")
    content = client_for(administrator).get(_add_url(), {"q": "åsa ö"}).content.decode()
    assert "Åsa Öberg" in content and "Bo Berg" not in content


def test_choosing_a_person_names_them_coordinator(client_for, administrator):
    person = UserFactory(name="Pia Pedagog", email="pia@example.se")
    response = client_for(administrator).post(_add_url() + "?q=pia", {"person": person.pk})
    assert response.status_code == 302
    assert ProgrammeCoordinator.objects.filter(programme__key="tailor_made", user=person).exists()


def test_a_second_time_the_error_is_shown_next_to_the_person(client_for, administrator):
    person = ProgrammeCoordinatorFactory(programme=programme("tailor_made"), user=UserFactory(name="Pia Pedagog")).user
    response = client_for(administrator).post(_add_url() + "?q=pia", {"person": person.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["person"] == [
        "Pia Pedagog samordnar redan det här programmet."]
    assert 'id="error_1_id_person"' in response.content.decode() or "invalid-feedback" in response.content.decode()


def test_nobody_chosen_is_an_error_next_to_the_field(client_for, administrator):
    UserFactory(name="Pia Pedagog")
    response = client_for(administrator).post(_add_url() + "?q=pia", {})
    assert "person" in response.context["form"].errors
    assert not ProgrammeCoordinator.objects.exists()


def test_removing_a_coordinator(client_for, administrator):
    coordinator = ProgrammeCoordinatorFactory(programme=programme("tailor_made"))
    response = client_for(administrator).post(
        reverse("programmes:coordinator_remove", args=["tailor_made", coordinator.user_id]))
    assert response.status_code == 302 and not ProgrammeCoordinator.objects.exists()


def test_only_administrators_manage_programmes(client_for, director, staff):
    for person in (director, staff):
        client = client_for(person)
        assert client.get(LIST).status_code == 403
        assert client.post(reverse("programmes:switch", args=["teacher_panel"]), {"active": "on"}).status_code == 403
    assert not programme("teacher_panel").is_active
