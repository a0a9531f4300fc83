"""Development efforts: the requests a principal made, the people named for a first meeting, the
centre's notes, proposals and documentation (free text that may mention a person), the answers to
proposals and the proposal clock's entries. Erasure replaces the person's name in the free text,
takes them off the lists of guests and process leaders, and keeps the records of what they did
(requests, proposals, answers, clock entries, documentation), pointing to the anonymised account:
they are the case's history."""

from django.utils.translation import gettext_lazy as _

from inspira.efforts.models import (
    ClockEvent,
    CooperationProgramme,
    Document,
    Effort,
    Proposal,
    ProposalResponse,
    YearlySurvey,
)
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import scrub_rows

TEXT = {
    CooperationProgramme: ["description"],
    Effort: ["need", "goals", "notes_purpose", "notes_goals", "notes_needs", "notes_limits", "withdrawn_reason",
             "evaluation_summary"],
    Document: ["text"],
}
# Append-only: rewritten through the one deliberate path (scrub.rewrite_protected).
PROTECTED_TEXT = {
    ClockEvent: ["reason"],
    Proposal: ["summary", "goals", "plan", "scope"],
    ProposalResponse: ["comment"],
}
ACTIONS = [
    Action(Effort, "requested_by", "requested_at"),
    Action(Effort, "leader", "created_at"),
    Action(CooperationProgramme, "created_by", "created_at"),
    Action(ClockEvent, "actor", "at"),
    Action(Proposal, "created_by", "created_at"),
    Action(ProposalResponse, "by", "at"),
    Action(Document, "author", "created_at"),
    Action(YearlySurvey, "created_by", "sent_at"),
]
GUESTS = Effort.guests.through
LEADERS = CooperationProgramme.process_leaders.through


def _invitations(user) -> list[dict]:
    rows = GUESTS.objects.filter(user=user).select_related("effort").order_by("effort__created_at")
    return [row(record_id=g.effort_id, effort=g.effort.title) for g in rows]


def _leadership(user) -> list[dict]:
    rows = LEADERS.objects.filter(user=user).select_related("cooperationprogramme")
    return [row(record_id=g.cooperationprogramme_id, programme=g.cooperationprogramme.title) for g in rows]


def export(user, scrubber) -> list[Category]:
    return [
        Category("efforts_invitations", _("Efforts whose first meeting you were named for"),
                 _("You are taken off the lists."), _invitations(user)),
        Category("efforts_process_leader", _("Cooperation programmes you lead processes in"),
                 _("You are taken off the lists."), _leadership(user)),
        Category("efforts_actions", _("What you did in development efforts"),
                 _("Kept, pointing to the erased account: they are the effort's history. Your name is "
                   "removed from their texts."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    ctx.counts["efforts_texts_scrubbed"] += sum(
        scrub_rows(model.objects.all(), fields, ctx.scrubber) for model, fields in TEXT.items())
    ctx.counts["efforts_protected_texts_scrubbed"] += sum(
        scrub_rows(model.objects.all(), fields, ctx.scrubber, protected=True)
        for model, fields in PROTECTED_TEXT.items())
    ctx.counts["efforts_invitations_removed"] += GUESTS.objects.filter(user=ctx.user).delete()[0]
    ctx.counts["efforts_process_leader_removed"] += LEADERS.objects.filter(user=ctx.user).delete()[0]


AREA = Area(
    name="efforts",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in {**TEXT, **PROTECTED_TEXT}.items()},
                 action_fields(ACTIONS),
                 {GUESTS._meta.label: ["user"], LEADERS._meta.label: ["user"]}),
    not_personal={
        "efforts.Area.name": "The name of a development area, e.g. “Collegial learning”.",
        "efforts.Area.description": "What a development area covers: the same text for everyone.",
        "efforts.Partner.name": "The name of an organisation (the national agency, a university).",
    },
)
