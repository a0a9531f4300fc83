"""Who may do what in the teacher panel. Every view asks one of these, on the server."""

from django.utils import timezone

from inspira.accounts.models import User
from inspira.accounts.permissions import confirmed_memberships, has_central_role
from inspira.panel.models import Member
from inspira.programmes.catalog import Key
from inspira.programmes.permissions import is_coordinator


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def may_coordinate(user) -> bool:
    """Write surveys, draw samples, moderate chats, answer and publish raised questions: the panel's
    coordinators (while it is on) and administrators."""
    return _active(user) and (has_central_role(user, User.Role.ADMINISTRATOR)
                              or is_coordinator(user, Key.TEACHER_PANEL))


def is_teacher(user) -> bool:
    """"Alla lärare bjuds in att delta": anyone confirmed at a school may join."""
    return _active(user) and confirmed_memberships(user).exists()


def current_member(user, now=None) -> Member | None:
    """The person's open membership whose consent still holds, or None. Kept on the user object, so a
    page asks at most once."""
    if not _active(user):
        return None
    cache = getattr(user, "_panel_member_cache", None)
    if cache is None:
        now = now or timezone.now()
        member = (Member.objects.filter(user=user, ended_at__isnull=True, consent_until__gt=now)
                  .select_related("consent_text", "school_form", "district").first())
        cache = user._panel_member_cache = (member,)
    return cache[0]


def is_member(user) -> bool:
    return current_member(user) is not None


def may_join(user) -> bool:
    return is_teacher(user) and not Member.objects.filter(user=user, ended_at__isnull=True).exists()


def may_lead_chat(user, chat) -> bool:
    """Answer in writing during the chat: the people it is with."""
    return _active(user) and chat.leaders.filter(pk=user.pk).exists()


def may_moderate_chat(user, chat) -> bool:
    return may_coordinate(user)


def may_view_chat(user, chat) -> bool:
    """Watch a chat: its members, its leaders and those who moderate it."""
    return is_member(user) or may_lead_chat(user, chat) or may_moderate_chat(user, chat)


def may_read_transcript(user, chat) -> bool:
    """A chat's transcript: for those who may watch the chat once it is published, before that for its
    moderators."""
    return may_view_chat(user, chat) and (chat.transcript_published_at is not None or may_moderate_chat(user, chat))


def may_follow_up(user, chat) -> bool:
    """A chat's follow-ups page: the coordinators, and the owners of its follow-ups (their own only)."""
    return may_coordinate(user) or (_active(user) and chat.questions.filter(owner=user).exists())


# --- submissions: raised questions and good examples ---------------------------------------------------

def may_raise(user) -> bool:
    """Raise a question or share a good example, and support others': the panel's members."""
    return is_member(user)


def may_view_submission(user, submission) -> bool:
    """A submission's page: its writer, the coordinators, and members once it is published."""
    if not _active(user):
        return False
    if may_coordinate(user) or submission.author_id == user.pk:
        return True
    return submission.published_at is not None and is_member(user)
