"""The one paginator of the list pages (``templates/includes/list_page.html`` shows the page)."""

from typing import NamedTuple

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


class Paginated(NamedTuple):
    page: Page
    query: str  # the request's query string without the page number


def paginate(request, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Paginated:
    """The page of ``items`` that the request asks for (the last one when it asks past the end, the
    first when it asks nonsense), and the request's query string without ``param``: the filters,
    which the page's export links keep. ``param`` names the page number of a second list on a page.
    """
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return Paginated(page, query.urlencode())
