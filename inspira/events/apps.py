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
        # Who coordinates what is kept in the cache for the menu: drop it at once when that changes
        # (for the rest of the transaction) and again after the commit, in case another process
        # cached the old answer in between.
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from inspira.events.permissions import forget_coordinators
        from inspira.programmes.models import ProgrammeCoordinator

        def coordinators_changed(sender, **kwargs):
            forget_coordinators()
            transaction.on_commit(forget_coordinators)

        for signal in (post_save, post_delete):
            signal.connect(coordinators_changed, sender=ProgrammeCoordinator, weak=False,
                           dispatch_uid=f"events:coordinators:{signal is post_save}")
