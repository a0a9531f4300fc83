from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "inspira.visits"
    label = "visits"
    verbose_name = _("Study visits")

    def ready(self):
        # The public catalogue (a lower app) learns of occasions through its hooks, never by import.
        from inspira.catalogue import hooks
        from inspira.core import pagecache
        from inspira.visits import selectors
        from inspira.visits.models import Booking, Occasion, SiteVisitSettings, WaitingListEntry

        hooks.register_free_occasions_filter(selectors.certifications_with_free_occasions)
        hooks.register_site_page_panel(selectors.catalogue_occasions_panel)
        # The free places those show change with every booking, offer and occasion.
        pagecache.invalidate_on("catalogue", Occasion, Booking, WaitingListEntry, SiteVisitSettings)
