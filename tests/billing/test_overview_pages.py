"""The finance overview shows the sites a page at a time (chart and table), with totals over every site."""

from django.urls import reverse

from inspira.core.pagination import PAGE_SIZE
from tests.billing.conftest import make_certification
from tests.factories import SchoolFactory


def test_the_sites_come_a_page_at_a_time_with_totals_over_all(client_for, finance, rule_2010):
    for n in range(PAGE_SIZE + 3):
        make_certification(school=SchoolFactory(name=f"Skola {n:02d}"))
    client = client_for(finance)
    url = reverse("billing:overview") + "?year=2010"

    first = client.get(url)
    second = client.get(url + "&sites_page=2")

    assert [row.name for row in first.context["sites"]] == [f"Skola {n:02d}" for n in range(PAGE_SIZE)]
    assert [row.name for row in second.context["sites"]] == [f"Skola {n:02d}" for n in range(PAGE_SIZE, PAGE_SIZE + 3)]
    # The chart draws the same sites as the table beside it.
    assert len(first.context["chart"]["bars"]) == PAGE_SIZE and len(second.context["chart"]["bars"]) == 3
    # None of the sites has a visit: all of them are behind, on every page.
    for response in (first, second):
        assert response.context["data"].behind_count == PAGE_SIZE + 3
    page = first.content.decode()
    assert 'href="?year=2010&amp;sites_page=2#sites"' in page
    assert 'href="?year=2010&amp;sites_page=1#sites"' in second.content.decode()


def test_the_sites_page_keeps_the_visiting_schools_page(client_for, finance, rule_2010):
    for n in range(PAGE_SIZE + 1):
        make_certification(school=SchoolFactory(name=f"Skola {n:02d}"))

    page = client_for(finance).get(reverse("billing:overview") + "?year=2010&page=3").content.decode()

    assert 'href="?year=2010&amp;page=3&amp;sites_page=2#sites"' in page
