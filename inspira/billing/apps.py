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
        from inspira.billing.models import FeeEntry
        from inspira.certification.models import Certification
        from inspira.core import pagecache
        from inspira.schools.models import School
        from inspira.schoolyears.models import SchoolYear
        from inspira.visits.models import Booking, Occasion

        # What the finance overview adds up (selectors.overview_for_page keeps the sums until one changes).
        pagecache.invalidate_on("finance", FeeEntry, Booking, Occasion, Certification, School, SchoolYear)
