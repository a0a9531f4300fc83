"""The authentication backend of sign-ins through Skolfederation (djangosaml2's ``Saml2Backend``).

djangosaml2's own backend finds or creates a user by one attribute (SAML_DJANGO_USER_MAIN_ATTRIBUTE) and
copies attributes onto it. Inspira's rules differ (a login is the pair identity provider + ePPN, an
existing account is linked only after its password, school codes propose memberships), so ``authenticate``
hands the assertion to ``services.federated_person``. The assertion consumer (views.AssertionConsumer)
calls it directly rather than through ``django.contrib.auth.authenticate``: the password backends (and
django-axes' lock-out, which counts by username) have nothing to say about an assertion. The backend is
still the one ``login()`` records, so the session is read back with ``get_user`` below (active people only).
"""

from djangosaml2.backends import Saml2Backend

PATH = "inspira.federation.backends.FederationBackend"


class FederationBackend(Saml2Backend):
    def authenticate(self, request, session_info=None, attribute_mapping=None, create_unknown_user=True,
                     assertion_info=None, **kwargs):
        """The person an assertion that pysaml2 has verified belongs to.

        Raises ``services.LinkRequired`` when an existing account must be confirmed with its password first,
        and ``services.SignInRefused`` (a translated message) when the sign-in cannot go through.
        """
        from inspira.federation import services

        if request is None or not session_info or not session_info.get("issuer"):
            return None
        return services.federated_person(session_info=session_info)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
