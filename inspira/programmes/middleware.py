from django.http import Http404

from inspira.programmes.catalog import programme_of_namespace
from inspira.programmes.permissions import programme_is_active


class ProgrammeSwitchMiddleware:
    """Every page of a programme that is switched off answers 404, as if it had never existed.

    Which pages belong to which programme is ``catalog.NAMESPACES``, so a new page of a programme
    is covered by being in its app's URL namespace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        key = programme_of_namespace(match.namespaces[0]) if match and match.namespaces else None
        if key is not None and not programme_is_active(key, request):
            raise Http404
        return None
