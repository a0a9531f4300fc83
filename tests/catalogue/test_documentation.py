"""The pedagogical documentation: who publishes it, what it needs, films and pictures."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.catalogue import media, services
from inspira.catalogue.forms import DocumentationForm
from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.core.storage import private_root
from inspira.core.uploads import prepare_image
from tests.factories import MembershipFactory, UserFactory

from .conftest import image_bytes, make_site

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM_HEAD = (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
             b"\x42\x82\x84webm" + b"\x00" * 64)
MOV_HEAD = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64


def mp4(name="film.mp4", head=MP4_HEAD):
    return SimpleUploadedFile(name, head, content_type="video/mp4")


def picture_upload(alt="Pupils measure the yard"):
    return {"image": SimpleUploadedFile("yard.png", image_bytes(fmt="PNG"), content_type="image/png"),
            "alt_text": alt}


def prepared():
    return prepare_image(SimpleUploadedFile("yard.jpg", image_bytes()))


def edit_url(site):
    return reverse("catalogue:documentation", args=[site.pk])


def publish_url(site):
    return reverse("catalogue:documentation_publish", args=[site.pk])


# --- Who may publish ------------------------------------------------------------------------------------

def test_only_site_contacts_of_the_school_write_and_publish(client_for, site, staff, principal,
                                                            other_site_contact, administrator):
    urls = [edit_url(site), reverse("catalogue:documentation_picture_add", args=[site.pk]), publish_url(site)]
    for user in (staff, principal, other_site_contact, administrator):
        client = client_for(user)
        assert client.get(urls[0]).status_code == 403
        for url in urls:
            assert client.post(url, {"text": "Hijacked", "action": "publish"}).status_code == 403
    assert not SiteDocumentation.objects.exists()


def test_anonymous_is_sent_to_log_in(client, site):
    response = client.get(edit_url(site))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_unconfirmed_site_contact_may_not_publish(client_for, site, school):
    pending = MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT, confirmed_at=None).user
    assert client_for(pending).get(edit_url(site)).status_code == 403


def test_site_contact_writes_adds_a_picture_and_publishes(client_for, site, site_contact, en):
    client = client_for(site_contact)
    assert client.get(edit_url(site)).status_code == 200
    response = client.post(edit_url(site), {"text": "How we measure the yard.", "film_link": "",
                                            "film_description": ""})
    assert response.status_code == 302
    documentation = SiteDocumentation.objects.get(certification=site)
    assert not documentation.is_published

    response = client.post(reverse("catalogue:documentation_picture_add", args=[site.pk]), picture_upload())
    assert response.status_code == 302
    picture = documentation.images.get()
    assert picture.alt_text == "Pupils measure the yard"
    assert picture.image.name.endswith(".jpg")  # re-encoded, whatever was uploaded

    response = client.post(publish_url(site), {"action": "publish"}, follow=True)
    assert "The documentation is published on the site&#x27;s page." in response.content.decode()
    documentation.refresh_from_db()
    assert documentation.is_published and documentation.first_published_at is not None

    page = client.get(reverse("catalogue:site", args=[site.pk])).content.decode()
    assert "How we measure the yard." in page
    assert reverse("catalogue:documentation_picture", args=[picture.pk, "thumb"]) in page


def test_a_picture_needs_a_description(client_for, site, site_contact, en):
    response = client_for(site_contact).post(reverse("catalogue:documentation_picture_add", args=[site.pk]),
                                             picture_upload(alt=""))
    assert response.status_code == 200
    assert "Describe what the picture shows." in response.content.decode()
    assert not DocumentationImage.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused(client_for, site, site_contact):
    upload = {"image": SimpleUploadedFile("x.png", b"not a picture", content_type="image/png"), "alt_text": "x"}
    response = client_for(site_contact).post(reverse("catalogue:documentation_picture_add", args=[site.pk]), upload)
    assert response.status_code == 200
    assert not DocumentationImage.objects.exists()


def test_the_documentation_of_an_ended_certification_cannot_change(client_for, school, site_contact, en):
    today = timezone.localdate()
    ended = make_site(school=school, starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    response = client_for(site_contact).post(edit_url(ended), {"text": "Late"})
    assert response.status_code == 302
    assert not SiteDocumentation.objects.exists()
    with pytest.raises(services.CatalogueError):
        services.documentation_save(certification=ended, actor=site_contact, text="Late")


# --- Rules for publication ---------------------------------------------------------------------------------

def test_publishing_needs_text_and_a_picture_or_film(site, site_contact):
    with pytest.raises(services.DocumentationIncomplete) as info:
        services.documentation_publish(certification=site, actor=site_contact)
    assert len(info.value.problems) == 2
    services.documentation_save(certification=site, actor=site_contact, text="Our work")
    with pytest.raises(services.DocumentationIncomplete) as info:
        services.documentation_publish(certification=site, actor=site_contact)
    assert len(info.value.problems) == 1
    services.documentation_save(certification=site, actor=site_contact, text="Our work",
                                film_link="https://video.example.se/our-work", film_description="Pupils outside.")
    documentation = services.documentation_publish(certification=site, actor=site_contact)
    assert documentation.is_published


def test_a_film_needs_a_description(site, site_contact):
    services.documentation_save(certification=site, actor=site_contact, text="Our work",
                                film_link="https://video.example.se/our-work")
    with pytest.raises(services.DocumentationIncomplete):
        services.documentation_publish(certification=site, actor=site_contact)


def test_published_documentation_keeps_meeting_the_rules(site, site_contact):
    services.documentation_image_add(certification=site, actor=site_contact, prepared=prepared(), alt_text="Yard")
    services.documentation_save(certification=site, actor=site_contact, text="Our work")
    services.documentation_publish(certification=site, actor=site_contact)
    with pytest.raises(services.DocumentationIncomplete):
        services.documentation_save(certification=site, actor=site_contact, text="   ")
    with pytest.raises(services.DocumentationIncomplete):
        services.documentation_image_delete(certification=site, actor=site_contact,
                                            image=DocumentationImage.objects.get())
    assert SiteDocumentation.objects.get().text == "Our work"
    assert DocumentationImage.objects.count() == 1


def test_taking_down_keeps_the_delivery_date(site, site_contact):
    services.documentation_save(certification=site, actor=site_contact, text="Our work",
                                film_link="https://video.example.se/x", film_description="Pupils.")
    first = services.documentation_publish(certification=site, actor=site_contact).first_published_at
    documentation = services.documentation_unpublish(certification=site, actor=site_contact)
    assert not documentation.is_published
    assert documentation.first_published_at == first
    again = services.documentation_publish(certification=site, actor=site_contact,
                                           now=timezone.now() + timedelta(days=3))
    assert again.first_published_at == first
    assert again.published_at > first


# --- Film: an uploaded file or a link ---------------------------------------------------------------------------

@pytest.mark.parametrize(("head", "expected"), [(MP4_HEAD, "video/mp4"), (WEBM_HEAD, "video/webm")])
def test_mp4_and_webm_are_recognised_by_their_first_bytes(head, expected):
    assert media.video_content_type(SimpleUploadedFile("whatever.bin", head)) == expected


@pytest.mark.parametrize("head", [MOV_HEAD, b"GIF89a" + b"\x00" * 64, b"<html><script>", image_bytes()])
def test_other_files_are_not_films_whatever_their_name(head):
    with pytest.raises(media.VideoRejected):
        media.video_content_type(SimpleUploadedFile("film.mp4", head, content_type="video/mp4"))


def test_a_film_over_the_size_limit_is_refused(en):
    upload = SimpleUploadedFile("film.mp4", MP4_HEAD)
    upload.size = media.VIDEO_MAX_BYTES + 1
    with pytest.raises(media.VideoRejected, match="too large"):
        media.video_content_type(upload)


def _form(data, files=None, instance=None):
    return DocumentationForm(data, files or {}, instance=instance or SiteDocumentation())


def test_a_film_link_must_be_https(db, en):
    form = _form({"text": "x", "film_link": "http://video.example.se/x", "film_description": "d"})
    assert not form.is_valid()
    assert form.errors["film_link"] == ["Enter a link that starts with https://."]
    for link in ("javascript:alert(1)", "ftp://video.example.se/x"):
        assert not _form({"text": "x", "film_link": link, "film_description": "d"}).is_valid()
    assert _form({"text": "x", "film_link": "https://video.example.se/x", "film_description": "d"}).is_valid()


def test_a_film_is_a_file_or_a_link_not_both(db, en):
    form = _form({"text": "x", "film_link": "https://video.example.se/x", "film_description": "d"},
                 {"video": mp4()})
    assert not form.is_valid()
    assert "not both" in form.errors["film_link"][0]


def test_a_film_without_description_is_refused_by_the_form(db, en):
    form = _form({"text": "x", "film_link": "https://video.example.se/x", "film_description": ""})
    assert not form.is_valid()
    assert "film_description" in form.errors


def test_an_uploaded_film_is_stored_under_a_new_name_and_shown_with_controls(client_for, client, site,
                                                                              site_contact, en):
    response = client_for(site_contact).post(edit_url(site), {
        "text": "Our work", "film_link": "", "film_description": "Pupils measure the yard and explain how.",
        "video": mp4("../../etc/passwd.mp4"),
    })
    assert response.status_code == 302
    documentation = SiteDocumentation.objects.get()
    assert documentation.video.name.startswith("catalogue/films/")
    assert documentation.video.name.endswith(".mp4")
    assert documentation.video_content_type == "video/mp4"
    services.documentation_publish(certification=site, actor=site_contact)
    client.logout()
    page = client.get(reverse("catalogue:site", args=[site.pk])).content.decode()
    assert "<video controls" in page
    assert 'type="video/mp4"' in page
    assert "Pupils measure the yard and explain how." in page
    assert "<iframe" not in page


def test_a_film_that_is_not_mp4_or_webm_is_refused_next_to_the_field(client_for, site, site_contact, en):
    response = client_for(site_contact).post(edit_url(site), {
        "text": "Our work", "film_description": "d", "video": mp4("film.mp4", head=MOV_HEAD),
    })
    assert response.status_code == 200
    assert "Upload an MP4 or WebM film." in response.content.decode()
    assert not SiteDocumentation.objects.filter(video__gt="").exists()


def test_a_film_link_is_shown_as_a_link_never_embedded(client, site, site_contact):
    services.documentation_save(certification=site, actor=site_contact, text="Our work",
                                film_link="https://video.example.se/our-work", film_description="Pupils outside.")
    services.documentation_publish(certification=site, actor=site_contact)
    page = client.get(reverse("catalogue:site", args=[site.pk])).content.decode()
    assert '<a href="https://video.example.se/our-work" rel="noopener noreferrer">' in page
    assert "<iframe" not in page


def test_replacing_a_film_with_a_link_removes_the_file(site, site_contact, django_capture_on_commit_callbacks):
    services.documentation_save(certification=site, actor=site_contact, text="x", video=mp4(),
                                film_description="d")
    documentation = SiteDocumentation.objects.get()
    storage, name = documentation.video.storage, documentation.video.name
    assert storage.exists(name)
    with pytest.raises(services.CatalogueError):
        services.documentation_save(certification=site, actor=site_contact, text="x",
                                    film_link="https://video.example.se/x", film_description="d")
    with django_capture_on_commit_callbacks(execute=True):
        services.documentation_save(certification=site, actor=site_contact, text="x", remove_video=True,
                                    film_link="https://video.example.se/x", film_description="d")
    documentation.refresh_from_db()
    assert not documentation.video and documentation.film_link
    assert not storage.exists(name)


# --- Draft pictures stay private ------------------------------------------------------------------------------

def test_draft_pictures_are_seen_by_site_contacts_only(client, client_for, site, site_contact, staff, settings):
    picture = services.documentation_image_add(certification=site, actor=site_contact, prepared=prepared(),
                                               alt_text="Yard")
    url = reverse("catalogue:documentation_picture", args=[picture.pk, "thumb"])
    assert client.get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 404
    response = client_for(site_contact).get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    # Neither the picture nor its thumbnail has an address under MEDIA_ROOT.
    media_root = Path(settings.MEDIA_ROOT)
    assert not (media_root / picture.image.name).exists()
    assert not (media_root / media.thumbnail_name(picture.image.name)).exists()
    assert (Path(private_root()) / picture.image.name).is_file()


def test_more_pictures_than_allowed_are_refused(site, site_contact, monkeypatch):
    monkeypatch.setattr(services, "MAX_DOCUMENTATION_IMAGES", 1)
    services.documentation_image_add(certification=site, actor=site_contact, prepared=prepared(), alt_text="One")
    with pytest.raises(services.CatalogueError):
        services.documentation_image_add(certification=site, actor=site_contact, prepared=prepared(), alt_text="Two")


# --- The administration's list ------------------------------------------------------------------------------

DELIVERIES = reverse("catalogue:deliveries")


def test_central_roles_see_which_sites_delivered(client_for, school, administrator, director, finance, en):
    delivered = make_site(area_title="Delivered", school=school)
    make_site(area_title="Not delivered")
    when = timezone.now()
    SiteDocumentation.objects.create(certification=delivered, text="x", is_published=True, published_at=when,
                                     first_published_at=when)
    for user in (administrator, director, finance):
        body = client_for(user).get(DELIVERIES).content.decode()
        assert "Delivered" in body and "Not delivered" in body
    body = client_for(administrator).get(DELIVERIES, {"delivered": "yes"}).content.decode()
    assert "Delivered" in body and "Not delivered" not in body
    body = client_for(administrator).get(DELIVERIES, {"delivered": "no"}).content.decode()
    assert "Not delivered" in body and "Delivered</span>" not in body


def test_schools_may_not_see_the_delivery_list(client, client_for, site, site_contact, principal, staff):
    for user in (site_contact, principal, staff):
        assert client_for(user).get(DELIVERIES).status_code == 403
    client.logout()
    assert client.get(DELIVERIES).status_code == 302


def test_delivery_list_lists_ended_certifications_on_request(client_for, administrator, db, en):
    today = timezone.localdate()
    make_site(area_title="Ended long ago", starts_on=today - timedelta(days=900), ends_on=today - timedelta(days=170))
    client = client_for(administrator)
    assert "Ended long ago" not in client.get(DELIVERIES).content.decode()
    assert "Ended long ago" in client.get(DELIVERIES, {"period": "ended"}).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_delivery_list_queries(client_for, administrator, db, django_assert_num_queries, count):
    for i in range(count):
        site = make_site(area_title=f"Site {i}")
        if i % 2:
            SiteDocumentation.objects.create(certification=site, text="x")
    client = client_for(administrator)
    # session, user, two-factor device, count, page
    with django_assert_num_queries(5):
        assert client.get(DELIVERIES).status_code == 200


def test_person_without_school_sees_empty_delivery_list_refused(client_for, db):
    assert client_for(UserFactory()).get(DELIVERIES).status_code == 403
