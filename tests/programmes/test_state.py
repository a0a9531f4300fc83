from django.core.cache import cache
from django.test import RequestFactory

from inspira.programmes import state
from inspira.programmes.permissions import programme_is_active


def test_a_request_reads_the_state_from_the_database_at_most_once(db, django_assert_num_queries):
    cache.delete(state.CACHE_KEY)
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        for key in ("inspiration_sites", "benchmarking", "tailor_made", "teacher_panel", "cooperation"):
            programme_is_active(key, request)
    # The next request, in any process, finds it in the cache.
    with django_assert_num_queries(0):
        assert programme_is_active("inspiration_sites", RequestFactory().get("/"))


def test_with_the_cache_down_the_state_is_read_from_the_database(db, settings, administrator, caplog):
    from inspira.programmes.services import programme_set_active
    from tests.factories import programme

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    assert programme_is_active("inspiration_sites", RequestFactory().get("/"))
    programme_set_active(programme=programme("inspiration_sites"), active=False, actor=administrator)
    assert not programme_is_active("inspiration_sites", RequestFactory().get("/"))
    assert "cache is unavailable" in caplog.text
