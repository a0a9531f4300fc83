"""The ways between the round's pages: each page leads on to the next and back, only for those who
may use the link; and "My benchmarking" and the groups page in constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.benchmarking.models import Interest, Round, Visit
from inspira.programmes.models import Programme
from inspira.programmes.state import forget
from tests.benchmarking.builders_publish import coordinator, proposed_round
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _published_place(teacher, *, first_day, title="Klasslärare åk 1–6") -> tuple[Round, Interest, Visit]:
    """A published round where ``teacher`` is an admitted member of a group of three and hosts its
    first visit (on ``first_day``)."""
    round_, (group,), _others = proposed_round(groups=1, size=3, first_day=first_day, title=title,
                                               stage=Round.Stage.PUBLISHED, published_at=timezone.now())
    hosted = Visit.objects.filter(group=group).order_by("date").first()
    Interest.objects.filter(group=group).update(decision=Interest.Decision.ADMITTED)
    Interest.objects.filter(pk=hosted.host_id).update(user=teacher)
    return round_, Interest.objects.get(pk=hosted.host_id), hosted


def _queries(client, url) -> int:
    client.get(url)  # warm: the programme switches and the session are read once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_benchmarking_queries_do_not_grow_with_published_registrations(client_for):
    teacher = member(SchoolFactory())
    client = client_for(teacher)
    url = reverse("benchmarking:mine")
    today = timezone.localdate()
    _published_place(teacher, first_day=today - timedelta(days=1))
    one = _queries(client, url)
    for n in range(4):
        _published_place(teacher, first_day=today + timedelta(days=n), title=f"Omgång {n}")
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 5
    assert response.content.decode().count("kalender.ics") == 15  # five groups' three visits each
    assert _queries(client, url) == one


def test_my_benchmarking_leads_to_the_dates_the_hosts_confirmation_and_the_quotes(client_for):
    teacher = member(SchoolFactory())
    today = timezone.localdate()
    round_, mine, held_day = _published_place(teacher, first_day=today)
    later_round, _later, later_visit = _published_place(teacher, first_day=today + timedelta(days=3), title="Senare")
    html = client_for(teacher).get(reverse("benchmarking:mine")).content.decode()
    assert reverse("benchmarking:my_dates", args=[round_.pk]) in html
    assert reverse("benchmarking:quotes_mine", args=[round_.pk]) in html
    # The host confirms a visit from its day on, not before.
    assert reverse("benchmarking:visit_held", args=[held_day.pk]) in html
    assert reverse("benchmarking:visit_held", args=[later_visit.pk]) not in html
    # A visit the teacher does not host has no such link for them.
    other_visit = Visit.objects.filter(group=mine.group).exclude(pk=held_day.pk).first()
    assert reverse("benchmarking:visit_held", args=[other_visit.pk]) not in html


def test_a_withdrawn_participant_gets_no_host_or_quotes_link(client_for):
    teacher = member(SchoolFactory())
    round_, mine, held_day = _published_place(teacher, first_day=timezone.localdate() - timedelta(days=1))
    Interest.objects.filter(pk=mine.pk).update(withdrawn_at=timezone.now())
    html = client_for(teacher).get(reverse("benchmarking:mine")).content.decode()
    assert reverse("benchmarking:visit_held", args=[held_day.pk]) not in html
    assert reverse("benchmarking:quotes_mine", args=[round_.pk]) not in html


def test_the_participants_pages_lead_back_to_my_benchmarking(client_for):
    teacher = member(SchoolFactory())
    round_, _mine, held_day = _published_place(teacher, first_day=timezone.localdate() - timedelta(days=1))
    client = client_for(teacher)
    back = f'href="{reverse("benchmarking:mine")}"'
    for url in (reverse("benchmarking:my_dates", args=[round_.pk]),
                reverse("benchmarking:quotes_mine", args=[round_.pk]),
                reverse("benchmarking:visit_held", args=[held_day.pk])):
        response = client.get(url)
        assert response.status_code == 200 and back in response.content.decode(), url


def test_the_round_page_leads_to_every_part_of_the_round_and_each_part_back(client_for):
    round_, _groups, _others = proposed_round(groups=1, size=3)
    client = client_for(coordinator())
    html = client.get(reverse("benchmarking:round_detail", args=[round_.pk])).content.decode()
    for name in ("proposal", "groups", "date_answers", "round_closing"):
        assert reverse(f"benchmarking:{name}", args=[round_.pk]) in html, name
    # Finance's claims only for those who may see them: a coordinator is not finance.
    assert reverse("benchmarking:finance_claims") not in html
    back = f'href="{reverse("benchmarking:round_detail", args=[round_.pk])}"'
    for name in ("proposal", "groups", "date_answers", "round_closing"):
        assert back in client.get(reverse(f"benchmarking:{name}", args=[round_.pk])).content.decode(), name
    visit = Visit.objects.filter(group__round=round_).first()
    Visit.objects.filter(pk=visit.pk).update(date=timezone.localdate())
    assert reverse("benchmarking:date_answers", args=[round_.pk]) in client.get(
        reverse("benchmarking:visit_held", args=[visit.pk])).content.decode()


def test_an_administrator_sees_the_rounds_claims_from_the_round_page(client_for):
    round_, _groups, _others = proposed_round(groups=1, size=3)
    administrator = UserFactory(role=User.Role.ADMINISTRATOR)
    html = client_for(administrator).get(reverse("benchmarking:round_detail", args=[round_.pk])).content.decode()
    assert f'{reverse("benchmarking:finance_claims")}?round={round_.pk}' in html


def test_a_principal_finds_the_schools_substitute_costs_while_the_programme_is_on(client_for):
    coordinator()  # switches the programme on
    school = SchoolFactory()
    principal = member(school, role=Membership.Role.PRINCIPAL)
    teacher = member(school)
    link = reverse("benchmarking:claims_school", args=[school.pk])
    assert link in client_for(principal).get(reverse("core:dashboard")).content.decode()
    assert client_for(principal).get(link).status_code == 200
    assert link not in client_for(teacher).get(reverse("core:dashboard")).content.decode()
    Programme.objects.filter(key="benchmarking").update(is_active=False)
    forget()
    assert link not in client_for(principal).get(reverse("core:dashboard")).content.decode()


def test_the_groups_page_queries_do_not_grow_with_the_groups(client_for):
    round_, _groups, _others = proposed_round(groups=1, size=3)
    client = client_for(coordinator())
    url = reverse("benchmarking:groups", args=[round_.pk])
    one = _queries(client, url)
    many_round, _groups, _others = proposed_round(groups=5, size=3, extra=3)
    assert _queries(client, reverse("benchmarking:groups", args=[many_round.pk])) == one


def test_the_proposal_page_states_the_selection_objective_in_swedish(client_for):
    round_, _groups, _others = proposed_round(groups=1, size=3)
    html = client_for(coordinator()).get(reverse("benchmarking:proposal", args=[round_.pk])).content.decode()
    assert "olika skolor: 3" in html and "schools:" not in html
