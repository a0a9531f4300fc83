from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "inspira.certification"
    label = "certification"
    verbose_name = _("Applications and certification")

    def ready(self):
        # Registers the outbox handler of the decision letter.
        from inspira.certification import letters  # noqa: F401
