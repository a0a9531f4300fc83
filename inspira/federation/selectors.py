"""What other apps read of the federation: the logins linked at its identity providers and their names
(the people page, through ``accounts.selectors.sign_in_methods``, which this app's start-up tells)."""

from django.conf import settings
from django.db.models import CharField, QuerySet, Value
from django.utils.translation import get_language

from inspira.accounts.selectors import FEDERATION
from inspira.federation.metadata import identity_providers
from inspira.federation.models import FederatedIdentity


def linked_login_facts(user_ids) -> QuerySet:
    """(person id, "federation", identity provider) for every login linked to one of ``user_ids``."""
    return (FederatedIdentity.objects.filter(user_id__in=user_ids).order_by()
            .annotate(fact=Value(FEDERATION, output_field=CharField()))
            .values_list("user_id", "fact", "idp_entity_id"))


def identity_provider_names(entity_ids: set[str]) -> dict[str, str]:
    """{entity id: display name} for those the cached metadata lists (read from the file, no query)."""
    known = identity_providers(get_language() or settings.LANGUAGE_CODE)
    return {idp: known[idp].name for idp in entity_ids if idp in known}
