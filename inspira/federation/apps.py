from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "inspira.federation"
    label = "federation"
    verbose_name = _("Sign-in through Skolfederation")

    def ready(self):
        from inspira.federation import checks  # noqa: F401  (the deployment checks register themselves)
