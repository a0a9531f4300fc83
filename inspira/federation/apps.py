from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "inspira.federation"
    label = "federation"
    verbose_name = _("Sign-in through Skolfederation")

    def ready(self):
        from inspira.accounts.selectors import SignInSource, sign_in_source_add
        from inspira.federation import checks  # noqa: F401  (the deployment checks register themselves)
        from inspira.federation.selectors import identity_provider_names, linked_login_facts

        # The people page says who signs in through the federation (accounts may not import this app).
        sign_in_source_add(SignInSource(facts=linked_login_facts, names=identity_provider_names))
