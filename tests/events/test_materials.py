"""Material after an event: checked like every upload, kept private, handed out by a view that checks
who asks (the organisers, those with a confirmed place, or everyone)."""

import io
import zipfile

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from inspira.core.models import AuditEvent
from inspira.events import materials
from inspira.events.models import EventMaterial, Registration
from inspira.programmes.services import programme_set_active
from tests.certification.conftest import image_bytes
from tests.factories import EventFactory, ProgrammeCoordinatorFactory, RegistrationFactory, UserFactory, programme

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def _upload(data: bytes, name="bilder.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def event():
    return EventFactory(title="Seminarium om läsning")


def _add(event, actor, *, audience="registered", data=None, name="bilder.pdf", title="Bilder"):
    return materials.material_add(event=event, actor=actor, title=title, audience=audience,
                                  upload=_upload(data or _pdf(), name=name))


def test_an_organiser_publishes_material_which_is_stored_privately_and_audited(client_for, administrator, event):
    response = client_for(administrator).post(reverse("events:material", args=[event.pk]), {
        "title": "Presentationen", "audience": "registered", "file": _upload(_pdf(), name="../x.exe")})
    assert response.status_code == 302
    material = EventMaterial.objects.get()
    assert material.content_type == "application/pdf" and material.file.name.endswith(".pdf")
    assert "x.exe" not in material.file.name  # the uploaded name is not kept
    assert not material.file.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        material.file.url  # noqa: B018 - no public address
    assert AuditEvent.objects.filter(action="event.material_added", object_id=str(material.pk)).exists()
    page = client_for(administrator).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Presentationen" in page


def test_slides_as_powerpoint_are_taken(administrator, event):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    data = buffer.getvalue()
    material = _add(event, administrator, data=data, name="bilder.pptx")
    assert material.content_type == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert material.file.name.endswith(".pptx")


def test_a_file_that_is_not_what_it_claims_is_refused_next_to_the_field(client_for, administrator, event):
    response = client_for(administrator).post(reverse("events:material", args=[event.pk]), {
        "title": "Bilder", "audience": "everyone",
        "file": _upload(b"<html><script>alert(1)</script></html>", name="bilder.pdf")})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not EventMaterial.objects.exists()


def test_a_picture_is_re_encoded_without_its_metadata(administrator, event):
    exif = Image.Exif()
    exif[0x010F] = "Kameratillverkare"  # Make
    data = image_bytes("JPEG", exif=exif.tobytes())
    material = _add(event, administrator, data=data, name="bild.jpg")
    stored = material.file.open("rb").read()
    assert material.content_type == "image/jpeg" and material.size == len(stored)
    assert b"Kameratillverkare" not in stored and stored != data


def test_only_organisers_publish(event):
    with pytest.raises(materials.MaterialError):
        _add(event, UserFactory())
    coordinator = ProgrammeCoordinatorFactory(programme=event.programme).user
    assert _add(event, coordinator).uploaded_by == coordinator


@pytest.mark.parametrize(("status", "may"), [
    (Registration.Status.CONFIRMED, True), (Registration.Status.WAITING, False),
    (Registration.Status.OFFERED, False), (Registration.Status.CANCELLED, False)])
def test_material_for_the_registered_is_for_those_with_a_confirmed_place(client_for, administrator, event,
                                                                        status, may):
    material = _add(event, administrator)
    person = RegistrationFactory(event=event, status=status).user
    response = client_for(person).get(reverse("events:material_download", args=[event.pk, material.pk]))
    assert response.status_code == (200 if may else 403)
    assert list(materials.material_visible_to(event=event, user=person)) == ([material] if may else [])


def test_the_download_is_an_attachment_nobody_keeps(client_for, administrator, event):
    material = _add(event, administrator, title="Bilder från dagen")
    person = RegistrationFactory(event=event).user
    response = client_for(person).get(reverse("events:material_download", args=[event.pk, material.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="bilder-fran-dagen.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_material_for_everyone_is_handed_to_anyone_but_still_by_the_view(client, administrator, event):
    public = _add(event, administrator, audience="everyone", title="Rapporten")
    private = _add(event, administrator, audience="registered", title="Deltagarlistan")
    response = client.get(reverse("events:material_download", args=[event.pk, public.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    response = client.get(reverse("events:material_download", args=[event.pk, private.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert list(materials.material_visible_to(event=event, user=AnonymousUser())) == [public]


def test_material_of_another_event_or_a_programme_that_is_off_is_not_there(client, administrator, event):
    material = _add(event, administrator, audience="everyone")
    other = EventFactory()
    assert client.get(reverse("events:material_download", args=[other.pk, material.pk])).status_code == 404
    programme_set_active(programme=programme("inspiration_sites"), active=False, actor=administrator)
    assert client.get(reverse("events:material_download", args=[event.pk, material.pk])).status_code == 404


def test_removing_material_removes_its_file_after_commit(client_for, administrator, event,
                                                         django_capture_on_commit_callbacks):
    material = _add(event, administrator)
    name, storage = material.file.name, material.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(reverse("events:material_delete", args=[event.pk, material.pk]))
    assert response.status_code == 302 and not EventMaterial.objects.exists() and not storage.exists(name)
    assert AuditEvent.objects.filter(action="event.material_removed").exists()


def test_the_organisers_material_page_runs_a_constant_number_of_queries(client_for, administrator, event):
    client = client_for(administrator)
    url = reverse("events:material", args=[event.pk])
    client.get(url)
    for n in range(2):
        _add(event, UserFactory(role="administrator"), title=f"Fil {n}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(28):
        _add(event, UserFactory(role="administrator"), title=f"Fler {n}")
    assert count() == few
