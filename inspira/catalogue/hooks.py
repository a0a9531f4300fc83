"""Where apps above the catalogue plug into it. The catalogue never imports them (dependencies point
down: see the README); an app that wants a say registers here in its ``AppConfig.ready()``, and
nothing changes when it is not installed.

- ``free_occasions_filter``: a callable ``(certifications) -> certifications`` that keeps the sites
  with occasions that can be booked now. When set, the catalogue offers a “has free occasions” filter.
  It must narrow the queryset in the database (a subquery), so the list's query count stays fixed.
- ``site_page_panels``: callables ``(request, certification) -> dict | None``. Each returns the context
  of a section of the site's public page, with the ``template`` to include, or None to show nothing.
  Each should run a fixed number of queries (the page's query count is tested).
"""

from collections.abc import Callable

from django.db.models import QuerySet

free_occasions_filter: Callable[[QuerySet], QuerySet] | None = None
site_page_panels: list[Callable] = []


def register_free_occasions_filter(func: Callable[[QuerySet], QuerySet]) -> None:
    global free_occasions_filter
    free_occasions_filter = func


def register_site_page_panel(func: Callable) -> None:
    # ready() may run more than once in a process (e.g. in some test set-ups); register once.
    if func not in site_page_panels:
        site_page_panels.append(func)
