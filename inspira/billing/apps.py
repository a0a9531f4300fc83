from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "inspira.billing"
    label = "billing"
    verbose_name = _("Fees and invoices")

    def ready(self):
        # The outbox handlers (invoice PDF and email, e-invoice delivery) and the receivers of
        # the visits app's completion signals.
        from inspira.billing import receivers, tasks  # noqa: F401
