from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    """The municipality's development programmes: which are switched on, and who coordinates each.
    Sits above accounts and school years and below the apps of the programmes themselves, so every
    programme's app (and the menu above them all) can ask whether a programme is on."""

    name = "inspira.programmes"
    label = "programmes"
    verbose_name = _("Programmes")
