"""Who signs in through Skolfederation, and what the administration trusts each identity provider for.

An identity provider (a municipality's or a school organiser's login service) is known by its SAML
entity id, as the federation's metadata names it. Nothing here holds a personal identity number:
it is never requested, and dropped if an identity provider sends it (inspira/federation/attributes.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class IdentityProviderTrust(models.Model):
    """What the administration trusts one identity provider for. An identity provider without a row is
    trusted for nothing: its school codes only propose memberships, its affiliations are ignored and
    central roles still enter their own second factor."""

    entity_id = models.CharField(_("entity id"), max_length=1024, unique=True)
    name = models.CharField(_("name"), max_length=300, blank=True,
                            help_text=_("The name the federation's metadata gave it when the trust was saved."))
    trust_school_codes = models.BooleanField(
        _("trust its school unit codes"), default=False,
        help_text=_("A person's school unit codes make them a confirmed member of those schools at once, "
                    "without the principal's confirmation."),
    )
    trust_affiliation = models.BooleanField(
        _("trust its affiliations"), default=False,
        help_text=_("Only people it calls staff, faculty or employee are connected to schools; pupils and "
                    "others are not. Never gives a central role or a principal's or site contact's role."),
    )
    trust_mfa = models.BooleanField(
        _("trust its multi-factor authentication"), default=False,
        help_text=_("When it says a person signed in with multi-factor authentication (the REFEDS MFA profile), "
                    "administrators, the director and finance are not asked for Inspira's own code as well."),
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("identity provider's trust")
        verbose_name_plural = _("identity providers' trust")
        ordering = ["name", "entity_id"]

    def __str__(self):
        return self.name or self.entity_id


class FederatedIdentity(models.Model):
    """A person's login at one identity provider: its eduPersonPrincipalName, unique within the provider."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="federated_identities")
    idp_entity_id = models.CharField(_("identity provider"), max_length=1024)
    eppn = models.CharField(_("eduPersonPrincipalName"), max_length=255)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last signed in"), null=True, blank=True)
    # School unit codes of this login already acted on: a membership the principal turned down is not
    # proposed again at the next sign-in.
    proposed_school_codes = models.JSONField(_("school unit codes acted on"), default=list, blank=True)

    class Meta:
        verbose_name = _("federation login")
        verbose_name_plural = _("federation logins")
        ordering = ["idp_entity_id", "eppn"]
        constraints = [
            models.UniqueConstraint(fields=["idp_entity_id", "eppn"], name="federated_identity_idp_eppn_unique"),
        ]

    def __str__(self):
        return f"{self.eppn} ({self.idp_entity_id})"


class FederationMembershipConfirmation(models.Model):
    """A membership confirmed by the federation (an identity provider trusted for school codes) rather
    than by a principal: the membership's ``confirmed_by`` stays empty, and this row says who vouched."""

    membership = models.OneToOneField("accounts.Membership", verbose_name=_("membership"),
                                      on_delete=models.CASCADE, related_name="federation_confirmation")
    idp_entity_id = models.CharField(_("identity provider"), max_length=1024)
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("membership confirmed by the federation")
        verbose_name_plural = _("memberships confirmed by the federation")

    def __str__(self):
        return f"{self.membership} ({self.idp_entity_id})"


class FederationMfaDevice(Device):
    """The second factor an identity provider trusted for MFA performed (django-otp's ``Device``).

    Logging in through such a provider with the REFEDS MFA profile marks the session verified with this
    device (``django_otp.login``), so the project's two-factor step (inspira/accounts/middleware.py) lets
    the person through. It accepts no codes. When the administration stops trusting the provider, its
    devices are unconfirmed, and django-otp stops counting the sessions they verified on the next request.
    """

    idp_entity_id = models.CharField(_("identity provider"), max_length=1024)

    class Meta(Device.Meta):
        verbose_name = _("multi-factor authentication at an identity provider")
        verbose_name_plural = _("multi-factor authentications at identity providers")
        constraints = [
            models.UniqueConstraint(fields=["user", "idp_entity_id"], name="federation_mfa_device_unique"),
        ]

    def verify_token(self, token):
        return False  # the identity provider did the checking; there is no code to enter here
