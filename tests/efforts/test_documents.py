"""The documentation's pages (inspira/efforts/delivery_views.py over documents.document_add): the list,
adding with a checked file, and the permission-checked download from private storage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.efforts import documents
from inspira.efforts.ending import effort_end
from inspira.efforts.models import Document
from tests.efforts.factories import DocumentFactory, centre, principal_of, running_effort
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run"


def _post(client, effort, **fields):
    data = {"title": "Lärdomar från träff 2", "kind": "lesson", "happened_on": "2026-11-30",
            "text": "Kollegiet planerade lektioner tillsammans."} | fields
    return client.post(reverse("efforts:document_add", args=[effort.pk]), data)


def test_the_centre_adds_a_pdf_and_it_is_served_only_through_the_download(school, client_for, en):
    effort = running_effort(schools=[school])
    actor = centre()
    client = client_for(actor)
    response = _post(client, effort, file=SimpleUploadedFile("minnesanteckningar.pdf", PDF, "application/pdf"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.size == len(PDF) and document.author == actor
    assert AuditEvent.objects.filter(action="effort.documented", actor=actor).exists()
    download = client.get(reverse("efforts:document_download", args=[effort.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert 'filename="lardomar-fran-traff-2.pdf"' in download["Content-Disposition"]


def test_a_renamed_executable_is_refused_at_the_file_field(school, client_for, en):
    effort = running_effort(schools=[school])
    response = _post(client_for(centre()), effort,
                     file=SimpleUploadedFile("rapport.pdf", EXECUTABLE, "application/pdf"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_a_document_needs_a_text_or_a_file(school, client_for, en):
    effort = running_effort(schools=[school])
    response = _post(client_for(centre()), effort, text="")
    assert response.status_code == 200 and "Write something or attach a file." in response.text
    assert not Document.objects.exists()


def test_a_document_names_one_of_the_efforts_units_only(school, client_for, en):
    effort = running_effort(schools=[school])
    response = _post(client_for(centre()), effort, school=str(SchoolFactory().pk))
    assert response.status_code == 200 and response.context["form"].errors["school"]
    assert _post(client_for(centre()), effort, school=str(school.pk)).status_code == 302
    assert Document.objects.get().school == school


def test_the_documentation_is_hidden_from_the_unit_until_the_effort_ends(school, client_for):
    effort = running_effort(schools=[school])
    document = documents.document_add(effort=effort, actor=centre(), kind="note", title="Första träffen",
                                      upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    staff, principal, stranger = member(school), principal_of(school), member(SchoolFactory())
    urls = [reverse("efforts:documents", args=[effort.pk]),
            reverse("efforts:document_download", args=[effort.pk, document.pk])]
    for person in (staff, principal, stranger):
        for url in urls:
            assert client_for(person).get(url).status_code == 403
    effort_end(effort=effort, actor=centre())
    for person in (staff, principal):
        client = client_for(person)
        page = client.get(urls[0])
        assert page.status_code == 200 and "Första träffen" in page.text
        assert client.get(urls[1]).status_code == 200
    for url in urls:
        assert client_for(stranger).get(url).status_code == 403


def test_after_the_end_nothing_can_be_added(school, client_for, en):
    effort = running_effort(schools=[school])
    effort_end(effort=effort, actor=centre())
    client = client_for(centre())
    response = _post(client, effort)
    assert response.status_code == 302 and not Document.objects.exists()
    assert "can no longer change" in client.get(response.url).text


def test_a_document_of_another_effort_is_not_found(school, client_for):
    effort = running_effort(schools=[school])
    other = DocumentFactory(effort=running_effort(schools=[school]))
    url = reverse("efforts:document_download", args=[effort.pk, other.pk])
    assert client_for(centre()).get(url).status_code == 404


def test_a_document_without_a_file_has_no_download(school, client_for):
    document = DocumentFactory(effort=running_effort(schools=[school]))
    url = reverse("efforts:document_download", args=[document.effort_id, document.pk])
    assert client_for(centre()).get(url).status_code == 404


def test_the_list_is_paginated_and_keeps_its_queries_as_it_grows(school, client_for):
    effort = running_effort(schools=[school])
    client = client_for(centre())
    url = reverse("efforts:documents", args=[effort.pk])
    DocumentFactory(effort=effort, school=school, author=centre())
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        DocumentFactory(effort=effort, school=school, author=centre())
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert page.context["page_obj"].paginator.num_pages == 2
