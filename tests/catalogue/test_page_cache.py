"""Anonymous visitors get the public pages from the cache (inspira/core/pagecache.py); everyone
else, and every change, gets a page made afresh."""

import re
import uuid
from datetime import time, timedelta

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspira.core import pagecache
from inspira.visits import services as visit_services
from inspira.visits.services import OccasionDetails
from tests.factories import SchoolFactory
from tests.visits.builders import working_day

from .conftest import make_site

INDEX = reverse("catalogue:index")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def site_url(site):
    return reverse("catalogue:site", args=[site.pk])


def test_the_second_anonymous_visit_is_served_from_the_cache_without_queries(client, site,
                                                                              django_assert_num_queries):
    first = client.get(INDEX)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get(INDEX)
    assert second["X-Page-Cache"] == "hit"
    assert site.application.area_title in second.content.decode()
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_anonymous_visitors_pages_stay_cacheable_while_logged_in_pages_are_not_stored(client, client_for, site,
                                                                                   staff):
    for _visit in range(2):  # a miss, then a hit from the cache
        public = Client().get(site_url(site))
        assert "no-store" not in public.get("Cache-Control", "") and "private" not in public.get("Cache-Control", "")
    logged_in = client_for(staff)
    for url in (site_url(site), INDEX, reverse("core:dashboard"), reverse("accounts:profile")):
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}, url


def test_each_visitor_gets_a_csrf_token_of_their_own_that_the_language_switch_accepts(site):
    Client().get(INDEX)  # makes the copy
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(INDEX)
    assert page["X-Page-Cache"] == "hit"
    tokens = TOKEN.findall(page.content.decode())
    assert tokens and pagecache.TOKEN_PLACEHOLDER not in page.content.decode()
    response = visitor.post(reverse("set_language"), {"language": "en", "next": INDEX,
                                                        "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_a_new_site_shows_at_once(client, site, django_capture_on_commit_callbacks):
    client.get(INDEX)
    with django_capture_on_commit_callbacks(execute=True):
        make_site(area_title="Chemistry in the kitchen")
    response = client.get(INDEX)
    assert response["X-Page-Cache"] == "miss"
    assert "Chemistry in the kitchen" in response.content.decode()


def test_a_changed_site_page_shows_at_once(client, site, django_capture_on_commit_callbacks):
    client.get(site_url(site))
    application = site.application
    application.area_title = "Measuring the schoolyard, again"
    with django_capture_on_commit_callbacks(execute=True):
        application.save()
    assert "Measuring the schoolyard, again" in client.get(site_url(site)).content.decode()


def test_a_booking_updates_the_free_places_on_the_site_page(client, site, django_capture_on_commit_callbacks):
    from tests.visits.builders import make_occasion, member

    occasion = make_occasion(certification=site, day=timezone.localdate() + timedelta(days=10), capacity=10)
    assert re.search(r"<td>10</td>", client.get(site_url(site)).content.decode())
    visitor = SchoolFactory()
    with django_capture_on_commit_callbacks(execute=True):
        visit_services.booking_create(
            occasion=occasion, school=visitor, booked_by=member(visitor), idempotency_key=uuid.uuid4(),
            visitors=visit_services.Visitors(participants=4, contact_name="Lars", contact_email="lars@example.se"))
    page = client.get(site_url(site)).content.decode()
    assert re.search(r"<td>6</td>", page) and not re.search(r"<td>10</td>", page)


def test_occasions_made_as_a_series_show_at_once(client, site, site_contact, django_capture_on_commit_callbacks):
    assert "Book a study visit" not in client.get(site_url(site), HTTP_COOKIE="django_language=en").content.decode()
    day = working_day(timezone.localdate() + timedelta(days=14))
    with django_capture_on_commit_callbacks(execute=True):
        visit_services.occasion_create_series(
            certification=site, actor=site_contact, dates=[day, working_day(day + timedelta(days=7))],
            details=OccasionDetails(slot="morning", start_time=time(9), end_time=time(12), place="Aulan",
                                    capacity=8))
    client.cookies["django_language"] = "en"
    assert "Book a study visit" in client.get(site_url(site)).content.decode()


def test_a_change_drops_the_copies_only_after_it_commits(site, django_capture_on_commit_callbacks):
    version = pagecache._version("catalogue")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        site.application.save()
    assert pagecache._version("catalogue") == version  # a page made now still shows the committed rows
    for callback in callbacks:
        callback()
    assert pagecache._version("catalogue") > version


def test_swedish_and_english_are_cached_apart(client, site):
    swedish = client.get(INDEX).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(INDEX)
    assert english["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode() and 'lang="sv"' in swedish


def test_a_logged_in_person_never_gets_the_cached_copy(client, site, staff):
    client.get(INDEX)
    client.force_login(staff)
    response = client.get(INDEX)
    assert "X-Page-Cache" not in response
    assert staff.name in response.content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_page_of_their_own(client, site):
    client.get(INDEX)
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get(INDEX)


def test_a_search_is_cached_under_its_own_address(client, site):
    make_site(area_title="Chemistry in the kitchen")
    client.get(INDEX)
    response = client.get(INDEX, {"q": "chemistry"})
    assert response["X-Page-Cache"] == "miss"
    assert site.application.area_title not in response.content.decode()


def test_a_missing_page_is_not_cached(client, db):
    assert client.get(reverse("catalogue:site", args=[999])).status_code == 404
    assert client.get(reverse("catalogue:site", args=[999])).status_code == 404


def test_the_cache_can_be_turned_off(client, site, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(INDEX)
    assert "X-Page-Cache" not in client.get(INDEX)


def test_copies_expire_after_the_configured_age(client, site, settings, monkeypatch):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 45
    timeouts = []

    class Recording:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, timeout):
            timeouts.append(timeout)
            cache.set(key, value, timeout)

    monkeypatch.setattr(pagecache, "cache", Recording())
    client.get(INDEX)
    assert timeouts == [45]


def test_with_the_cache_down_pages_are_made_afresh_and_changes_still_save(client, site, settings, caplog,
                                                                         django_capture_on_commit_callbacks):
    # Redis down (nothing listens on port 1 of the loopback): slower, never broken.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    for _ in range(2):
        response = client.get(INDEX)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert site.application.area_title in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        site.application.save()
    assert "page cache is unavailable" in caplog.text


def test_an_evicted_version_never_brings_back_older_copies(client, site):
    # A full cache may cull the version key; the copies stored under the old version must stay unread.
    client.get(INDEX)
    assert client.get(INDEX)["X-Page-Cache"] == "hit"
    cache.delete(pagecache._version_key("catalogue"))
    assert client.get(INDEX)["X-Page-Cache"] == "miss"
