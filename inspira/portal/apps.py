from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top of the apps: home page, dashboards, the administrators' outbox and audit pages, and the
    demo loader. It may import every app; no app imports it."""

    name = "inspira.portal"
    label = "portal"
    verbose_name = _("Portal")
