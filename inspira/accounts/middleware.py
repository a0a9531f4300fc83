from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from inspira.accounts import two_factor
from inspira.accounts.sessions import sign_in_sync

# What a person who still owes the second step may reach: the two-factor pages themselves, the
# way out, and what carries no data (health check, the language switch).
EXEMPT_VIEWS = {
    "accounts:two_factor_verify",
    "accounts:two_factor_recovery",
    "accounts:two_factor_enrol",
    "accounts:logout",
    "core:health",
    "set_language",
}


class RequireTwoFactorMiddleware:
    """Sends a logged-in person with a central role or Django admin access to the two-factor step until this session
    has passed it: to enter a code, or to set up an authenticator app if they have none.

    Must come after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not two_factor.required_for(user) or user.is_verified():
            return None
        request.two_factor_pending = True  # the menu hides links that would only lead back here
        if request.resolver_match.view_name in EXEMPT_VIEWS or request.path.startswith(settings.STATIC_URL):
            return None
        name = "accounts:two_factor_verify" if two_factor.has_device(user) else "accounts:two_factor_enrol"
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class SignInMiddleware:
    """Keeps each logged-in session's ``SignIn`` in step once the view has answered (``sessions.sign_in_sync``:
    no query on most requests). After SessionMiddleware and AuthenticationMiddleware, so the session is
    saved after this has written to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sign_in_sync(request)
        return response
