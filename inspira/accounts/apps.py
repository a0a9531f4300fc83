from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "inspira.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        # Records sessions on login and logout (signal receivers).
        from inspira.accounts import sessions  # noqa: F401
