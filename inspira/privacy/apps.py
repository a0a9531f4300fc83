from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection: a person's download of their data, erasure, retention.

    The top of the dependency order: it reads every other app's models and nothing imports it.
    """

    name = "inspira.privacy"
    label = "privacy"
    verbose_name = _("Data protection")
