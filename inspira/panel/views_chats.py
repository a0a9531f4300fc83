"""The chats with the leadership: the list, the chat page members watch (polling its feed), the
moderator's queue, the leaders' answers and the transcript."""

import contextlib
import hashlib
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core import pagecache
from inspira.core.pagination import paginate
from inspira.events.rules import EventInputError
from inspira.panel import chats as services
from inspira.panel import permissions
from inspira.panel.forms_chats import ChatForm
from inspira.panel.models import Chat, ChatQuestion, ChatSupport


def _question(chat, value) -> ChatQuestion:
    """The chat's question named in the POST; 404 for anything else, nonsense included."""
    value = (value or "").strip()
    pk = int(value) if value.isdecimal() and len(value) < 19 else 0  # a key the database can hold
    return get_object_or_404(ChatQuestion, pk=pk, chat=chat)


def _chat(pk) -> Chat:
    return get_object_or_404(Chat.objects.select_related("event"), pk=pk)


@login_required
@require_GET
def chats(request):
    require(permissions.is_member(request.user) or permissions.may_coordinate(request.user))
    now = timezone.now()
    base = Chat.objects.select_related("event")
    upcoming = base.filter(event__ends_at__gt=now).order_by("event__starts_at", "pk")
    past = paginate(request, base.filter(event__ends_at__lte=now).order_by("-event__starts_at", "-pk"))
    return render(request, "panel/chats/chats.html", {"upcoming": upcoming, "past": past,
                                                         "may_coordinate": permissions.may_coordinate(request.user)})


FEED_PAGE_SIZE = 20
# The shape of the feed's copy in the cache: a new one when it changes, so that a release never reads the
# copies an earlier one left in a shared cache.
FEED_FORMAT = 2
_SUPPORT_MARK = re.compile(r"<!--support:(\d+)-->")
_QUESTION_ID = "__question__"


def _feed_query(request) -> str:
    """What in the request picks the feed's copy: its query string (the page number), hashed."""
    return hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]


def _feed_shared(request, chat, *, may_support: bool) -> tuple[str, str, str]:
    """The feed as every watcher of the same kind sees it (a member who may support, or a coordinator or
    leader who may not): the pinned question and a page of questions, with a mark where each member's own
    support goes, and the two things a mark becomes: "you support this", and the support form with a
    placeholder for the form token. Nothing of the person in it: the page's links carry only the query
    string, which is part of the copy's key."""
    questions = services.feed_questions(chat)
    page = paginate(request, questions, per_page=FEED_PAGE_SIZE).page
    pinned = next((q for q in page if q.pinned), None) or questions.filter(pinned=True).first()
    html = render_to_string("panel/chats/_feed.html", {
        "chat": chat, "page": page, "pinned": pinned, "may_support": may_support}, request=request)
    if not may_support:
        return html, "", ""
    yours = render_to_string("panel/chats/_support.html", {"supported": True})
    form = render_to_string("panel/chats/_support.html", {
        "chat": chat, "question_id": _QUESTION_ID, "token": pagecache.TOKEN_PLACEHOLDER})
    return html, yours, form


def _feed_html(request, chat) -> str:
    """The feed's HTML for this member. Rendering a page of questions is the costly part of the page that
    300 members poll (bench/panel_chat.py), and it is the same for every one of them until the chat changes:
    it is kept in the cache under the chat's version and language, and only the member's own supports (one
    query) and form token are filled in for each. With the cache down it is rendered for each request."""
    may_support = permissions.is_member(request.user) and not services.has_ended(chat)
    version = services.chat_version(chat.pk)
    shared = None
    if version is not None:
        key = (f"panel:chat:{chat.pk}:feed:{FEED_FORMAT}:{version}:{translation.get_language()}:"
               f"{int(may_support)}:{_feed_query(request)}")
        with contextlib.suppress(Exception):  # a cache that is down must not stop the chat
            shared = cache.get(key)
    if not (isinstance(shared, tuple) and len(shared) == 3):  # none yet (or one of an older release's)
        shared = _feed_shared(request, chat, may_support=may_support)
        if version is not None:
            with contextlib.suppress(Exception):
                cache.set(key, shared, services.VERSION_SECONDS)
    html, yours, form = shared
    if not may_support:
        return mark_safe(html)  # noqa: S308  (a rendered template, kept as it was)
    supported = set(ChatSupport.objects.filter(question__chat=chat, user=request.user)
                    .values_list("question_id", flat=True))
    form = form.replace(pagecache.TOKEN_PLACEHOLDER, get_token(request))
    # Safe: the marks sit in a rendered (escaped) template and are replaced by rendered templates, with a
    # question's id of digits only.
    return mark_safe(_SUPPORT_MARK.sub(  # noqa: S308
        lambda mark: yours if int(mark[1]) in supported else form.replace(_QUESTION_ID, mark[1]), html))


def _etag(chat, user, query: str) -> str:
    """The chat's version (from the cache, no query), or when the cache is down its latest change counted
    in two queries: the questions' states, pin and answers, and the supports."""
    version = services.chat_version(chat.pk)
    if version is not None:
        raw = f"{chat.pk}:{version}:{user.pk}:{services.has_ended(chat)}:{query}:{translation.get_language()}"
        return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
    State = ChatQuestion.State
    questions = ChatQuestion.objects.filter(chat=chat).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in State.values},
        answered_at=Max("answered_at"), pinned=Max("pk", filter=Q(pinned=True)))
    supports = ChatSupport.objects.filter(question__chat=chat).aggregate(
        n=Count("pk"), last=Max("pk"), mine=Count("pk", filter=Q(user=user)))
    raw = (f"{chat.pk}:{sorted(questions.items())}:{sorted(supports.items())}:{services.has_ended(chat)}:{query}:"
           f"{translation.get_language()}")
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


@login_required
@require_http_methods(["GET", "POST"])
def chat(request, pk: int):
    chat = _chat(pk)
    require(permissions.may_view_chat(request.user, chat))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "ask":
                services.question_ask(chat=chat, actor=request.user, text=request.POST.get("text", ""))
                messages.success(request, _("Your question was sent. The moderator reads it before it is shown."))
            elif action == "support":
                question = _question(chat, request.POST.get("question"))
                services.question_support(question=question, actor=request.user)
                messages.success(request, _("You support the question."))
            else:
                messages.error(request, _("Unknown action."))
        except services.ChatError as e:
            messages.error(request, str(e))
        except PermissionError:
            require(False)
        return redirect("panel:chat", pk=chat.pk)
    ended = services.has_ended(chat)
    return render(request, "panel/chats/chat.html", {
        "chat": chat, "feed": _feed_html(request, chat), "ended": ended,
        "may_read_transcript": ended and permissions.may_read_transcript(request.user, chat),
        "may_follow_up": ended and permissions.may_follow_up(request.user, chat),
        "may_ask": permissions.is_member(request.user) and not ended,
        "may_moderate": permissions.may_moderate_chat(request.user, chat),
        "may_lead": permissions.may_lead_chat(request.user, chat)})


@login_required
@require_GET
def chat_feed(request, pk: int):
    """The changing parts of the chat page, as an HTML fragment; 304 when nothing changed."""
    chat = _chat(pk)
    require(permissions.may_view_chat(request.user, chat))
    etag = _etag(chat, request.user, _feed_query(request))
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(_feed_html(request, chat))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def chat_moderate(request, pk: int):
    chat = _chat(pk)
    require(permissions.may_moderate_chat(request.user, chat))
    if request.method == "POST":
        question = _question(chat, request.POST.get("question"))
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.question_approve(question=question, actor=request.user)
            elif action == "decline":
                # A form field's cleaning refuses what the database cannot store (NUL characters).
                try:
                    reason = forms.CharField(required=False).clean(request.POST.get("reason", ""))
                except ValidationError as error:
                    raise services.ChatError(error.messages[0]) from error
                services.question_decline(question=question, actor=request.user, reason=reason)
            elif action == "merge":
                into = _question(chat, request.POST.get("into"))
                services.question_merge(question=question, into=into, actor=request.user)
            elif action == "pin":
                services.question_pin(question=question, actor=request.user)
            elif action == "answered":
                services.question_mark_answered(question=question, actor=request.user)
            else:
                raise services.ChatError(_("Unknown action."))
            messages.success(request, _("The question was updated."))
        except services.ChatError as e:
            messages.error(request, str(e))
        return redirect("panel:chat_moderate", pk=chat.pk)
    queue = paginate(request, chat.questions.filter(state=ChatQuestion.State.RECEIVED).order_by("created_at", "pk"))
    approved = list(services.visible_questions(chat).filter(state=ChatQuestion.State.APPROVED))
    return render(request, "panel/chats/moderate.html", {"chat": chat, "queue": queue, "approved": approved,
                                                          "ended": services.has_ended(chat)})


@login_required
@require_http_methods(["GET", "POST"])
def chat_lead(request, pk: int):
    chat = _chat(pk)
    require(permissions.may_lead_chat(request.user, chat))
    if request.method == "POST":
        question = _question(chat, request.POST.get("question"))
        try:
            services.leader_answer(question=question, actor=request.user, answer=request.POST.get("answer", ""))
            messages.success(request, _("Your answer was published."))
        except services.ChatError as e:
            messages.error(request, str(e))
        return redirect("panel:chat_lead", pk=chat.pk)
    open_questions = paginate(request, services.visible_questions(chat).filter(state=ChatQuestion.State.APPROVED)
                              .order_by("-pinned", "created_at", "pk"))
    owns_followups = chat.questions.filter(owner=request.user, state=ChatQuestion.State.APPROVED).exists()
    return render(request, "panel/chats/lead.html", {"chat": chat, "open_questions": open_questions,
                                                     "owns_followups": owns_followups})


@login_required
@require_GET
def chat_transcript(request, pk: int):
    chat = _chat(pk)
    require(permissions.may_read_transcript(request.user, chat))
    return render(request, "panel/chats/transcript.html",
                  {"chat": chat, "questions": paginate(request, services.transcript(chat))})


# --- second step: a new chat, publishing the transcript, the follow-ups -------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def chat_new(request):
    require(permissions.may_coordinate(request.user))
    form = ChatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chat = services.chat_create(actor=request.user, title=data["title"], description=data["description"],
                                        starts_at=data["starts_at"], ends_at=data["ends_at"],
                                        leadership=data["leadership"], leaders=data["leaders"],
                                        place=data["place"], online_link=data["online_link"])
        except EventInputError as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The chat was created."))
            return redirect("panel:chat", pk=chat.pk)
    return render(request, "panel/chats/new.html", {"form": form})


@login_required
@require_POST
def chat_transcript_publish(request, pk: int):
    chat = _chat(pk)
    require(permissions.may_moderate_chat(request.user, chat))
    try:
        services.transcript_publish(chat=chat, actor=request.user)
        messages.success(request, _("The transcript was published."))
    except services.ChatError as e:
        messages.error(request, str(e))
    return redirect("panel:chat_moderate", pk=chat.pk)


def _user(value, candidates):
    value = (value or "").strip()
    return next((u for u in candidates if str(u.pk) == value), None)


@login_required
@require_http_methods(["GET", "POST"])
def chat_followups(request, pk: int):
    """Approved questions left unanswered after the chat: owners and deadlines (coordinators), and the
    owners' written answers, which appear on the transcript."""
    chat = _chat(pk)
    require(permissions.may_follow_up(request.user, chat))
    coordinating = permissions.may_coordinate(request.user)
    if request.method == "POST":
        question = _question(chat, request.POST.get("question"))
        action = request.POST.get("action")
        try:
            if action == "assign":
                require(coordinating)
                owner = _user(request.POST.get("owner"), list(services.followup_candidates(chat)))
                if owner is None:
                    raise services.ChatError(_("Choose a coordinator or one of the chat's leaders."))
                services.followup_assign(question=question, owner=owner, actor=request.user)
                messages.success(request, _("The question has an owner."))
            elif action == "answer":
                require(question.owner_id == request.user.pk)
                try:
                    answer = forms.CharField(required=False).clean(request.POST.get("answer", ""))
                except ValidationError as error:
                    raise services.ChatError(error.messages[0]) from error
                services.leader_answer(question=question, actor=request.user, answer=answer)
                messages.success(request, _("Your answer was published."))
            else:
                raise services.ChatError(_("Unknown action."))
        except services.ChatError as e:
            messages.error(request, str(e))
        except PermissionError:
            require(False)
        return redirect("panel:chat_followups", pk=chat.pk)
    questions = services.open_questions(chat)
    if not coordinating:
        questions = questions.filter(owner=request.user)
    page = paginate(request, questions)
    today = timezone.localdate()
    for question in page.page:
        question.overdue = question.due_on is not None and question.due_on < today
    return render(request, "panel/chats/followups.html", {
        "chat": chat, "questions": page, "coordinating": coordinating, "ended": services.has_ended(chat),
        "candidates": list(services.followup_candidates(chat).order_by("name", "email"))
        if coordinating else []})
