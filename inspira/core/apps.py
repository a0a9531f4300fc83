from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "inspira.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the deployment checks, the outbox handlers and the search lookup that live in this app.
        from inspira.core import checks, emails, search  # noqa: F401
