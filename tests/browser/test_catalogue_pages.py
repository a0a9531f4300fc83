"""The catalogue's pages (inspira.catalogue) in Chromium, checked with axe-core and Inspira's own rules."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from inspira.catalogue.models import SiteDocumentation
from tests.browser.helpers import assert_accessible, login
from tests.catalogue.conftest import make_site
from tests.factories import DocumentationImageFactory

pytestmark = pytest.mark.browser

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture
def published_site(school):
    site = make_site(school=school, images=2, team_name="Arbetslag Ek")
    make_site(area_title="Play and language", school_forms=["forskola"], subjects="Swedish")
    now = timezone.now()
    documentation = SiteDocumentation(certification=site, text="How we did it.\n\nAnd what we learnt.",
                                      film_description="Pupils measure the yard.", video_content_type="video/mp4",
                                      is_published=True, published_at=now, first_published_at=now)
    documentation.video.save("film", ContentFile(MP4), save=False)
    documentation.save()
    DocumentationImageFactory(documentation=documentation)
    return site


def _check(page, live_server, url):
    response = page.goto(live_server.url + url)
    assert response.status == 200, url
    assert_accessible(page)


def test_public_pages_are_accessible(page, live_server, published_site):
    for url in (reverse("catalogue:index"), reverse("catalogue:index") + "?q=nothing-matches",
                reverse("catalogue:site", args=[published_site.pk])):
        _check(page, live_server, url)


def test_site_contacts_pages_are_accessible(page, live_server, published_site, site_contact):
    login(page, live_server, site_contact)
    for url in (reverse("catalogue:mine"), reverse("catalogue:manage", args=[published_site.pk]),
                reverse("catalogue:documentation", args=[published_site.pk])):
        _check(page, live_server, url)


def test_administrations_list_is_accessible(page, live_server, published_site, administrator):
    login(page, live_server, administrator)
    _check(page, live_server, reverse("catalogue:deliveries"))
