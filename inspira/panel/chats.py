"""Chats of the teacher panel with the leadership: questions, supports, moderation, answers, the
transcript and the follow-ups of questions left unanswered. Keyword-only services with an actor;
coordinators' actions go on the audit trail."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.workdays import working_days_after
from inspira.events.services import event_create
from inspira.panel import permissions
from inspira.panel.models import Chat, ChatQuestion, ChatSupport
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme

State = ChatQuestion.State
# What members see on the chat page: questions the moderator let through.
VISIBLE = (State.APPROVED, State.ANSWERED)


class ChatError(Exception):
    """Refused: the message, in Swedish, is for the person."""


def _now(now=None):
    return now or timezone.now()


def has_ended(chat: Chat, now=None) -> bool:
    return chat.event.ends_at <= _now(now)


def with_support_counts(questions):
    """Counts always from the rows: merged questions' supports count on the question they went into. One
    correlated count a question (no join of every support to every question and no GROUP BY: the chat
    benchmark's feed of 270 questions and 5 000 supports)."""
    def count(**where):
        rows = ChatSupport.objects.filter(**where).order_by().annotate(n=Func("pk", function="COUNT")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return questions.annotate(support_count=count(question=OuterRef("pk"))
                              + count(question__merged_into=OuterRef("pk")))


def visible_questions(chat: Chat):
    return with_support_counts(chat.questions.filter(state__in=VISIBLE)).select_related("answered_by")


def feed_questions(chat: Chat):
    """The questions members see, in the feed's order: the pinned one, then the most supported (what the
    members most want answered), the earliest first among equals."""
    return visible_questions(chat).order_by("-pinned", "-support_count", "created_at", "pk")


@transaction.atomic
def chat_create(*, actor, title: str, starts_at, ends_at, leadership: str, leaders=(), description: str = "",
                online_link: str = "", place: str = "", capacity: int = 1000) -> Chat:
    if not permissions.may_coordinate(actor):
        raise PermissionError
    programme = Programme.objects.get(key=Key.TEACHER_PANEL)
    event = event_create(programme=programme, actor=actor, title=title, description=description, kind="chat",
                         starts_at=starts_at, ends_at=ends_at, online_link=online_link, place=place, is_public=False,
                         capacity=capacity)
    chat = Chat.objects.create(event=event, leadership=leadership)
    chat.leaders.set(leaders)
    audit_record(actor=actor, action="panel.chat_created", obj=chat, summary=title,
                 data={"leaders": [u.pk for u in leaders]})
    return chat


@transaction.atomic
def question_ask(*, chat: Chat, actor, text: str, now=None) -> ChatQuestion:
    if not permissions.is_member(actor):
        raise PermissionError
    if has_ended(chat, now):
        raise ChatError(_("The chat has ended; questions can no longer be sent."))
    text = (text or "").strip()
    if not text:
        raise ChatError(_("Write your question."))
    return ChatQuestion.objects.create(chat=chat, author=actor, text=text[:1000], created_at=_now(now))


def question_support(*, question: ChatQuestion, actor) -> bool:
    """Support once; True if a row was made. The unique constraint holds it under concurrency."""
    if not permissions.is_member(actor):
        raise PermissionError
    if question.state not in VISIBLE:
        raise ChatError(_("Only approved questions can be supported."))
    try:
        with transaction.atomic():
            ChatSupport.objects.create(question=question, user=actor)
    except IntegrityError:
        return False
    return True


def support_withdraw(*, question: ChatQuestion, actor) -> bool:
    return ChatSupport.objects.filter(question=question, user=actor).delete()[0] > 0


def _moderated(question: ChatQuestion, actor, *, allowed=(State.RECEIVED,)) -> ChatQuestion:
    if not permissions.may_moderate_chat(actor, question.chat):
        raise PermissionError
    locked = ChatQuestion.objects.select_for_update().select_related("chat__event").get(pk=question.pk)
    if locked.state not in allowed:
        raise ChatError(_("The question has already been handled."))
    return locked


@transaction.atomic
def question_approve(*, question: ChatQuestion, actor) -> ChatQuestion:
    question = _moderated(question, actor)
    question.state = State.APPROVED
    question.save(update_fields=["state"])
    audit_record(actor=actor, action="panel.chat_question_approved", obj=question, summary=str(question))
    return question


@transaction.atomic
def question_merge(*, question: ChatQuestion, into: ChatQuestion, actor) -> ChatQuestion:
    question = _moderated(question, actor, allowed=(State.RECEIVED, State.APPROVED))
    if into.pk == question.pk or into.chat_id != question.chat_id or into.state not in VISIBLE:
        raise ChatError(_("Choose an approved question of the same chat to merge into."))
    question.state = State.MERGED
    question.merged_into = into
    question.pinned = False
    question.save(update_fields=["state", "merged_into", "pinned"])
    audit_record(actor=actor, action="panel.chat_question_merged", obj=question, summary=str(question),
                 data={"into": into.pk})
    return question


@transaction.atomic
def question_decline(*, question: ChatQuestion, actor, reason: str) -> ChatQuestion:
    reason = (reason or "").strip()
    if not reason:
        raise ChatError(_("Give a reason for declining."))
    question = _moderated(question, actor, allowed=(State.RECEIVED, State.APPROVED))
    question.state = State.DECLINED
    question.decline_reason = reason
    question.pinned = False
    question.save(update_fields=["state", "decline_reason", "pinned"])
    audit_record(actor=actor, action="panel.chat_question_declined", obj=question, summary=str(question))
    return question


@transaction.atomic
def question_pin(*, question: ChatQuestion, actor) -> ChatQuestion:
    """Pin one question; the one pinned before is unpinned in the same transaction."""
    question = _moderated(question, actor, allowed=VISIBLE)
    # Lock the chat so two moderators pinning at once queue rather than break the constraint.
    Chat.objects.select_for_update().get(pk=question.chat_id)
    ChatQuestion.objects.filter(chat_id=question.chat_id, pinned=True).exclude(pk=question.pk).update(pinned=False)
    question.pinned = True
    question.save(update_fields=["pinned"])
    audit_record(actor=actor, action="panel.chat_question_pinned", obj=question, summary=str(question))
    return question


def _answered(question: ChatQuestion, actor, answer: str, now=None) -> ChatQuestion:
    question.state = State.ANSWERED
    if answer:
        question.answer = answer
    question.answered_by = actor
    question.answered_at = _now(now)
    question.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    return question


@transaction.atomic
def question_mark_answered(*, question: ChatQuestion, actor, now=None) -> ChatQuestion:
    question = _moderated(question, actor, allowed=(State.APPROVED,))
    _answered(question, actor, "", now)
    audit_record(actor=actor, action="panel.chat_question_answered", obj=question, summary=str(question))
    return question


@transaction.atomic
def leader_answer(*, question: ChatQuestion, actor, answer: str, now=None) -> ChatQuestion:
    """The people leading the chat answer in writing, during the chat or as owners afterwards."""
    answer = (answer or "").strip()
    if not answer:
        raise ChatError(_("Write the answer."))
    question = ChatQuestion.objects.select_for_update().select_related("chat").get(pk=question.pk)
    if not (permissions.may_lead_chat(actor, question.chat) or question.owner_id == actor.pk):
        raise PermissionError
    if question.state not in VISIBLE:
        raise ChatError(_("Only approved questions can be answered."))
    _answered(question, actor, answer, now)
    audit_record(actor=actor, action="panel.chat_question_answered", obj=question, summary=str(question))
    return question


@transaction.atomic
def transcript_publish(*, chat: Chat, actor, now=None) -> Chat:
    if not permissions.may_moderate_chat(actor, chat):
        raise PermissionError
    chat = Chat.objects.select_for_update().select_related("event").get(pk=chat.pk)
    if not has_ended(chat, now):
        raise ChatError(_("The transcript can be published when the chat has ended."))
    if chat.transcript_published_at is None:
        chat.transcript_published_at = _now(now)
        chat.save(update_fields=["transcript_published_at"])
        audit_record(actor=actor, action="panel.chat_transcript_published", obj=chat, summary=str(chat))
    return chat


def transcript(chat: Chat):
    """Approved and answered questions with their answers, in the order they were asked."""
    return visible_questions(chat).order_by("created_at", "pk")


def open_questions(chat: Chat):
    """Approved questions not answered: the follow-ups."""
    return chat.questions.filter(state=State.APPROVED).select_related("owner").order_by("due_on", "created_at", "pk")


def answer_due(day, days: int | None = None):
    return working_days_after(day, settings.INSPIRA_PANEL_ANSWER_WORKING_DAYS if days is None else days)


@transaction.atomic
def followup_assign(*, question: ChatQuestion, owner, actor, now=None) -> ChatQuestion:
    """Give an unanswered approved question an owner and a deadline in working days."""
    question = _moderated(question, actor, allowed=(State.APPROVED,))
    if not has_ended(question.chat, now):
        raise ChatError(_("Follow-ups are set when the chat has ended."))
    if not (permissions.may_coordinate(owner) or question.chat.leaders.filter(pk=owner.pk).exists()):
        raise ChatError(_("Choose a coordinator or one of the chat's leaders."))
    new_owner = question.owner_id != owner.pk
    question.owner = owner
    if question.due_on is None:
        question.due_on = answer_due(timezone.localdate(_now(now)))
    question.save(update_fields=["owner", "due_on"])
    audit_record(actor=actor, action="panel.chat_followup_assigned", obj=question, summary=str(question),
                 data={"owner": owner.pk, "due_on": question.due_on.isoformat()})
    if new_owner and owner.email:
        _email_owner(question)
    return question


def _email_owner(question: ChatQuestion) -> None:
    """Tell a follow-up's new owner what to answer and by when: once per question and owner (the key holds
    it), written in the assigning transaction, so it goes out only if the assignment commits."""
    owner, chat = question.owner, question.chat
    email_enqueue(key=f"panel-chat-followup:{question.pk}:{owner.pk}", to=[owner.email],
                  template="panel_chat_followup",
                  context={"name": owner.name, "chat_title": chat.event.title, "question": question.text,
                           "due_on": question.due_on, "followups_url": absolute_url("panel:chat_followups", chat.pk)})


def followup_candidates(chat: Chat):
    from inspira.accounts.models import User
    from inspira.programmes.models import ProgrammeCoordinator

    coordinators = ProgrammeCoordinator.objects.filter(programme__key=Key.TEACHER_PANEL).values("user")
    return User.objects.filter(Q(pk__in=coordinators) | Q(panel_chats_led=chat), is_active=True).distinct()


# --- the chat's version: what the feed's ETag is made of ---------------------------------------------------------
# Watching members poll the feed every few seconds; nearly every poll finds nothing changed. The chat's
# version is a token in the cache that every saved or deleted question or support drops (at once and again
# when the transaction commits, so no poll keeps a token made before the change was visible); the next poll
# makes a new one. The poll that finds its ETag current then reads no question. Changes that send no signal
# (a queryset's update, as the privacy erasure's) show when the token expires.
VERSION_SECONDS = 300


def _version_key(chat_id) -> str:
    return f"panel:chat:{chat_id}:version"


def chat_version(chat_id) -> str | None:
    """The chat's current version, or None when the cache cannot be reached (count from the rows then)."""
    key = _version_key(chat_id)
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, VERSION_SECONDS)
            version = cache.get(key)
    except Exception:  # noqa: BLE001  (a cache that is down must not stop the chat)
        return None
    return version


def chat_changed(chat_id) -> None:
    def drop():
        try:
            cache.delete(_version_key(chat_id))
        except Exception:  # noqa: BLE001, S110  (expires by itself)
            pass

    drop()
    transaction.on_commit(drop)


@receiver([post_save, post_delete], sender=ChatQuestion)
def _question_changed(sender, instance, **kwargs):
    chat_changed(instance.chat_id)


@receiver([post_save, post_delete], sender=ChatSupport)
def _support_changed(sender, instance, **kwargs):
    question = instance._state.fields_cache.get("question")
    chat_id = question.chat_id if question else (
        ChatQuestion.objects.filter(pk=instance.question_id).values_list("chat_id", flat=True).first())
    if chat_id is not None:  # None: the question went first, and its own signal dropped the version
        chat_changed(chat_id)
