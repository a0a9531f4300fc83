"""Pages of sign-in through Skolfederation: djangosaml2's login, assertion consumer and metadata (with
Inspira's rules and Swedish refusals), the discovery page, the password step that links an existing
account, and the administrators' trust settings."""

import logging
import time
from urllib.parse import urlencode

import django_otp
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from djangosaml2 import views as saml_views
from saml2.response import (
    RequestVersionTooLow,
    SignatureError,
    StatusError,
    UnsolicitedResponse,
)
from saml2.sigver import MissingKey
from saml2.validate import ResponseLifetimeExceed, ToEarly

from inspira.accounts import two_factor
from inspira.accounts.permissions import administrator_required
from inspira.core.pagination import paginate
from inspira.core.search import fold
from inspira.federation import backends, metadata, services
from inspira.federation.attributes import Person
from inspira.federation.forms import LinkPasswordForm, ProviderSearchForm, TrustForm
from inspira.federation.models import IdentityProviderTrust

log = logging.getLogger(__name__)

# The identity provider a person signed in through, read by the session tracking of inspira/accounts
# when ``login()`` sends ``user_logged_in`` (so it is set before the call).
SESSION_IDP = "inspira_federation_idp"
# A sign-in waiting for the password of an existing account (views.link).
SESSION_PENDING = "inspira_federation_pending"
PENDING_MAX_AGE = 15 * 60


def _enabled_or_404() -> None:
    if not settings.INSPIRA_SAML_ENABLED:
        raise Http404


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE


# --- Refusals ---------------------------------------------------------------------------------------------

def _refusal_text(exception) -> str:
    if isinstance(exception, PermissionDenied) and exception.args:
        return str(exception.args[0])  # a translated reason from services.SignInRefused
    if isinstance(exception, ResponseLifetimeExceed | ToEarly):
        return _("The answer from your organisation's login service is no longer valid. Sign in again.")
    if isinstance(exception, UnsolicitedResponse):
        return _("The answer from the login service does not belong to a sign-in started here, or it has "
                 "been used already. Sign in again from Inspira's login page.")
    if isinstance(exception, SignatureError | MissingKey):
        return _("The answer from the login service could not be verified: its signature is not valid, or the "
                 "login service is not one Inspira knows through Skolfederation.")
    if isinstance(exception, StatusError | RequestVersionTooLow):
        return _("Your organisation's login service did not sign you in.")
    # pysaml2 says "Condition not OK" alike for an assertion meant for another service and one that expired.
    return _("The answer from the login service was not accepted: it was not meant for Inspira, or it is no "
             "longer valid. Sign in again.")


def sign_in_refused(request, exception=None, status=403, **kwargs):
    """djangosaml2's SAML_ACS_FAILURE_RESPONSE_FUNCTION: a Swedish page that says why, never a server error."""
    log.warning("Sign-in through the federation refused: %s: %s", type(exception).__name__, exception)
    return render(request, "federation/refused.html", {"reason": _refusal_text(exception)}, status=status)


# --- djangosaml2's views, with Inspira's rules ---------------------------------------------------------------

class SamlLogin(saml_views.LoginView):
    """Sends the person to the identity provider they chose on the discovery page."""

    def dispatch(self, request, *args, **kwargs):
        _enabled_or_404()
        return super().dispatch(request, *args, **kwargs)

    def unknown_idp(self, request, idp):
        return render(request, "federation/refused.html", {
            "reason": _("Inspira does not know that login service. Choose your municipality or school "
                        "organiser in the list.")}, status=404)

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return super().get(request, *args, **kwargs)  # sent on to next (SAML_IGNORE_AUTHENTICATED_USERS_ON_LOGIN)
        idp = request.GET.get("idp", "")
        if not idp:
            query = {"next": request.GET["next"]} if request.GET.get("next") else {}
            return redirect(reverse("federation:discovery") + ("?" + urlencode(query) if query else ""))
        if idp not in metadata.identity_providers(_language(request)):
            return self.unknown_idp(request, idp)
        return super().get(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class AssertionConsumer(saml_views.AssertionConsumerServiceView):
    """Receives the identity provider's answer (a cross-site POST; CSRF-exempt, as SAML's own checks stand
    in: the signature, the audience, the lifetime and the request it answers, kept in djangosaml2's session).

    djangosaml2 marks its own ``dispatch`` exempt; overriding it drops the mark (``as_view`` copies it from
    the class's ``dispatch``), so it is put back here: without it every answer is refused by the CSRF
    check's Origin test, which Django's test client does not apply unless asked.
    """

    def dispatch(self, request, *args, **kwargs):
        _enabled_or_404()
        return super().dispatch(request, *args, **kwargs)

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        return sign_in_refused(request, exception=exception, status=status)

    def post(self, request, *args, **kwargs):
        self.link_url = None
        try:
            return super().post(request, *args, **kwargs)
        finally:
            # pysaml2 keeps every attribute of the assertion in djangosaml2's session, for single logout,
            # which Inspira does not offer: drop them before the session is saved, so nothing that an
            # identity provider sent unasked (a personal identity number) is ever stored.
            request.saml_session.pop("_saml2_identities", None)

    def authenticate_user(self, request, session_info, attribute_mapping, create_unknown_user, assertion_info):
        try:
            user = backends.FederationBackend().authenticate(request, session_info=session_info)
        except services.LinkRequired as pending:
            request.session[SESSION_PENDING] = {
                "user": pending.user.pk, "idp": pending.idp_entity_id, "person": pending.person.as_session(),
                "next": _safe_next(request, request.POST.get("RelayState")), "at": time.time()}
            self.link_url = reverse("federation:link")
            return None
        except services.SignInRefused as refused:
            raise PermissionDenied(str(refused)) from refused
        if user is None:
            raise PermissionDenied(_("Signing in did not work this time. Try again."))
        person = services.person_from(session_info, metadata.identity_providers().get(session_info["issuer"]))
        complete_sign_in(request, user=user, idp_entity_id=session_info["issuer"], person=person)
        return user

    def custom_redirect(self, user, relay_state, session_info):
        return self.link_url if user is None else None


def complete_sign_in(request, *, user, idp_entity_id: str, person: Person) -> None:
    """Log the person in as signed in through ``idp_entity_id``; with the identity provider's trusted MFA
    standing in for Inspira's second factor when the person needs one."""
    if request.user.is_authenticated:
        auth.logout(request)  # another person's session in this browser ends first
    request.session[SESSION_IDP] = idp_entity_id
    auth.login(request, user, backend=backends.PATH)
    if two_factor.required_for(user) and services.mfa_trusted(idp_entity_id=idp_entity_id, person=person):
        django_otp.login(request, services.mfa_device(user=user, idp_entity_id=idp_entity_id))


@never_cache
def metadata_view(request):
    _enabled_or_404()
    return saml_views.MetadataView.as_view()(request)


# --- The discovery page ----------------------------------------------------------------------------------------

@require_GET
def discovery(request):
    """Choose your municipality's or school organiser's login service (a GET search that needs no script)."""
    _enabled_or_404()
    form = ProviderSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    providers = sorted(metadata.identity_providers(_language(request)).values(), key=lambda p: fold(p.name))
    if query:
        providers = [p for p in providers if fold(query) in fold(p.name)]
    next_url = _safe_next(request, request.GET.get("next"))
    login_url = reverse("saml2_login")
    rows = [{"name": p.name, "url": login_url + "?" + urlencode({"idp": p.entity_id, **({"next": next_url}
                                                                                         if next_url else {})})}
            for p in providers]
    return render(request, "federation/discovery.html", {
        "search_form": form, "query": query, "page_obj": paginate(request, rows, per_page=50).page,
        "next": next_url, "metadata_missing": not metadata.identity_providers(_language(request)),
    })


# --- Linking an existing account -----------------------------------------------------------------------------------

def _pending(request) -> dict | None:
    pending = request.session.get(SESSION_PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_MAX_AGE:
        return None
    return pending


@never_cache
@require_http_methods(["GET", "POST"])
def link(request):
    """An account with the address the identity provider gave exists: its password proves it is the person's
    own before the login is linked to it (once)."""
    _enabled_or_404()
    from inspira.accounts.models import User

    pending = _pending(request)
    user = User.objects.filter(pk=pending["user"], is_active=True).first() if pending else None
    if user is None:
        request.session.pop(SESSION_PENDING, None)
        messages.info(request, _("No sign-in is waiting to be linked. Sign in again."))
        return redirect("federation:discovery")
    form = LinkPasswordForm(request.POST or None)
    if form.is_valid():
        # Through django-axes (the first backend): wrong passwords count towards the lock-out as on the
        # login page, and a locked-out account is refused before the password is checked.
        checked = auth.authenticate(request, username=user.email, password=form.cleaned_data["password"])
        if checked is None or checked.pk != user.pk:
            form.add_error("password", _("The password is not right."))
        else:
            person = Person.from_session(pending["person"])
            try:
                services.identity_link(user=user, idp_entity_id=pending["idp"], person=person)
            except services.SignInRefused as refused:
                request.session.pop(SESSION_PENDING, None)
                return render(request, "federation/refused.html", {"reason": str(refused)}, status=403)
            request.session.pop(SESSION_PENDING, None)
            complete_sign_in(request, user=user, idp_entity_id=pending["idp"], person=person)
            messages.success(request, _("Your login is linked to your Inspira account. Next time you sign in "
                                        "through Skolfederation you go straight in."))
            return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
    provider = metadata.identity_providers(_language(request)).get(pending["idp"])
    return render(request, "federation/link.html", {
        "form": form, "email": user.email, "provider_name": provider.name if provider else pending["idp"]})


# --- The administrators' trust settings ----------------------------------------------------------------------------

@administrator_required
@require_GET
def providers(request):
    """Every identity provider in the federation's metadata, and what the administration trusts it for."""
    _enabled_or_404()
    form = ProviderSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    known = metadata.identity_providers(_language(request))
    trusts = {trust.entity_id: trust for trust in IdentityProviderTrust.objects.all()}
    rows = [{"entity_id": entity_id, "name": p.name, "trust": trusts.get(entity_id), "in_metadata": True}
            for entity_id, p in known.items()]
    # Trust kept for a provider that has left the federation's metadata stays visible (and editable).
    rows += [{"entity_id": entity_id, "name": trust.name or entity_id, "trust": trust, "in_metadata": False}
             for entity_id, trust in trusts.items() if entity_id not in known]
    rows.sort(key=lambda row: (row["trust"] is None, fold(row["name"])))
    if query:
        rows = [row for row in rows if fold(query) in fold(row["name"]) or fold(query) in fold(row["entity_id"])]
    edit_url = reverse("federation:provider_edit")
    for row in rows:
        row["edit_url"] = edit_url + "?" + urlencode({"idp": row["entity_id"]})
    return render(request, "federation/providers.html", {
        "search_form": form, "query": query, "page_obj": paginate(request, rows).page})


def _entity_id(value) -> str:
    """The entity id asked for, or "" for what no entity id can be (NUL characters, longer than the column)."""
    try:
        return forms.CharField(max_length=1024, required=False).clean(value or "")
    except ValidationError:
        return ""


@administrator_required
@require_http_methods(["GET", "POST"])
def provider_edit(request):
    _enabled_or_404()
    entity_id = _entity_id(request.POST.get("idp") if request.method == "POST" else request.GET.get("idp"))
    known = metadata.identity_providers(_language(request))
    trust = IdentityProviderTrust.objects.filter(entity_id=entity_id).first()
    if not entity_id or (entity_id not in known and trust is None):
        messages.info(request, _("Choose a login service in the list."))
        return redirect("federation:providers")
    name = known[entity_id].name if entity_id in known else trust.name or entity_id
    form = TrustForm(request.POST or None, instance=trust or IdentityProviderTrust(entity_id=entity_id))
    if request.method == "POST" and form.is_valid():
        changed = services.trust_update(entity_id=entity_id, name=name, actor=request.user,
                                        **{field: form.cleaned_data[field] for field in services.TRUST_FIELDS})
        if changed:
            messages.success(request, _("The trust in %(name)s is saved.") % {"name": name})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("federation:providers")
    return render(request, "federation/provider_edit.html", {
        "form": form, "entity_id": entity_id, "name": name, "in_metadata": entity_id in known})
