"""Pictures of applications may show pupils: kept in private storage and served only to those who
may read the application (and to the principal through a live endorsement link) until the site is
certified."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.migrations import RunPython
from django.urls import reverse

from inspira.certification import services
from inspira.certification.models import Application, ApplicationImage, Endorsement
from inspira.core import uploads
from inspira.core.storage import private_root

from .conftest import image_bytes, submit

S = Application.Status


@pytest.fixture
def picture(application, staff):
    prepared = uploads.prepare_image(ContentFile(image_bytes(), name="p.jpg"))
    return services.application_image_add(application=application, actor=staff, prepared=prepared,
                                          alt_text="Pupils measure the schoolyard")


def picture_url(picture):
    return reverse("certification:picture", args=[picture.application_id, picture.pk])


def test_the_file_is_kept_outside_media_root(picture, settings):
    assert not (Path(settings.MEDIA_ROOT) / picture.image.name).exists()
    assert (Path(private_root()) / picture.image.name).is_file()
    with pytest.raises(ValueError):
        picture.image.url  # noqa: B018 (private files have no public address)


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.REJECTED])
def test_only_the_school_and_the_administration_see_the_picture(status, picture, client, client_for, staff,
                                                                 other_staff, administrator, director):
    Application.objects.filter(pk=picture.application_id).update(status=status)
    url = picture_url(picture)
    assert client.get(url).status_code in (403, 404)
    assert client_for(other_staff).get(url).status_code in (403, 404)
    for person in (staff, administrator, director):
        response = client_for(person).get(url)
        assert response.status_code == 200, person
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        client.logout()


def test_a_picture_is_not_served_under_another_application(picture, client_for, staff, school):
    other = services.application_create(school=school, applicant=staff)
    url = reverse("certification:picture", args=[other.pk, picture.pk])
    assert client_for(staff).get(url).status_code == 404


def test_the_principal_sees_the_pictures_while_the_link_works(picture, client):
    endorsement, token = submit(picture.application)
    page = client.get(reverse("certification:endorse", args=[token])).content.decode()
    url = reverse("certification:endorse_picture", args=[token, picture.pk])
    assert url in page
    assert client.get(url).status_code == 200
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    assert client.get(url).status_code == 404
    assert client.get(reverse("certification:endorse_picture", args=["damaged", picture.pk])).status_code == 404


def test_the_pages_show_the_pictures_through_the_checked_view(picture, client_for, staff):
    client = client_for(staff)
    page = client.get(reverse("certification:step", args=[picture.application_id, services.STEP_PICTURES]))
    assert picture_url(picture) in page.content.decode()
    page = client.get(reverse("certification:detail", args=[picture.application_id]))
    assert picture_url(picture) in page.content.decode()


def test_the_migration_moves_existing_pictures_out_of_media_root(application, settings):
    name = "certification/applications/0123456789abcdef0123456789abcdef.jpg"
    default_storage.save(name, ContentFile(image_bytes()))
    default_storage.save("catalogue/thumbnails/0123456789abcdef0123456789abcdef-480.jpg", ContentFile(b"x"))
    default_storage.save("catalogue/thumbnails/fedcba-480.jpg", ContentFile(b"y"))  # another picture's
    ApplicationImage.objects.create(application=application, image=name, alt_text="Old picture")
    migration = importlib.import_module(
        "inspira.certification.migrations.0006_application_pictures_in_private_storage")
    [move] = [op for op in migration.Migration.operations if isinstance(op, RunPython)]
    move.code(apps, None)
    media = Path(settings.MEDIA_ROOT)
    assert not (media / name).exists()
    assert (Path(private_root()) / name).is_file()
    assert not (media / "catalogue/thumbnails/0123456789abcdef0123456789abcdef-480.jpg").exists()
    assert (media / "catalogue/thumbnails/fedcba-480.jpg").exists()
    move.code(apps, None)  # a second run finds nothing to move
    assert (Path(private_root()) / name).is_file()
    move.reverse_code(apps, None)
    assert (media / name).is_file() and not (Path(private_root()) / name).exists()
