"""Every search box finds Å, Ä and Ö whatever their case, on SQLite as on PostgreSQL."""

import pytest
from django.urls import reverse

from inspira.core.audit import audit_record
from inspira.core.search import text_matches
from inspira.schools.models import School
from tests.catalogue.conftest import make_site
from tests.factories import SchoolFactory, UserFactory


def _page(client, url, **params):
    return list(client.get(url, params).context["page_obj"])


@pytest.mark.parametrize("query", ["ålsten", "ÅLSTEN", "SÖDRA", "södra", "BERÄTTANDE"])
def test_the_lookup_folds_letters_beyond_ascii(db, query):
    SchoolFactory(name="Ålstens skola")
    SchoolFactory(name="Södra Ängby skola", organisation_number="212000-0142")
    SchoolFactory(name="Berättandets hus")
    found = School.objects.filter(text_matches(query, "name"))
    assert [school.name for school in found] == [
        {"å": "Ålstens skola", "s": "Södra Ängby skola", "b": "Berättandets hus"}[query[0].lower()]]


def test_the_lookup_keeps_like_wildcards_literal(db):
    SchoolFactory(name="Ålsten 100% skola")
    SchoolFactory(name="Ålsten skola_a")
    assert School.objects.filter(name__folded_contains="ÅLSTEN 100%").count() == 1
    assert School.objects.filter(name__folded_contains="_A").count() == 1
    assert School.objects.filter(name__folded_contains="%").count() == 1


def test_school_list(client_for, director):
    ålsten = SchoolFactory(name="Ålstens skola")
    södra = SchoolFactory(name="Södra skolan")
    SchoolFactory(name="Vasaskolan")
    client = client_for(director)
    assert _page(client, reverse("schools:list"), q="ålsten") == [ålsten]
    assert _page(client, reverse("schools:list"), q="SÖDRA") == [södra]


def test_school_choice_at_sign_up(client, db):
    SchoolFactory(name="Ålstens skola")
    SchoolFactory(name="Södra skolan")
    SchoolFactory(name="Vasaskolan")
    for query, name in [("ålsten", "Ålstens skola"), ("SÖDRA", "Södra skolan")]:
        response = client.get(reverse("accounts:signup"), {"q": query})
        assert [school.name for school in response.context["schools"]] == [name]


def test_catalogue(client, db):
    story = make_site(area_title="Berättande i förskolan", area_description="Sagor och bilder.")
    south = make_site(area_title="Matematik ute", school=SchoolFactory(name="Södra skolan"))
    make_site(area_title="Ålstens naturskola", subjects="biologi")
    index = reverse("catalogue:index")
    assert _page(client, index, q="BERÄTTANDE") == [story]
    assert _page(client, index, q="södra") == [south]
    assert _page(client, index, area="berättande") == [story]
    assert [site.application.area_title for site in _page(client, index, q="ÅLSTEN")] == ["Ålstens naturskola"]


def test_people(client_for, administrator):
    åsa = UserFactory(name="Åsa Ålsten", email="asa@example.se")
    örjan = UserFactory(name="Örjan Södra", email="orjan@example.se")
    client = client_for(administrator)
    assert _page(client, reverse("accounts:people"), q="ålsten") == [åsa]
    assert _page(client, reverse("accounts:people"), q="SÖDRA") == [örjan]


def test_audit_trail(client_for, administrator):
    actor = UserFactory(name="Örjan Södra")
    audit_record(actor=actor, action="school.update", summary="Ändrade Ålstens skola: BERÄTTANDE")
    audit_record(actor=administrator, action="school.update", summary="Ändrade Vasaskolan")
    client = client_for(administrator)
    url = reverse("core:audit")
    assert [event.summary for event in _page(client, url, q="ålstens")] == ["Ändrade Ålstens skola: BERÄTTANDE"]
    assert [event.summary for event in _page(client, url, q="berättande")] == ["Ändrade Ålstens skola: BERÄTTANDE"]
    assert [event.actor for event in _page(client, url, person="SÖDRA")] == [actor]
