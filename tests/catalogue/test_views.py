"""The public catalogue and site pages, their pictures and leaflets, and who sees what."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from inspira.catalogue import media
from inspira.catalogue.models import SiteDocumentation
from inspira.schools.models import SchoolForm
from tests.factories import SchoolFactory

from .conftest import make_site

INDEX = reverse("catalogue:index")


def site_url(site):
    return reverse("catalogue:site", args=[site.pk])


# --- The list --------------------------------------------------------------------------------------------

def test_anyone_browses_the_catalogue_without_logging_in(client, site, en):
    response = client.get(INDEX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Outdoor mathematics" in body
    assert site.school.name in body
    assert site.school.district.name in body
    assert "Compulsory school" in body
    assert reverse("catalogue:picture", args=[site.application.images.first().pk, "thumb"]) in body


def test_catalogue_leaves_out_ended_coming_and_revoked_sites(client, db, en):
    today = timezone.localdate()
    make_site(area_title="Visible site")
    make_site(area_title="Ended site", starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    make_site(area_title="Coming site", starts_on=today + timedelta(days=10))
    make_site(area_title="Revoked site", revoked=True)
    body = client.get(INDEX).content.decode()
    assert "Visible site" in body
    for title in ("Ended site", "Coming site", "Revoked site"):
        assert title not in body


def test_catalogue_search_and_filters_through_the_page(client, db, en):
    make_site(area_title="Outdoor mathematics", subjects="mathematics")
    make_site(area_title="Play and language", subjects="Swedish", school_forms=[SchoolForm.Code.PRESCHOOL])
    body = client.get(INDEX, {"q": "outdoor"}).content.decode()
    assert "Outdoor mathematics" in body and "Play and language" not in body
    body = client.get(INDEX, {"school_form": "forskola"}).content.decode()
    assert "Play and language" in body and "Outdoor mathematics" not in body
    body = client.get(INDEX, {"subject": "Swedish"}).content.decode()
    assert "Play and language" in body and "Outdoor mathematics" not in body
    # The subject list is made of the sites' subjects.
    assert '<option value="Mathematics">' in body


def test_catalogue_ignores_unknown_filter_values(client, site, en):
    response = client.get(INDEX, {"school_form": "nonsense", "district": "999999", "subject": "Klingon"})
    assert response.status_code == 200
    assert "Outdoor mathematics" in response.content.decode()


def test_catalogue_empty_states(client, db, en):
    body = client.get(INDEX).content.decode()
    assert "empty-state" in body and "There are no certified inspiration sites right now" in body
    make_site()
    body = client.get(INDEX, {"q": "astronomy"}).content.decode()
    assert "No inspiration site matches your search." in body


def test_catalogue_pages_by_25(client, db, en):
    for i in range(26):
        make_site(area_title=f"Site {i:02d}")
    first = client.get(INDEX).content.decode()
    assert "26 inspiration sites" in first
    assert first.count('class="card h-100"') == 25
    second = client.get(INDEX, {"page": 2}).content.decode()
    assert second.count('class="card h-100"') == 1


def _occasions(site, count):
    """Occasions of the site with free places (the visits app shows them through the catalogue's hooks)."""
    from tests.visits.builders import make_booking, make_occasion, member

    visitor = SchoolFactory()
    for i in range(count):
        occasion = make_occasion(certification=site, day=timezone.localdate() + timedelta(days=7 + i))
        make_booking(occasion=occasion, school=visitor, booked_by=member(visitor))


def _sites(count):
    for i in range(count):
        site = make_site(area_title=f"Site {i}", images=1,
                         school=SchoolFactory(school_forms=["grundskola", "forskola"]))
        _occasions(site, 2)


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("free_occasions", ["", "on"])
def test_catalogue_runs_a_constant_number_of_queries(client, db, django_assert_num_queries, count, free_occasions):
    _sites(count)
    # count, page of sites, school forms, pictures, subjects, districts and school forms of the search;
    # the filter of sites with free occasions is a subquery, not a query of its own
    with django_assert_num_queries(7):
        response = client.get(INDEX, {"free_occasions": free_occasions})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count


@pytest.mark.parametrize("count", [1, 30])
def test_site_page_runs_a_constant_number_of_queries(client, db, django_assert_num_queries, count):
    _sites(count)
    site = make_site(images=3, school=SchoolFactory(school_forms=["grundskola", "forskola"]))
    _occasions(site, count)
    SiteDocumentation.objects.create(certification=site, text="How we did it", is_published=True,
                                     published_at=timezone.now(), first_published_at=timezone.now())
    # the site with school and documentation, school forms, plan, contacts, pictures, documentation pictures,
    # and the occasions to book (the visits app's panel)
    with django_assert_num_queries(7):
        response = client.get(site_url(site))
    assert response.status_code == 200
    assert len(response.context["panels"][0]["rows"]) == min(count, 6)


# --- The site page ------------------------------------------------------------------------------------------

def test_site_page_shows_what_a_visitor_needs(client, site, en):
    body = client.get(site_url(site)).content.decode()
    assert "<h1>Outdoor mathematics</h1>" in body
    assert "We teach measuring in the schoolyard." in body
    assert "09:30" in body and "Visit a lesson" in body
    assert "Compulsory school" in body and "Year 1, Year 2, Year 3" in body and "mathematics" in body
    assert "Lars Lärare" in body and "mailto:lars@example.se" in body
    assert site.starts_on.strftime("%Y") in body
    assert reverse("catalogue:leaflet", args=[site.pk]) in body
    for picture in site.application.images.all():
        assert reverse("catalogue:picture", args=[picture.pk, "thumb"]) in body
        assert f'alt="{picture.alt_text}"' in body


def test_site_page_keeps_private_details_private(client, site, en):
    body = client.get(site_url(site)).content.decode()
    assert "070-123 45 67" not in body  # a contact's phone number
    assert "rektor@example.se" not in body  # the principal's address
    assert "Manage the site" not in body


def test_site_page_shows_documentation_only_when_published(client, site, en, django_capture_on_commit_callbacks):
    documentation = SiteDocumentation.objects.create(certification=site, text="Our documentation text")
    assert "Our documentation text" not in client.get(site_url(site)).content.decode()
    documentation.is_published = True
    documentation.published_at = documentation.first_published_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # as the request that publishes it commits
        documentation.save()
    assert "Our documentation text" in client.get(site_url(site)).content.decode()


def test_site_page_shows_no_occasions_section_until_occasions_exist(client, site, en):
    body = client.get(site_url(site)).content.decode()
    assert "occasion" not in body.lower()


def test_site_of_an_ended_certification_answers_404(client, db):
    today = timezone.localdate()
    ended = make_site(starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    coming = make_site(starts_on=today + timedelta(days=3))
    revoked = make_site(revoked=True)
    for site in (ended, coming, revoked):
        assert client.get(site_url(site)).status_code == 404
        assert client.get(reverse("catalogue:leaflet", args=[site.pk])).status_code == 404
    assert client.get(reverse("catalogue:site", args=[999999])).status_code == 404


# --- Pictures and thumbnails ----------------------------------------------------------------------------------

def _read(response) -> bytes:
    return b"".join(response.streaming_content)


def test_thumbnail_is_made_once_and_then_read_from_storage(client, site, monkeypatch):
    picture = site.application.images.first()
    url = reverse("catalogue:picture", args=[picture.pk, "thumb"])
    name = media.thumbnail_name(picture.image.name)
    # Beside the picture, in private storage: the catalogue's view is the only way to either.
    storage = picture.image.storage
    assert not storage.exists(name)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    with Image.open(io.BytesIO(_read(response))) as thumb:
        assert max(thumb.size) == media.THUMBNAIL_SIDE
    assert storage.exists(name) and not default_storage.exists(name)

    # The second request only reads the file: decoding the picture again would fail here.
    def refuse(*args, **kwargs):
        raise AssertionError("the thumbnail was made again")

    monkeypatch.setattr(media.Image, "open", refuse)
    response = client.get(url)
    assert response.status_code == 200
    assert _read(response)


def test_full_picture_is_served_for_sites_in_the_catalogue_only(client, db):
    today = timezone.localdate()
    current = make_site(images=1)
    ended = make_site(images=1, starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    current_picture, ended_picture = current.application.images.get(), ended.application.images.get()
    assert client.get(reverse("catalogue:picture", args=[current_picture.pk, "full"])).status_code == 200
    assert client.get(reverse("catalogue:picture", args=[ended_picture.pk, "full"])).status_code == 404
    assert client.get(reverse("catalogue:picture", args=[ended_picture.pk, "thumb"])).status_code == 404
    assert client.get(reverse("catalogue:picture", args=[current_picture.pk, "huge"])).status_code == 404


# --- The leaflet ------------------------------------------------------------------------------------------------

def test_leaflet_is_a_pdf_with_the_sites_title(client, site):
    response = client.get(reverse("catalogue:leaflet", args=[site.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    pdf = _read(response)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Outdoor mathematics" in text
    assert site.school.name in text
    assert reader.metadata.title.startswith("Outdoor mathematics")


def test_leaflet_is_rendered_once_per_version(client, site, monkeypatch):
    from inspira.core import pdf

    calls = []
    real = pdf.render_pdf

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    url = reverse("catalogue:leaflet", args=[site.pk])
    _read(client.get(url))
    _read(client.get(url))
    assert calls == ["pdf/site_leaflet.html"]
    # A change to what the leaflet shows makes a new one.
    site.school.name = "Nya Vasaskolan"
    site.school.save()
    _read(client.get(url))
    assert len(calls) == 2
