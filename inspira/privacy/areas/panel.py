"""The teacher panel: a person's membership periods (with the consent they gave), their chat
questions and supports, the questions and good examples they raised and supported, and their
focus-group invitations. Survey answers are anonymous and are in no one's download (the surveys area).

Erasure ends an open membership at once (pending invitations are cancelled as on leaving) and cuts
every period loose from the person: the periods stay, naming no one, so the panel's counts over time
hold. Questions and supports stay without the person (a chat's transcript and the counts are the
panel's record); raised questions and good examples not yet published are deleted, published ones
are kept without the name, as the writer consented to publishing them."""

from django.utils.translation import gettext_lazy as _

from inspira.panel.invitations import pending_invitations_cancel
from inspira.panel.models import (
    Chat,
    ChatQuestion,
    ChatSupport,
    ConsentText,
    Draw,
    FocusInvite,
    Member,
    Submission,
    SubmissionSupport,
)
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import scrub_rows

TEXT = {
    ChatQuestion: ["text", "answer", "decline_reason"],
    Submission: ["title", "body", "answer", "decline_reason"],
}
ACTIONS = [
    Action(ConsentText, "published_by", "published_at"),
    Action(Draw, "made_by", "made_at"),
    Action(ChatQuestion, "answered_by", "answered_at"),
    Action(ChatQuestion, "owner", "due_on"),
    Action(Submission, "answered_by", "answered_at"),
]
LEADERS = Chat.leaders.through


def _memberships(user) -> list[dict]:
    rows = (Member.objects.filter(user=user).select_related("consent_text", "school_form", "district")
            .prefetch_related("subjects").order_by("joined_at"))
    return [row(record_id=m.pk, joined=m.joined_at, ended=m.ended_at, ending=m.get_ending_display() if m.ending else "",
                consent_version=m.consent_text.version, consent_given=m.consented_at, consent_until=m.consent_until,
                school_form=str(m.school_form), district=str(m.district),
                subjects=", ".join(s.name for s in m.subjects.all()), how_often=m.get_frequency_days_display(),
                focus_groups=m.focus_groups) for m in rows]


def _focus_invites(user) -> list[dict]:
    rows = FocusInvite.objects.filter(member__user=user).select_related("draw__event").order_by("invited_at")
    return [row(record_id=i.pk, event=i.draw.event.title if i.draw.event else "", state=i.get_state_display(),
                invited=i.invited_at, answered=i.answered_at) for i in rows]


def _chat_questions(user) -> list[dict]:
    rows = ChatQuestion.objects.filter(author=user).select_related("chat__event").order_by("created_at")
    return [row(record_id=q.pk, chat=q.chat.event.title, question=q.text, state=q.get_state_display(),
                asked=q.created_at) for q in rows]


def _chat_supports(user) -> list[dict]:
    rows = ChatSupport.objects.filter(user=user).select_related("question").order_by("created_at")
    return [row(record_id=s.pk, question=s.question.text, supported=s.created_at) for s in rows]


def _submissions(user) -> list[dict]:
    rows = Submission.objects.filter(author=user).order_by("created_at")
    return [row(record_id=s.pk, kind=s.get_kind_display(), title=s.title, text=s.body, state=s.get_state_display(),
                raised=s.created_at, published=s.published_at, channels=s.channels_consent, show_name=s.show_name)
            for s in rows]


def _submission_supports(user) -> list[dict]:
    rows = SubmissionSupport.objects.filter(user=user).select_related("submission").order_by("created_at")
    return [row(record_id=s.pk, title=s.submission.title, supported=s.created_at) for s in rows]


def _leading(user) -> list[dict]:
    rows = LEADERS.objects.filter(user=user).select_related("chat__event")
    return [row(record_id=r.chat_id, chat=r.chat.event.title) for r in rows]


def export(user, scrubber) -> list[Category]:
    return [
        Category("panel_memberships", _("Your membership of the teacher panel"),
                 _("Ended at once, and no longer linked to you: only the count of members over time stays."),
                 _memberships(user)),
        Category("panel_focus_invitations", _("Your invitations to focus groups"),
                 _("Pending invitations are cancelled; the rest no longer name you."), _focus_invites(user)),
        Category("panel_chat_questions", _("Your questions in the panel's chats"),
                 _("Kept in the chat's transcript without your name; your name is removed from their texts."),
                 _chat_questions(user)),
        Category("panel_chat_supports", _("Chat questions you supported"),
                 _("Counted still, no longer linked to you."), _chat_supports(user)),
        Category("panel_submissions", _("Questions and good examples you raised"),
                 _("Those not published are deleted; published ones are kept without your name."),
                 _submissions(user)),
        Category("panel_submission_supports", _("Questions and good examples you supported"),
                 _("Counted still, no longer linked to you."), _submission_supports(user)),
        Category("panel_chats_led", _("Chats you answered in"), _("You are taken off the lists."), _leading(user)),
        Category("panel_actions", _("What you did in the teacher panel"),
                 _("Kept, pointing to the erased account: they are the panel's history. Your name is removed "
                   "from their texts."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    now = ctx.now
    for member in Member.objects.filter(user=ctx.user, ended_at__isnull=True):
        pending_invitations_cancel(member=member, now=now)
        member.ended_at, member.ending = now, Member.Ending.LEFT
        member.save(update_fields=["ended_at", "ending"])
    ctx.counts["panel_memberships_unlinked"] += Member.objects.filter(user=ctx.user).update(user=None)
    ctx.counts["panel_texts_scrubbed"] += sum(
        scrub_rows(model.objects.all(), fields, ctx.scrubber) for model, fields in TEXT.items())
    ctx.counts["panel_chat_questions_unlinked"] += ChatQuestion.objects.filter(author=ctx.user).update(author=None)
    ctx.counts["panel_chat_supports_unlinked"] += ChatSupport.objects.filter(user=ctx.user).update(user=None)
    mine = Submission.objects.filter(author=ctx.user)
    ctx.counts["panel_submissions_deleted"] += mine.filter(published_at__isnull=True).delete()[0]
    ctx.counts["panel_submissions_unlinked"] += mine.update(author=None, show_name=False)
    ctx.counts["panel_submission_supports_unlinked"] += SubmissionSupport.objects.filter(
        user=ctx.user).update(user=None)
    ctx.counts["panel_chats_led_removed"] += LEADERS.objects.filter(user=ctx.user).delete()[0]


AREA = Area(
    name="panel",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in TEXT.items()}, action_fields(ACTIONS),
                 {"panel.Member": ["user"], "panel.ChatQuestion": ["author"], "panel.ChatSupport": ["user"],
                  "panel.Submission": ["author", "show_name"], "panel.SubmissionSupport": ["user"],
                  LEADERS._meta.label: ["user"]}),
    not_personal={
        "panel.ConsentText.body": "The consent text the municipality wrote: the same words for every member.",
        "panel.Subject.name": "The name of a school subject.",
        "panel.Draw.sizes": "How many members a draw asked for per stratum (school form and district).",
        "panel.Draw.candidates": "Member numbers, strata and when each was last asked, for repeating the draw; "
                                 "an erased person's membership names no one, so the numbers lead nowhere.",
    },
)
