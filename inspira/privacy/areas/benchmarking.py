"""Benchmarking: the person's interest registrations (school, grades, subjects, days they cannot be
away, the decision and its reason), their answers on a group's dates, their days away, and their
quotes. Erasure empties subjects, unavailable days and date comments (the rows stay, so the round's
counts and the school's claims do), deletes unpublished quotes and keeps published ones without the
name, as the writer consented to publishing the text."""

from django.utils.translation import gettext_lazy as _

from inspira.benchmarking.models import Claim, DateAnswer, DayAway, Interest, Proposal, Quote, Round, Visit
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import scrub_rows

TEXT = {Round: ["description"], Interest: ["decision_reason"]}
ACTIONS = [Action(Round, "created_by", "created_at"), Action(Proposal, "created_by", "created_at"),
           Action(Visit, "held_confirmed_by", "held_confirmed_at"), Action(Claim, "claimed_by", "claimed_at"),
           Action(Claim, "approved_by", "approved_at"), Action(Quote, "published_by", "published_at")]


def _interests(user) -> list[dict]:
    rows = Interest.objects.filter(user=user).select_related("round", "school", "group").order_by("registered_at")
    return [row(record_id=i.pk, round=i.round.title, school=i.school, grades=i.grades, subjects=i.subjects,
                unavailable_days=i.unavailable_days, registered_at=i.registered_at, withdrawn_at=i.withdrawn_at,
                decision=i.get_decision_display(), reason=i.decision_reason,
                group=str(i.group) if i.group_id else None) for i in rows]


def _date_answers(user) -> list[dict]:
    rows = DateAnswer.objects.filter(member__user=user).order_by("answered_at")
    return [row(record_id=a.pk, answer=a.get_answer_display(), comment=a.comment, answered_at=a.answered_at)
            for a in rows]


def _days_away(user) -> list[dict]:
    rows = DayAway.objects.filter(participant__user=user).order_by("date")
    return [row(record_id=d.pk, date=d.date, kind=d.get_kind_display()) for d in rows]


def _quotes(user) -> list[dict]:
    return [row(record_id=q.pk, text=q.text, show_name=q.show_name, consent_at=q.consent_at,
                published_at=q.published_at) for q in Quote.objects.filter(author=user)]


def export(user, scrubber) -> list[Category]:
    return [
        Category("benchmarking_interests", _("Your interest in benchmarking rounds"),
                 _("Subjects and days you could not be away removed; the registration stays, so the round's "
                   "numbers do."), _interests(user)),
        Category("benchmarking_date_answers", _("Your answers on your group's dates"),
                 _("Comments removed."), _date_answers(user)),
        Category("benchmarking_days_away", _("Your days away for benchmarking"),
                 _("Kept: your school's substitute-cost claims rest on them."), _days_away(user)),
        Category("benchmarking_quotes", _("Your quotes about benchmarking"),
                 _("Unpublished quotes deleted; published ones kept without your name, as you agreed."),
                 _quotes(user)),
        Category("benchmarking_actions", _("What you did in benchmarking rounds"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    ctx.counts["benchmarking_texts_scrubbed"] += sum(
        scrub_rows(model.objects.all(), fields, ctx.scrubber) for model, fields in TEXT.items())
    ctx.counts["benchmarking_interests_emptied"] += Interest.objects.filter(user=ctx.user).update(
        subjects="", unavailable_days=[])
    ctx.counts["benchmarking_date_comments_emptied"] += DateAnswer.objects.filter(member__user=ctx.user).update(
        comment="")
    ctx.counts["benchmarking_quotes_deleted"] += Quote.objects.filter(
        author=ctx.user, published_at__isnull=True).delete()[0]
    ctx.counts["benchmarking_quotes_anonymised"] += Quote.objects.filter(author=ctx.user).update(
        author=None, show_name=False)


AREA = Area(
    name="benchmarking",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in TEXT.items()}, action_fields(ACTIONS),
                 {Interest._meta.label: ["user", "subjects", "unavailable_days", "grades"],
                  DateAnswer._meta.label: ["comment"],
                  Quote._meta.label: ["author", "text", "show_name"]}),
    not_personal={
        **{f"{Proposal._meta.label}.{name}": "What the solver proposed, by interest-registration ids only "
                                             "(who is admitted, the groups, the dates); names are read from "
                                             "the registrations, which erasure handles."
           for name in ("admitted", "selection_objective", "groups", "timetable", "details")},
        f"{Proposal._meta.label}.error": "The technical error of a failed run (an exception's text), about the "
                                         "solver, not a person.",
        f"{Proposal._meta.label}.solver_name": "The name of the optimisation software, e.g. OR-Tools CP-SAT.",
        f"{Quote._meta.label}.consent_text": "The wording of the consent the writer agreed to: the same text "
                                             "for everyone, kept as proof of what was agreed.",
    },
)
