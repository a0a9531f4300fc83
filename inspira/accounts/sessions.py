"""Who is signed in where: one ``SignIn`` row per session of a logged-in person.

- Recorded when a person logs in (``user_logged_in``; Django's ``login()`` has already given the
  session its new key by then), removed when they log out (``user_logged_out``).
- ``SignInMiddleware`` keeps the row in step at the end of each request, at no query most of the
  time: it updates "last seen" at most every ``TOUCH_EVERY``, follows a session key that changed
  (the second step, a password change, any ``cycle_key``), and records a session that has no row
  yet (one made before this was deployed). What it knows is kept in the session itself
  (``SESSION_MARK``), so deciding costs nothing.
- An administrator ends one session (``sign_in_end``) or all of them (``sessions_end_all``). Both
  delete the session through the session engine's own API (``SessionStore.delete``), never the table,
  so it works with any engine that stores sessions on the server. Ending all also raises the person's
  ``session_generation``, which is part of their session auth hash: a session nobody recorded (made
  before this feature, or a row lost) stops at its next request too, when Django finds the hash no
  longer matches. A "valid after" time checked by a middleware would cost a query per request, or a
  cache that can be stale; the hash is checked by Django anyway, on the user row it loads already.
- ``sessions_prune`` (a daily job) clears expired sessions through the engine and removes rows
  whose session is gone or no longer valid (expired, ended by a password change).

The session key is stored as the engine stores it, not hashed: ending a session by its key needs
the key itself, and the session table (or Redis) keeps it in the clear beside the session anyway.
It is a credential all the same, so pages and audit rows name a sign-in by its id, the person's
download of their data leaves it out, and the Django admin does not show the model.

Only a summary of the browser is kept (name, major version, operating system), and no IP address:
seeing and ending sessions needs neither, and login records (django-axes) already keep the address
of each login for security (docs/data-protection.md).
"""

import hashlib
import re
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from inspira.accounts.models import SignIn, User
from inspira.core.audit import audit_record

# The contract with inspira.federation: it puts the identity provider's entity id here before login().
FEDERATION_IDP_SESSION_KEY = "inspira_federation_idp"
# What this module knows about the session, kept in the session: the row's id, a digest of the key the
# row has, and when "last seen" was written.
SESSION_MARK = "inspira_sign_in"
TOUCH_EVERY = timedelta(minutes=5)
# Backends that check a password. A session whose person came through any other backend and that carries
# the federation's identity provider was signed in through the federation.
PASSWORD_BACKENDS = frozenset({"django.contrib.auth.backends.ModelBackend", "axes.backends.AxesStandaloneBackend"})


class SessionError(Exception):
    """Message is translated; views show it as is."""


def session_store():
    """The configured session engine's store class."""
    return import_module(settings.SESSION_ENGINE).SessionStore


def _digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


# --- What the browser says ------------------------------------------------------------------------------------

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", re.compile(r"\b(?:Edg|EdgA|EdgiOS|Edge)/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chromium", re.compile(r"\bChromium/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[.\d]* (?:Mobile/\w+ )?Safari/")),
)
_SYSTEMS = (
    ("iPadOS", re.compile(r"\biPad\b")),
    ("iOS", re.compile(r"\biPhone\b|\biPod\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def summarise_user_agent(user_agent: str) -> tuple[str, str]:
    """(browser with its major version, operating system) from a User-Agent header; "" for what is not known."""
    user_agent = user_agent[:1000]
    browser = next((f"{name} {m.group(1)}" for name, pattern in _BROWSERS if (m := pattern.search(user_agent))), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return browser, system


# --- Recording ------------------------------------------------------------------------------------------------

def sign_in_method(request, user) -> tuple[str, str]:
    """(method, identity provider's entity id) of the session's sign-in."""
    idp = request.session.get(FEDERATION_IDP_SESSION_KEY) or ""
    backend = getattr(user, "backend", None) or request.session.get(BACKEND_SESSION_KEY, "")
    if idp and backend not in PASSWORD_BACKENDS:
        return SignIn.Method.FEDERATION, str(idp)[:1024]
    return SignIn.Method.PASSWORD, ""


def _mark(session, sign_in_id: int, now) -> None:
    session[SESSION_MARK] = {"id": sign_in_id, "key": _digest(session.session_key), "seen": int(now.timestamp())}


def sign_in_record(request, user, *, started: bool = True, now=None) -> SignIn:
    """Record the session of ``request`` as ``user``'s. ``started``: the person signed in just now (else the
    session is older than the record, and when it began is not known)."""
    now = now or timezone.now()
    session = request.session
    if session.session_key is None:
        session.save()  # login() after flush() leaves the session without a key until it is saved
    method, idp = sign_in_method(request, user)
    browser, system = summarise_user_agent(request.META.get("HTTP_USER_AGENT", ""))
    sign_in, _created = SignIn.objects.update_or_create(session_key=session.session_key, defaults={
        "user": user, "method": method, "idp_entity_id": idp, "second_factor": DEVICE_ID_SESSION_KEY in session,
        "browser": browser, "operating_system": system, "started_at": now if started else None,
        "last_seen_at": now,
    })
    _mark(session, sign_in.pk, now)
    return sign_in


@receiver(user_logged_in, dispatch_uid="inspira.accounts.sessions.logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sign_in_record(request, user)


@receiver(user_logged_out, dispatch_uid="inspira.accounts.sessions.logged_out")
def _on_logged_out(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignIn.objects.filter(session_key=key).delete()


def sign_in_sync(request, *, second_factor_passed: bool = False, now=None) -> None:
    """Bring the session's row in step with the session (see the module's description). No query unless
    something changed or "last seen" is older than ``TOUCH_EVERY``. The second step calls it with
    ``second_factor_passed`` once the person's code was right."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is None or user is None or not user.is_authenticated or not session.session_key:
        return
    now = now or timezone.now()
    mark = session.get(SESSION_MARK)
    if not isinstance(mark, dict) or not isinstance(mark.get("id"), int):
        sign_in_record(request, user, started=False, now=now)
        return
    changes = {}
    if mark.get("key") != _digest(session.session_key):
        changes["session_key"] = session.session_key
    if second_factor_passed:
        changes["second_factor"] = True
    if not changes and now.timestamp() - mark.get("seen", 0) < TOUCH_EVERY.total_seconds():
        return
    if not SignIn.objects.filter(pk=mark["id"], user_id=user.pk).update(last_seen_at=now, **changes):
        # The row is gone (the session was ended while this request ran): forget it. A session that
        # still exists is recorded again at its next request.
        del session[SESSION_MARK]
        return
    _mark(session, mark["id"], now)


def current_sign_in_id(request) -> int | None:
    """The id of the ``SignIn`` of the session making ``request``."""
    mark = request.session.get(SESSION_MARK)
    return mark.get("id") if isinstance(mark, dict) else None


# --- Ending sessions ----------------------------------------------------------------------------------------

def sessions_may_end(*, person, actor) -> bool:
    """Administrators end anyone's sessions, everyone else their own."""
    return actor.is_authenticated and (actor.is_administrator or actor.pk == person.pk)


def _describe(sign_in: SignIn) -> str:
    method = sign_in.get_method_display()
    if sign_in.idp_entity_id:
        method += f" ({sign_in.idp_entity_id})"
    return ", ".join(part for part in (method, sign_in.browser, sign_in.operating_system) if part)


@transaction.atomic
def sign_in_end(*, sign_in: SignIn, actor, current_sign_in_id: int | None = None) -> None:
    """End one session: the session is deleted through the engine, so its next request is anonymous."""
    person = sign_in.user
    if not sessions_may_end(person=person, actor=actor):
        raise PermissionDenied
    if sign_in.pk == current_sign_in_id:
        raise SessionError(_("This is the session you are using now. To end it, log out."))
    session_store()().delete(sign_in.session_key)
    sign_in.delete()
    audit_record(actor=actor, action="session.ended", obj=person,
                 summary=_("%(email)s: a session ended (%(what)s)") % {
                     "email": person.email, "what": _describe(sign_in)},
                 data={"method": sign_in.method, "identity_provider": sign_in.idp_entity_id,
                       "browser": sign_in.browser, "operating_system": sign_in.operating_system})


@transaction.atomic
def sessions_end_all(*, person: User, actor, keep_session_key: str | None = None) -> int:
    """End every session of ``person``, also those never recorded, except the one whose key is
    ``keep_session_key`` (a person ending their other sessions keeps the one they use). Returns the number
    of recorded sessions ended. Whoever keeps a session must then store the new auth hash in it
    (``update_session_auth_hash``), or it ends too."""
    if not sessions_may_end(person=person, actor=actor):
        raise PermissionDenied
    User.objects.filter(pk=person.pk).update(session_generation=F("session_generation") + 1)
    person.refresh_from_db(fields=["session_generation"])
    ended = sign_ins_forget(person=person, keep_session_key=keep_session_key)
    audit_record(actor=actor, action="session.ended_all", obj=person,
                 summary=_("%(email)s: all sessions ended") % {"email": person.email},
                 data={"recorded_sessions_ended": ended, "kept_own": bool(keep_session_key)})
    return ended


def sign_ins_forget(*, person: User, keep_session_key: str | None = None) -> int:
    """Delete the person's recorded sessions (and their rows) but the one with ``keep_session_key``: after a
    password change, which Django's hash check makes the others useless anyway, and at erasure."""
    sign_ins = SignIn.objects.filter(user=person)
    if keep_session_key:
        sign_ins = sign_ins.exclude(session_key=keep_session_key)
    store = session_store()()
    for key in sign_ins.values_list("session_key", flat=True):
        store.delete(key)
    return sign_ins.delete()[0]


# --- Pruning --------------------------------------------------------------------------------------------------

def _still_valid(data: dict, user: User) -> bool:
    """Whether Django would still log ``user`` in with session ``data`` (see django.contrib.auth.get_user)."""
    if not user.is_active or data.get(SESSION_KEY) != user._meta.pk.value_to_string(user):
        return False
    stored = data.get(HASH_SESSION_KEY) or ""
    return bool(stored) and any(constant_time_compare(stored, h) for h in
                                (user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()))


def sessions_prune() -> dict[str, int]:
    """Clear expired sessions through the engine, then remove the rows of sessions that are gone or that
    Django would no longer accept (expired, the password changed, the person deactivated). Runs daily;
    returns the counts."""
    result = {"removed": 0, "kept": 0}
    store_class = session_store()
    try:
        store_class.clear_expired()  # what `manage.py clearsessions` does
    except NotImplementedError:  # an engine whose sessions expire by themselves
        pass
    for sign_in in SignIn.objects.select_related("user").order_by("pk").iterator(chunk_size=500):
        store = store_class(session_key=sign_in.session_key)
        data = store.load()
        if data and _still_valid(data, sign_in.user):
            result["kept"] += 1
            continue
        if data:
            store.delete(sign_in.session_key)  # Django would flush it at its next request anyway
        sign_in.delete()
        result["removed"] += 1
    return result
