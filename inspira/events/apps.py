from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Meetings that every programme holds (seminars, kick-offs, focus groups...), and the public
    calendar of them. Sits just above programmes: it asks which programmes are on and who
    coordinates them, and the apps of the programmes themselves may use it."""

    name = "inspira.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from inspira.core import pagecache
        from inspira.events.models import Event
        from inspira.programmes.models import Programme

        # The public calendar's copies show events and which programmes are on.
        pagecache.invalidate_on("calendar", Event, Programme)
