from django.urls import reverse


def test_swedish_by_default_whatever_the_browser_asks(client, db):
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in response.content.decode()


def test_english_when_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("core:home"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "Inspiration sites" in response.content.decode()


def test_home_is_swedish(client, db):
    content = client.get(reverse("core:home")).content.decode()
    assert "Inspirationsplatser" in content
    assert "Dela med er" in content
