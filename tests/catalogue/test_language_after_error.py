"""The language switch on a page shown after a POST goes back to a page that takes GET."""

import re

from django.urls import reverse

from tests.catalogue.test_documentation import edit_url, picture_upload


def language_next(response) -> str:
    return re.search(r'<input name="next" type="hidden" value="([^"]*)">', response.content.decode()).group(1)


def test_switching_language_after_a_form_error_goes_back_to_the_form_page(client_for, site, site_contact):
    client = client_for(site_contact)
    form_page = edit_url(site)
    # The picture form posts to an address that takes only POST, and shows its errors there.
    response = client.post(reverse("catalogue:documentation_picture_add", args=[site.pk]), picture_upload(alt=""),
                           HTTP_REFERER=f"http://testserver{form_page}")
    assert response.status_code == 200
    assert language_next(response) == form_page
    switched = client.post(reverse("set_language"), {"language": "en", "next": language_next(response)})
    assert switched["Location"] == form_page
    assert client.get(switched["Location"]).status_code == 200


def test_without_a_page_to_go_back_to_the_switch_stays_on_the_address(client_for, site, site_contact):
    response = client_for(site_contact).post(reverse("catalogue:documentation_picture_add", args=[site.pk]),
                                             picture_upload(alt=""), HTTP_REFERER="https://elsewhere.example/")
    assert language_next(response) == reverse("catalogue:documentation_picture_add", args=[site.pk])


def test_a_page_got_with_get_comes_back_to_itself(client, db):
    url = reverse("catalogue:index") + "?q=skola"
    assert language_next(client.get(url)) == url
