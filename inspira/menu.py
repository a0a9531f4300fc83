"""The main menu: which entries a person sees and which one is the current page.

The menu sits above every app (like the root URLconf), so it may ask each app's permission
predicates; the template (includes/nav_items.html) only loops over what ``menu_items`` gives.
An entry is shown when its predicate allows the person to open the page it links to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from inspira.accounts.models import User
from inspira.accounts.permissions import CENTRAL_ROLES, has_central_role
from inspira.benchmarking.permissions import may_approve_claims
from inspira.billing.permissions import can_view_overview
from inspira.certification.permissions import can_decide, can_view_casework
from inspira.efforts.permissions import may_view_own_efforts
from inspira.events.permissions import may_manage_events
from inspira.programmes.catalog import programme_of_url_name
from inspira.programmes.state import active_keys


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool
    # A group (the administration's registers) is one dropdown entry, so the bar stays on one
    # line on a laptop; its url is empty.
    children: tuple["MenuItem", ...] = ()


def _school_person(user) -> bool:
    """People of the schools (not of the central administration) apply and visit."""
    return user.is_authenticated and not user.is_central


def _signed_in(user) -> bool:
    return user.is_authenticated


def _central(user) -> bool:
    return has_central_role(user, *CENTRAL_ROLES)


def _administrator(user) -> bool:
    return has_central_role(user, User.Role.ADMINISTRATOR)


def _federation_administrator(user) -> bool:
    """Administrators, while sign-in through Skolfederation is on: the identity providers' trust settings."""
    from django.conf import settings

    return settings.INSPIRA_SAML_ENABLED and _administrator(user)


def _benchmarking_coordinator(user) -> bool:
    """Administrators and the benchmarking programme's coordinators (benchmarking.permissions.may_coordinate),
    read from the cached map of coordinators: the menu asks on every page."""
    from inspira.events.permissions import _coordinators
    from inspira.programmes.catalog import Key

    return _administrator(user) or (user.is_authenticated and user.is_active
                                    and user.pk in _coordinators().get(Key.BENCHMARKING, ()))


def _efforts_coordinator(user) -> bool:
    """Administrators and the coordinators of tailor-made development (efforts.permissions.may_coordinate),
    from the cached map of coordinators: the menu asks on every page."""
    from inspira.events.permissions import _coordinators
    from inspira.programmes.catalog import Key

    return _administrator(user) or (user.is_authenticated and user.is_active
                                    and user.pk in _coordinators().get(Key.TAILOR_MADE, ()))


def _panel_coordinator(user) -> bool:
    """Administrators and the teacher panel's coordinators (panel.permissions.may_coordinate), from the
    cached map of coordinators: the menu asks on every page."""
    from inspira.events.permissions import _coordinators
    from inspira.programmes.catalog import Key

    return _administrator(user) or (user.is_authenticated and user.is_active
                                    and user.pk in _coordinators().get(Key.TEACHER_PANEL, ()))


# The teacher panel's pages that are the members' (or anyone's), not the coordinators'.
PANEL_MEMBER_PAGES = ("index", "join", "membership", "renew", "leave", "my_surveys", "survey_results", "chats",
                      "chat", "chat_feed", "submissions", "submission_new", "submission", "examples", "focus_answer")


# The pages of tailor-made development that are the principal's own.
EFFORTS_PRINCIPAL_PAGES = ("mine", "request")


def _cooperation_manager(user) -> bool:
    """Administrators and the cooperation programmes' coordinators (efforts.permissions.may_manage_cooperation),
    from the cached map of coordinators. Process leaders reach their programmes from the programme's page
    (/samverkan/): asking the database who leads a programme on every page would cost a query each."""
    from inspira.events.permissions import _coordinators
    from inspira.programmes.catalog import Key

    return _administrator(user) or (user.is_authenticated and user.is_active
                                    and user.pk in _coordinators().get(Key.COOPERATION, ()))


# The benchmarking pages of the teachers (the rest are the coordinators').
BENCHMARKING_TEACHER_PAGES = ("index", "interest_register", "mine", "interest_withdraw")


def _view(name: str) -> Callable:
    return lambda match: match.view_name == name


def _app(name: str) -> Callable:
    return lambda match: match.app_name == name


# panel: members
def _panel_person(user) -> bool:
    """Teachers (panel.permissions.is_teacher) and the panel's members. The schools come from the user's
    cached roles (the efforts entry asks them too), so the menu adds at most one query: the membership."""
    from inspira.accounts.permissions import school_roles
    from inspira.panel.permissions import current_member

    return bool(school_roles(user)) or current_member(user) is not None


def _url_name(name: str) -> Callable:
    return lambda match: match.url_name == name


# The events app's pages that are not the organisers' (the menu's "Events" is not current on them).
PARTICIPANT_PAGES = (
    "calendar", "feed", "my_feed_page", "my_feed", "material_download", "event", "register", "register_group",
    "registration_cancel", "waiting_leave", "offer_accept", "offer_decline", "mine",
)

# (URL name, label, who sees it, on which pages it is the current entry). Everything but the
# catalogue needs a signed-in person who has passed the second step of logging in.
ENTRIES = (
    ("catalogue:index", _("Inspiration sites"), None, _view("catalogue:index")),
    # Every programme's public events; it belongs to no programme, so it stays when one is off.
    ("events:calendar", _("Calendar"), None, lambda match: match.view_name in ("events:calendar", "events:event")),
    ("core:dashboard", _("My page"), _signed_in, _url_name("dashboard")),
    # The events the person registered for (any logged-in person may register), with their
    # participation record (events attended, visits made, the certificate) and calendar feed.
    ("events:mine", _("My events"), _signed_in,
     lambda match: match.view_name in ("events:mine", "core:participation", "events:my_feed_page")),
    ("certification:list", _("My applications"), _school_person, _app("certification")),
    ("visits:mine", _("Study visits"), _school_person, _app("visits")),
    ("certification:queue", _("Applications"), can_view_casework, _view("certification:queue")),
    ("certification:decisions", _("Decisions"), can_decide, _view("certification:decisions")),
    ("billing:overview", _("Finance"), can_view_overview, _app("billing")),
    # The organisers' events (coordinators and administrators); the public calendar is not this entry.
    ("events:manage", _("Events"), may_manage_events,
     lambda match: match.app_name == "events" and match.url_name not in PARTICIPANT_PAGES),
    # The benchmarking programme's page for the teachers, and its rounds for the coordinators (only
    # while the programme is on: the entries belong to its namespace).
    ("benchmarking:index", _("Benchmarking"), _school_person,
     lambda match: match.app_name == "benchmarking" and match.url_name in BENCHMARKING_TEACHER_PAGES),
    ("benchmarking:round_list", _("Benchmarking rounds"), _benchmarking_coordinator,
     lambda match: match.app_name == "benchmarking" and match.url_name not in BENCHMARKING_TEACHER_PAGES),
    # Finance's list of the schools' substitute-cost claims for benchmarking (gone while the programme is off).
    ("benchmarking:finance_claims", _("Substitute costs"), may_approve_claims,
     lambda match: match.view_name in ("benchmarking:finance_claims", "benchmarking:claim_detail")),
    # A principal's efforts of tailor-made development and the request (gone while the programme is off).
    ("efforts:mine", _("Our efforts"), may_view_own_efforts,
     lambda match: match.app_name == "efforts" and match.url_name in EFFORTS_PRINCIPAL_PAGES),
    # The centre's overview of every tailor-made effort, from which the coordinators reach each case (gone
    # while the programme is off); without it they had only the emailed links to the efforts.
    ("efforts:overview", _("Tailor-made efforts"), _efforts_coordinator,
     lambda match: match.app_name == "efforts" and match.url_name not in EFFORTS_PRINCIPAL_PAGES),
    # The cooperation programmes (seed 004) for those who set them up (gone while the programme is off).
    ("cooperation:programme_list", _("Cooperation programmes"), _cooperation_manager,
     lambda match: match.app_name == "cooperation" and match.url_name != "index"),
    # The teacher panel's overview for its coordinators, from which they reach its coordination pages
    # (gone while the panel is off).
    ("panel:overview", _("Teacher panel (coordination)"), _panel_coordinator,
     lambda match: match.app_name == "panel" and match.url_name not in PANEL_MEMBER_PAGES),
    # panel: members. The teacher panel's page, for teachers and members (gone while the panel is off).
    ("panel:index", _("Teacher panel"), _panel_person,
     lambda match: match.app_name == "panel" and match.url_name in PANEL_MEMBER_PAGES),
)

# The administration's registers, in one dropdown after the entries above.
ADMINISTRATION = (_("Administration"), (
    # The closed schools' page is the portal's (it reads the programmes), but it is one of the schools' pages.
    ("schools:list", _("Schools"), _central,
     lambda match: match.app_name == "schools" or match.view_name == "core:closed_schools"),
    ("schoolyears:list", _("School years and fees"), _central, _app("schoolyears")),
    ("programmes:list", _("Programmes"), _administrator, _app("programmes")),
    ("accounts:people", _("People"), _administrator, _url_name("people")),
    ("federation:providers", _("Login services"), _federation_administrator, _app("federation")),
    ("core:outbox", _("Outbox"), _administrator, _url_name("outbox")),
    ("core:audit", _("Audit trail"), _administrator, _view("core:audit")),
))


def _items(request, entries, *, signed_in: bool) -> list[MenuItem]:
    match = request.resolver_match
    # An entry belongs to the programme of its URL (programmes.catalog.NAMESPACES); a programme that
    # is switched off takes its entries with it.
    active = active_keys(request)
    return [
        MenuItem(label=str(label), url=reverse(url_name), current=match is not None and is_current(match))
        for url_name, label, allowed, is_current in entries
        # The programme first: the predicate of an entry whose programme is off is never asked.
        if programme_of_url_name(url_name) in (None, *active)
        and (allowed is None or (signed_in and allowed(request.user)))
    ]


def menu_for(request) -> list[MenuItem]:
    user = request.user
    # Pages still owing the second step of logging in would only lead back to it.
    signed_in = user.is_authenticated and not getattr(request, "two_factor_pending", False)
    items = _items(request, ENTRIES, signed_in=signed_in)
    label, entries = ADMINISTRATION
    children = tuple(_items(request, entries, signed_in=signed_in))
    if children:
        items.append(MenuItem(label=str(label), url="", current=any(c.current for c in children),
                              children=children))
    return items


def menu_items(request) -> dict:
    """Context processor: ``menu_items``, worked out only when a page shows the menu."""
    return {"menu_items": SimpleLazyObject(lambda: menu_for(request))}
