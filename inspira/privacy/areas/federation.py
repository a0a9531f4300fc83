"""Sign-in through Skolfederation: the person's linked logins (their eduPersonPrincipalName at each
identity provider), the memberships a trusted identity provider confirmed, and the trust settings an
administrator changed. The second factor an identity provider performed (``FederationMfaDevice``) is a
django-otp device, handled with the others in ``platform``."""

from django.utils.translation import gettext_lazy as _

from inspira.federation.metadata import identity_providers
from inspira.federation.models import FederatedIdentity, FederationMembershipConfirmation, IdentityProviderTrust
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row

ACTIONS = [Action(IdentityProviderTrust, "updated_by", "updated_at")]


def _provider_name(entity_id: str, known: dict) -> str:
    return known[entity_id].name if entity_id in known else entity_id


def export(user, scrubber) -> list[Category]:
    known = identity_providers()
    logins = [
        row(identity_provider=_provider_name(identity.idp_entity_id, known), eppn=identity.eppn,
            linked=identity.created_at, last_signed_in=identity.last_login_at,
            school_codes_acted_on=", ".join(identity.proposed_school_codes))
        for identity in FederatedIdentity.objects.filter(user=user).order_by("created_at", "pk")
    ]
    confirmations = [
        row(school=confirmation.membership.school.name,
            identity_provider=_provider_name(confirmation.idp_entity_id, known), confirmed=confirmation.confirmed_at)
        for confirmation in FederationMembershipConfirmation.objects.filter(membership__user=user)
        .select_related("membership__school").order_by("confirmed_at", "pk")
    ]
    return [
        Category("federation_logins", _("Your logins through Skolfederation"),
                 _("Removed: signing in there no longer leads to this account."), logins),
        Category("federation_memberships", _("Memberships Skolfederation confirmed"), _("Removed."), confirmations),
        Category("federation_actions", _("Trust in login services you changed"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    user = ctx.user
    # Gone already with the memberships (accounts' area runs first); deleted here all the same, so this
    # area does not depend on the order.
    FederationMembershipConfirmation.objects.filter(membership__user=user).delete()
    ctx.counts["federation_logins_removed"] += FederatedIdentity.objects.filter(user=user).delete()[0]


AREA = Area(
    name="federation",
    export=export,
    erase=erase,
    fields=merge(
        {
            "federation.FederatedIdentity": ["user", "eppn", "proposed_school_codes", "created_at",
                                             "last_login_at"],
            "federation.FederationMembershipConfirmation": ["membership", "confirmed_at"],
        },
        action_fields(ACTIONS),
    ),
    not_personal={
        "federation.IdentityProviderTrust.name": "the name of a login service (a municipality or a school "
                                                 "organiser), from the federation's metadata",
    },
)
