from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolYearsConfig(AppConfig):
    name = "inspira.schoolyears"
    label = "schoolyears"
    verbose_name = _("School years and fee rules")
