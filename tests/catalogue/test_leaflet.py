"""The leaflet a school hands out: one A4 page with the site's picture and the facts a visitor needs."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from inspira.catalogue import services
from inspira.catalogue.models import SiteDocumentation
from inspira.core.storage import private_root
from inspira.core.uploads import prepare_image

from .conftest import image_bytes, make_site


def leaflet(client, site) -> PdfReader:
    response = client.get(reverse("catalogue:leaflet", args=[site.pk]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def images_of(reader: PdfReader) -> list[tuple[int, int]]:
    """(width, height) of every image XObject on every page."""
    found = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            xobject = ref.get_object()
            if xobject["/Subtype"] == "/Image":
                found.append((int(xobject["/Width"]), int(xobject["/Height"])))
    return found


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_leaflet_embeds_the_sites_picture_and_gives_the_key_facts(client, site, settings):
    reader = leaflet(client, site)
    assert len(reader.pages) == 1
    first = site.application.images.order_by("position", "pk").first()
    assert images_of(reader) == [(first.width, first.height)]
    text = text_of(reader)
    school = site.school
    for fact in ("Outdoor mathematics", school.name, school.street_address, "09:00–12:00", "Welcome and coffee",
                 "Grundskola", "Lars Lärare", "lars@example.se", "070-123 45 67", "Så bokar ni",
                 site.starts_on.strftime("%Y")):
        assert fact in text, fact
    # How to book: the site's page, as a link (its text may wrap).
    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0]["/Annots"]]
    assert settings.SITE_URL + reverse("catalogue:site", args=[site.pk]) in links


def test_the_leaflet_file_has_no_public_address(client, site, settings):
    leaflet(client, site)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert list((Path(private_root()) / "catalogue" / "leaflets").glob(f"{site.pk}-sv-*.pdf"))


def test_a_published_documentation_picture_is_preferred(client, site, site_contact):
    services.documentation_save(certification=site, actor=site_contact, text="How we measure.")
    other_size = prepare_image(SimpleUploadedFile("yard.jpg", image_bytes(size=(640, 400))))
    picture = services.documentation_image_add(certification=site, actor=site_contact, prepared=other_size,
                                               alt_text="The yard from above")
    services.documentation_publish(certification=site, actor=site_contact)
    assert SiteDocumentation.objects.get(certification=site).is_published
    assert images_of(leaflet(client, site)) == [(picture.width, picture.height)]


def test_a_site_without_pictures_gets_a_leaflet_without_one(client, db):
    site = make_site(images=0)
    reader = leaflet(client, site)
    assert images_of(reader) == []
    assert "Outdoor mathematics" in text_of(reader)


def test_a_site_with_much_to_say_still_fits_on_one_page(client, db):
    site = make_site(
        images=1, area_title="Utomhusmatematik och språkutvecklande arbetssätt i årskurs 1–6 med hela arbetslaget",
        area_description=" ".join(["Eleverna mäter, räknar, skriver och samtalar om det de upptäcker ute."] * 40),
        contacts=[(f"Kontakt {i}", f"kontakt{i}@example.se", "08-123 456 78") for i in range(3)],
        plan=[(f"{8 + i // 2:02d}:{30 * (i % 2):02d}", f"{8 + (i + 1) // 2:02d}:{30 * ((i + 1) % 2):02d}",
               f"Moment {i}: vi visar hur vi arbetar med eleverna i klassrummet och ute på gården")
              for i in range(12)],
    )
    reader = leaflet(client, site)
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "Moment 5" in text and "Moment 6" not in text  # the rest is on the site's page
    assert "Kontakt 2" in text
