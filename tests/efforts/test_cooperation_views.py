"""The cooperation programmes' pages: the forms' wiring and messages, who may do what, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.efforts.models import Area, CooperationProgramme, Document, Effort, Level
from tests.efforts.factories import (
    CooperationFactory,
    DocumentFactory,
    PartnerFactory,
    cooperation_coordinator,
    cooperation_on,
    principal_of,
    process_leader_of,
    unit_effort,
)
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return cooperation_coordinator()


def _partners(rows, initial=0) -> dict:
    data = {"partners-TOTAL_FORMS": str(len(rows)), "partners-INITIAL_FORMS": str(initial),
            "partners-MIN_NUM_FORMS": "0", "partners-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data |= {f"partners-{i}-{name}": value for name, value in row.items()}
    return data


def programme_data(**changes) -> dict:
    areas = Area.objects.order_by("position")
    data = {"title": "Samverkan för bästa skola", "description": "Tre år med Skolverket.",
            "first_year": "2024", "last_year": "2026", "areas": [str(a.pk) for a in areas[:5]],
            "process_leaders": []}
    data |= _partners([{"name": "Skolverket", "role": "Väljer ut huvudmän"},
                       {"name": "Stockholms universitet", "role": "Processledare"}, {"name": "", "role": ""}])
    return data | changes


def test_a_coordinator_sets_up_a_programme_with_partners(client_for, manager):
    leader = UserFactory(name="Pia Processledare")
    response = client_for(manager).post(reverse("cooperation:programme_create"),
                                        programme_data(process_leaders=[str(leader.pk)]), follow=True)

    cooperation = CooperationProgramme.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cooperation:programme_detail", args=[cooperation.pk])
    assert [p.name for p in cooperation.partners.all()] == ["Skolverket", "Stockholms universitet"]
    assert cooperation.areas.count() == 5 and list(cooperation.process_leaders.all()) == [leader]
    assert list(response.context["messages"])


def test_the_programme_form_says_what_is_wrong_in_swedish_at_the_field(client_for, manager):
    response = client_for(manager).post(reverse("cooperation:programme_create"),
                                        programme_data(last_year="2020", areas=[]))
    form = response.context["form"]
    assert "före det första" in form.errors["last_year"][0]
    assert "utvecklingsområde" in form.errors["areas"][0]
    assert not CooperationProgramme.objects.exists()


def test_a_partner_named_twice_is_refused(client_for, manager):
    data = programme_data() | _partners([{"name": "Skolverket"}, {"name": "Skolverket"}])
    response = client_for(manager).post(reverse("cooperation:programme_create"), data)
    assert "två gånger" in str(response.context["partners"].non_form_errors())
    assert not CooperationProgramme.objects.exists()


def test_a_partner_is_removed_and_another_added_on_the_edit_page(client_for, manager):
    cooperation = CooperationFactory()
    PartnerFactory(cooperation=cooperation, name="Skolverket", position=0)
    PartnerFactory(cooperation=cooperation, name="Gamla partnern", position=1)
    client = client_for(manager)
    page = client.get(reverse("cooperation:programme_edit", args=[cooperation.pk]))
    assert page.context["partners"].total_form_count() == 4  # the two, and two empty rows

    data = programme_data(title=cooperation.title) | _partners([
        {"name": "Skolverket", "role": ""}, {"name": "Gamla partnern", "role": "", "DELETE": "on"},
        {"name": "Stockholms universitet", "role": "Processledare"}, {"name": "", "role": ""}], initial=2)
    client.post(reverse("cooperation:programme_edit", args=[cooperation.pk]), data)

    assert [p.name for p in cooperation.partners.all()] == ["Skolverket", "Stockholms universitet"]


def effort_data(cooperation, process_leader, **changes) -> dict:
    return {"title": "Språkutvecklande arbetssätt i alla ämnen", "level": Level.SCHOOL_UNIT,
            "area": str(cooperation.areas.first().pk), "schools": [str(SchoolFactory().pk)],
            "leader": str(process_leader.pk), "goals": "Alla lärare stöttar språket."} | changes


def test_a_coordinator_adds_a_running_effort(client_for, manager):
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    response = client_for(manager).post(reverse("cooperation:effort_create", args=[cooperation.pk]),
                                        effort_data(cooperation, leader), follow=True)
    effort = Effort.objects.get()
    assert effort.state == Effort.State.RUNNING and effort.leader == leader
    assert response.redirect_chain[-1][0] == reverse("cooperation:effort_detail", args=[effort.pk])


def test_the_effort_form_says_the_units_do_not_fit_the_level(client_for, manager):
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    client = client_for(manager)
    political = client.post(reverse("cooperation:effort_create", args=[cooperation.pk]),
                            effort_data(cooperation, leader, level=Level.POLITICAL))
    assert "lämna enheterna tomma" in political.context["form"].errors["schools"][0]
    units = client.post(reverse("cooperation:effort_create", args=[cooperation.pk]),
                        effort_data(cooperation, leader, schools=[]))
    assert "minst en skolenhet" in units.context["form"].errors["schools"][0]
    stranger = client.post(reverse("cooperation:effort_create", args=[cooperation.pk]),
                           effort_data(cooperation, leader, leader=str(UserFactory().pk)))
    assert "leader" in stranger.context["form"].errors
    assert not Effort.objects.exists()


def test_a_process_leader_documents_the_effort_through_the_one_documentation_service(client_for):
    cooperation_on()
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    school = SchoolFactory()
    effort = unit_effort(cooperation, [school], leader=leader)
    client = client_for(leader)

    response = client.post(reverse("cooperation:effort_document", args=[effort.pk]), {
        "kind": Document.Kind.LESSON, "title": "Kollegialt lärande kräver tid", "text": "Schemalagd tid hjälpte.",
        "school": str(school.pk), "happened_on": "2026-11-20"}, follow=True)

    document = Document.objects.get()
    assert (document.kind, document.school, document.author) == (Document.Kind.LESSON, school, leader)
    assert AuditEvent.objects.filter(action="effort.documented", actor=leader).count() == 1
    assert "Kollegialt lärande kräver tid" in response.text


def test_documentation_without_text_or_file_is_refused_at_the_field(client_for):
    cooperation_on()
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    effort = unit_effort(cooperation, [SchoolFactory()], leader=leader)
    response = client_for(leader).post(reverse("cooperation:effort_document", args=[effort.pk]),
                                       {"kind": "note", "title": "Träff 3", "text": " "})
    assert "Skriv något" in response.context["form"].errors["text"][0]
    assert not Document.objects.exists()


def test_a_process_leader_of_another_programme_is_refused(client_for):
    cooperation_on()
    cooperation, other = CooperationFactory(), CooperationFactory(title="Ett annat program")
    effort = unit_effort(cooperation, [SchoolFactory()], leader=process_leader_of(cooperation))
    outsider = process_leader_of(other)
    client = client_for(outsider)

    for name, pk in (("programme_detail", cooperation.pk), ("programme_lessons", cooperation.pk),
                     ("programme_report_pdf", cooperation.pk), ("programme_report_xlsx", cooperation.pk),
                     ("effort_detail", effort.pk), ("effort_document", effort.pk), ("effort_end", effort.pk),
                     ("programme_edit", cooperation.pk), ("effort_create", cooperation.pk),
                     ("seminar_create", cooperation.pk), ("effort_edit", effort.pk)):
        assert client.get(reverse(f"cooperation:{name}", args=[pk])).status_code == 403, name
    assert client.get(reverse("cooperation:programme_detail", args=[other.pk])).status_code == 200
    listed = client.get(reverse("cooperation:programme_list"))
    assert [c.pk for c in listed.context["page_obj"]] == [other.pk]


def test_the_units_principal_sees_the_effort_but_its_log_only_after_it_ended(client_for):
    cooperation_on()
    cooperation = CooperationFactory()
    school = SchoolFactory()
    effort = unit_effort(cooperation, [school], leader=process_leader_of(cooperation))
    DocumentFactory(effort=effort, title="Anteckning från träff 1")
    principal = principal_of(school)
    client = client_for(principal)

    running = client.get(reverse("cooperation:effort_detail", args=[effort.pk]))
    assert running.status_code == 200 and "Anteckning från träff 1" not in running.text
    assert client.get(reverse("cooperation:effort_document", args=[effort.pk])).status_code == 403
    assert client.get(reverse("cooperation:programme_detail", args=[cooperation.pk])).status_code == 403

    client_for(effort.leader).post(reverse("cooperation:effort_end", args=[effort.pk]))
    effort.refresh_from_db()
    assert effort.state == Effort.State.ENDED
    client = client_for(principal)
    assert "Anteckning från träff 1" in client.get(reverse("cooperation:effort_detail", args=[effort.pk])).text


def test_an_ended_effort_takes_no_more_documentation(client_for):
    cooperation_on()
    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    effort = unit_effort(cooperation, [SchoolFactory()], leader=leader, state=Effort.State.ENDED)
    response = client_for(leader).post(reverse("cooperation:effort_document", args=[effort.pk]),
                                       {"kind": "note", "title": "Sent", "text": "För sent"})
    assert response.status_code == 302 and not Document.objects.exists()


def test_the_seminar_form_makes_the_closing_seminar(client_for, manager):
    cooperation = CooperationFactory()
    response = client_for(manager).post(reverse("cooperation:seminar_create", args=[cooperation.pk]), {
        "day": "2027-05-20", "starts": "09:00", "ends": "15:00", "place": "Stadshuset", "capacity": "80"},
        follow=True)
    cooperation.refresh_from_db()
    assert cooperation.closing_seminar.capacity == 80
    assert list(response.context["messages"])
    again = client_for(manager).get(reverse("cooperation:seminar_create", args=[cooperation.pk]))
    assert again.status_code == 302  # one seminar a programme


def test_the_seminar_form_refuses_an_end_before_the_start(client_for, manager):
    cooperation = CooperationFactory()
    response = client_for(manager).post(reverse("cooperation:seminar_create", args=[cooperation.pk]), {
        "day": "2027-05-20", "starts": "15:00", "ends": "09:00", "place": "Stadshuset", "capacity": "80"})
    assert "sluta efter" in response.context["form"].errors["ends"][0]
    cooperation.refresh_from_db()
    assert cooperation.closing_seminar is None


def _grow(cooperation, leader, count: int) -> None:
    areas = list(cooperation.areas.all())
    for i in range(count):
        effort = unit_effort(cooperation, [SchoolFactory(), SchoolFactory()], leader=leader, area=areas[i % len(areas)])
        DocumentFactory(effort=effort, kind=Document.Kind.LESSON)
        DocumentFactory(effort=effort, kind=Document.Kind.GOOD_EXAMPLE, school=effort.schools.first())


@pytest.mark.parametrize("page", ["programme_detail", "programme_lessons", "programme_list"])
def test_the_programme_pages_keep_their_queries_as_the_programme_grows(client_for, manager, page):
    from tests.efforts.factories import closing_seminar

    cooperation = CooperationFactory()
    leader = process_leader_of(cooperation)
    closing_seminar(cooperation, actor=manager)
    _grow(cooperation, leader, 2)
    client = client_for(manager)
    url = reverse(f"cooperation:{page}", args=[] if page == "programme_list" else [cooperation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(cooperation, leader, 18)
    member(cooperation.efforts.first().schools.first())
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    if page == "programme_detail":
        assert len(response.context["overview"].efforts) == 20
    assert len(large) == len(small), "\n".join(q["sql"] for q in large.captured_queries)


def test_the_effort_page_keeps_its_queries_as_the_log_grows(client_for, manager):
    cooperation = CooperationFactory()
    effort = unit_effort(cooperation, [SchoolFactory()], leader=process_leader_of(cooperation))
    DocumentFactory(effort=effort)
    client = client_for(manager)
    url = reverse("cooperation:effort_detail", args=[effort.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    DocumentFactory.create_batch(20, effort=effort, school=effort.schools.first(), author=UserFactory())
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def _menu_urls(client) -> list[str]:
    response = client.get(reverse("catalogue:index"))
    urls = []
    for item in response.context["menu_items"]:
        urls += [child.url for child in item.children] if item.children else [item.url]
    return urls


def test_the_menu_has_the_programmes_for_those_who_set_them_up(client_for, manager):
    assert reverse("cooperation:programme_list") in _menu_urls(client_for(manager))
    teacher = member(SchoolFactory())
    assert reverse("cooperation:programme_list") not in _menu_urls(client_for(teacher))
