from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import CharField, Prefetch, Q, QuerySet, Value
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspira.accounts.models import Membership, SignIn, User
from inspira.core.search import fold, text_matches
from inspira.schools.models import School

SCHOOL_SEARCH_LIMIT = 20


def school_search(query: str, *, limit: int = SCHOOL_SEARCH_LIMIT) -> tuple[list[School], bool]:
    """Schools whose name contains ``query`` or whose unit code starts with it.

    Returns at most ``limit`` schools and whether there were more, so the page can ask the
    person to be more specific instead of showing a long list.
    """
    query = " ".join(query.split())
    if not query:
        return [], False
    condition = text_matches(query, "name")
    digits = query.replace(" ", "")
    if digits.isascii() and digits.isdigit():
        condition |= Q(unit_code__startswith=digits)
    schools = list(
        School.objects.filter(condition).only("pk", "name", "unit_code", "city").order_by("name", "unit_code")[
            : limit + 1
        ]
    )
    return schools[:limit], len(schools) > limit


def school_waiting_memberships(school) -> QuerySet[Membership]:
    """People who asked to join ``school`` and have verified their email address."""
    return (
        Membership.objects.filter(school=school, confirmed_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("requested_at", "pk")
    )


def school_confirmed_memberships(school) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(school=school, confirmed_at__isnull=False)
        .select_related("user")
        .order_by("user__name", "user__email", "pk")
    )


def people_search(query: str = "") -> QuerySet[User]:
    people = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("school").order_by("school__name"))
    ).order_by("name", "email")
    query = query.strip()
    if query:
        people = people.filter(text_matches(query, "name", "email"))
    return people


def person_memberships(person) -> QuerySet[Membership]:
    return Membership.objects.filter(user=person).select_related("school").order_by("school__name")


# --- How people sign in, and their sessions -----------------------------------------------------------------

@dataclass
class SignInMethods:
    """How a person signs in: with a password (and whether a second factor is set up), through the school
    federation (the identity providers they came from)."""

    password: bool = False
    second_factor: bool = False
    identity_providers: list[str] = field(default_factory=list)

    @property
    def federation(self) -> bool:
        return bool(self.identity_providers)


SECOND_FACTOR = "second_factor"
FEDERATION = "federation"


@dataclass(frozen=True)
class SignInSource:
    """How an app higher up lets people sign in (inspira.federation: the logins linked at its identity
    providers), told to this app when it starts, since accounts may not import it: ``facts(user_ids)``, a
    queryset of (person id, FEDERATION, identity provider) rows to join the union below, and
    ``names(entity_ids)``, {entity id: name} for those it knows."""

    facts: Callable[[list[int]], QuerySet]
    names: Callable[[set[str]], dict[str, str]]


_SOURCES: list[SignInSource] = []


def sign_in_source_add(source: SignInSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def _sign_in_facts(user_ids) -> QuerySet:
    """(person id, fact, identity provider) rows, one query for any number of people: a confirmed
    authenticator app, every identity provider a recorded session came through, and what the apps' sign-in
    sources add (recorded sessions end, and a linked login says how the person signs in even before its
    first session)."""
    fact = lambda value: Value(value, output_field=CharField())  # noqa: E731
    devices = (TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).order_by()
               .annotate(fact=fact(SECOND_FACTOR), idp=fact("")).values_list("user_id", "fact", "idp"))
    federation = (SignIn.objects.filter(user_id__in=user_ids, method=SignIn.Method.FEDERATION).order_by()
                  .annotate(fact=fact(FEDERATION)).values_list("user_id", "fact", "idp_entity_id"))
    return devices.union(federation, *(source.facts(user_ids) for source in _SOURCES))


def sign_in_methods(users) -> dict[int, SignInMethods]:
    """Person id -> how they sign in, for ``users`` (loaded with their password hash), in one query.

    Identity providers are named as the sign-in sources name them (the federation: from its cached
    metadata, a file, not the database), by their entity id when none does."""
    users = list(users)
    methods = {user.pk: SignInMethods(password=user.has_usable_password()) for user in users}
    if not methods:
        return methods
    entity_ids: dict[int, set[str]] = {}
    for user_id, fact, idp in _sign_in_facts(list(methods)):
        if fact == SECOND_FACTOR:
            methods[user_id].second_factor = True
        elif idp:
            entity_ids.setdefault(user_id, set()).add(idp)
    known: dict[str, str] = {}
    if entity_ids:
        every = set().union(*entity_ids.values())
        for source in _SOURCES:
            known.update(source.names(every))
    for user_id, ids in entity_ids.items():
        methods[user_id].identity_providers = sorted({known.get(idp, idp) for idp in ids}, key=fold)
    return methods


def person_sign_ins(person) -> QuerySet[SignIn]:
    """A person's recorded sessions, the latest used first. Without the session key: pages never need it."""
    return SignIn.objects.filter(user=person).defer("session_key").order_by("-last_seen_at", "-pk")
