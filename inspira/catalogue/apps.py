from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "inspira.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue of inspiration sites")

    def ready(self):
        from inspira.catalogue.models import DocumentationImage, SiteDocumentation
        from inspira.certification.models import (
            Application,
            ApplicationContact,
            ApplicationImage,
            ApplicationPlanItem,
            Certification,
        )
        from inspira.core import pagecache
        from inspira.schools.models import District, School, SchoolForm

        # Everything the public catalogue and site pages show; apps above add their own models.
        pagecache.invalidate_on(
            "catalogue", Certification, Application, ApplicationPlanItem, ApplicationContact, ApplicationImage,
            SiteDocumentation, DocumentationImage, School, District, SchoolForm,
        )
