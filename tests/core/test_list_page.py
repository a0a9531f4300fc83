"""The shared pieces of a list page: the paginator, the filter form and the list include."""

from pathlib import Path

from django import forms
from django.template.loader import render_to_string

from inspira.core.pagination import PAGE_SIZE, paginate

ROOT = Path(__file__).resolve().parents[2]


def test_paginate_gives_the_page_and_the_filters_without_the_page_number(rf):
    page, query = paginate(rf.get("/", {"q": "Ålsten", "page": "2"}), list(range(60)))
    assert list(page) == list(range(PAGE_SIZE, 2 * PAGE_SIZE))
    assert query == "q=%C3%85lsten"


def test_paginate_turns_a_bad_page_number_into_a_real_page(rf):
    assert paginate(rf.get("/", {"page": "999"}), list(range(30))).page.number == 2
    assert paginate(rf.get("/", {"page": "x"}), list(range(30))).page.number == 1


def test_a_second_list_pages_by_its_own_parameter(rf):
    request = rf.get("/", {"page": "2", "sites_page": "3"})
    sites = paginate(request, list(range(100)), param="sites_page")
    assert sites.page.number == 3 and sites.query == "page=2"


def _render(template, request, **context):
    return render_to_string(template, {"request": request, **context})


def test_the_pagination_is_a_named_nav_that_keeps_the_filters(rf):
    request = rf.get("/", {"q": "södra", "page": "2"})
    html = _render("includes/pagination.html", request, page=paginate(request, list(range(80))).page)
    assert '<nav aria-label="Sidor">' in html
    assert 'aria-current="page">Sida 2 av 4<' in html
    assert 'href="?q=s%C3%B6dra&amp;page=1"' in html and 'href="?q=s%C3%B6dra&amp;page=3"' in html


def test_the_pagination_of_a_second_list_uses_its_parameter_and_anchor(rf):
    request = rf.get("/", {"page": "2"})
    page = paginate(request, list(range(80)), param="sites_page").page
    html = _render("includes/pagination.html", request, page=page, param="sites_page", anchor="sites",
                   label="Sidor med platser")
    assert '<nav aria-label="Sidor med platser">' in html
    assert 'href="?page=2&amp;sites_page=2#sites"' in html
    assert "Föregående" not in html


def test_one_page_needs_no_pagination(rf):
    request = rf.get("/")
    assert "<nav" not in _render("includes/pagination.html", request, page=paginate(request, [1, 2]).page)


LIST = {"table": "includes/test_rows.html", "caption": "Skolor", "count_text": "2 skolor",
        "empty_text": "Inga skolor.", "empty_url": "/ny/", "empty_link": "Lägg till", "filtered_text": "Ingen träff.",
        "reset_url": "/alla/", "reset_link": "Visa alla"}


def test_a_list_has_its_count_announced_a_caption_and_rows(rf, settings, tmp_path):
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], tmp_path]
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "test_rows.html").write_text("<tbody>{% for x in page %}<tr><td>{{ x }}</td></tr>"
                                                           "{% endfor %}</tbody>")
    request = rf.get("/")
    html = _render("includes/list_page.html", request, page=paginate(request, ["Ålsten", "Södra"]).page, **LIST)
    assert '<p role="status">2 skolor</p>' in html
    assert '<caption class="visually-hidden">Skolor</caption>' in html
    assert "<td>Ålsten</td>" in html and "<td>Södra</td>" in html
    assert "empty-state" not in html


def test_an_empty_list_says_so_and_offers_a_way_on(rf):
    request = rf.get("/")
    html = _render("includes/list_page.html", request, page=paginate(request, []).page, **LIST)
    assert "<table" not in html and "2 skolor" not in html
    assert "Inga skolor." in html and 'href="/ny/"' in html


def test_a_filtered_empty_list_offers_the_whole_list(rf):
    request = rf.get("/", {"q": "x"})
    html = _render("includes/list_page.html", request, page=paginate(request, []).page, filtered=True, **LIST)
    assert "Ingen träff." in html and 'href="/alla/">Visa alla<' in html and "Inga skolor." not in html


class _Filters(forms.Form):
    q = forms.CharField(label="Sök", required=False)


def test_the_filter_form_is_a_named_get_form_with_a_way_back(rf):
    html = _render("includes/filter_form.html", rf.get("/"), form=_Filters({"q": "ö"}), label="Sök skolor",
                   search=True, filtered=True, reset_url="/alla/", reset_link="Visa alla")
    assert 'method="get"' in html and 'aria-label="Sök skolor" role="search"' in html
    assert 'for="id_q"' in html and 'value="ö"' in html
    assert ">Visa</button>" in html and 'href="/alla/">Visa alla<' in html


def test_every_list_pages_through_the_one_paginator():
    own = [str(path.relative_to(ROOT)) for path in (ROOT / "inspira").rglob("*.py")
           if "Paginator(" in path.read_text() and path.name != "pagination.py"]
    assert own == []
    navs = [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
            if 'class="pagination"' in path.read_text() and path.name != "pagination.html"]
    assert navs == []
