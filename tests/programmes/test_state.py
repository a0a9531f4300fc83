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
