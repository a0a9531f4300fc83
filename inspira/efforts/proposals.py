"""The centre's proposal and the dialogue about it (seed 001, step 5: "Pedagogcentrum gör ett förslag
på innehåll och utförande och delger rektor. Fortsatt dialog och planering av insatsen").

- The centre **presents** a version (``proposal_present``): versions are numbered 1, 2, 3... per effort
  and never change (``Proposal`` is append-only, in the database too). The first version stops the
  proposal clock (``clock.clock_meet``). The principal is told by email.
- The principal of the unit **accepts** the latest version (``proposal_accept``): the answer names that
  version and the moment, and the effort goes on to be carried out (RUNNING). Only one version of an
  effort is ever accepted, and after that no version is added or answered.
- Or the principal **asks for changes** with a comment (``proposal_request_changes``); the centre then
  presents the next version, whose page shows what changed since the last (``proposal_changes``).

The database holds the rules a race could slip past: one answer per version and one accepted version
per effort (``ProposalResponse``'s constraints), one version number per effort (``Proposal``'s).
"""

import difflib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts import clock
from inspira.efforts.models import Effort, Proposal, ProposalResponse
from inspira.efforts.permissions import may_answer_proposal, may_lead_effort
from inspira.efforts.recipients import principal_emails

# The parts of a version, in the order the pages show them.
FIELDS = ("summary", "goals", "plan", "scope")
REQUIRED = ("summary", "goals", "plan")


class ProposalError(Exception):
    """Translated, shown at the field (``field``) or at the top of the form."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Reads -----------------------------------------------------------------------------------------------------

def versions_of(effort: Effort):
    """The effort's versions, newest first, with who presented them and their answers (three queries)."""
    return (effort.proposals.select_related("created_by").prefetch_related("responses__by")
            .order_by("-version"))


def latest_version(effort: Effort) -> Proposal | None:
    return effort.proposals.order_by("-version").first()


def answer_of(proposal: Proposal) -> ProposalResponse | None:
    """The principal's answer to the version (there is at most one), from the prefetch where there is one."""
    cache = getattr(proposal, "_prefetched_objects_cache", {}).get("responses")
    if cache is not None:
        return cache[0] if cache else None
    return proposal.responses.select_related("by").first()


def accepted_answer(effort: Effort) -> ProposalResponse | None:
    return (ProposalResponse.objects.filter(effort=effort, kind=ProposalResponse.Kind.ACCEPTED)
            .select_related("proposal", "by").first())


def previous_version(proposal: Proposal) -> Proposal | None:
    return (Proposal.objects.filter(effort_id=proposal.effort_id, version__lt=proposal.version)
            .order_by("-version").first())


# --- What changed since the last version -------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    kind: str  # "same", "added" or "removed"
    text: str

    @property
    def is_added(self) -> bool:
        return self.kind == "added"

    @property
    def is_removed(self) -> bool:
        return self.kind == "removed"


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    changed: bool
    lines: list[Line]


def _lines(text: str) -> list[str]:
    return (text or "").splitlines()


def text_diff(old: str, new: str) -> list[Line]:
    """The lines of ``new`` with those of ``old`` that were removed, line by line (difflib)."""
    old_lines, new_lines = _lines(old), _lines(new)
    result = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, a_from, a_to, b_from, b_to in matcher.get_opcodes():
        if tag == "equal":
            result += [Line("same", text) for text in new_lines[b_from:b_to]]
            continue
        result += [Line("removed", text) for text in old_lines[a_from:a_to]]
        result += [Line("added", text) for text in new_lines[b_from:b_to]]
    return result


def proposal_changes(*, proposal: Proposal, previous: Proposal | None) -> list[FieldChange]:
    """Per part of the proposal, what changed from ``previous`` (the version before) to ``proposal``."""
    changes = []
    for name in FIELDS:
        label = str(Proposal._meta.get_field(name).verbose_name)
        new = getattr(proposal, name)
        old = getattr(previous, name) if previous is not None else ""
        changes.append(FieldChange(name=name, label=label[:1].upper() + label[1:], changed=old != new,
                                   lines=text_diff(old, new)))
    return changes


# --- Who may do what, and when ----------------------------------------------------------------------------------

def _accepted_exists(effort: Effort) -> bool:
    return ProposalResponse.objects.filter(effort=effort, kind=ProposalResponse.Kind.ACCEPTED).exists()


def present_refusal(*, effort: Effort, actor) -> str | None:
    """Why ``actor`` cannot present a version now, or None."""
    if not may_lead_effort(actor, effort):
        return _("Only the development centre presents proposals.")
    if _accepted_exists(effort):
        return _("A version of the proposal is already accepted; no new version can be presented.")
    if effort.state != Effort.State.PROPOSAL:
        return _("A proposal is presented after the planning meeting, while the effort is being prepared.")
    return None


def proposal_may_present(*, effort: Effort, actor) -> bool:
    return present_refusal(effort=effort, actor=actor) is None


def answer_refusal(*, proposal: Proposal, actor) -> str | None:
    """Why ``actor`` cannot answer (accept or ask for changes to) this version now, or None."""
    effort = proposal.effort
    if not may_answer_proposal(actor, effort):
        return _("Only the principal of the unit answers the proposal.")
    if _accepted_exists(effort):
        return _("A version of the proposal is already accepted.")
    if effort.state != Effort.State.PROPOSAL:
        return _("The proposal can no longer be answered.")
    latest = latest_version(effort)
    if latest is None or latest.pk != proposal.pk:
        return _("Version %(version)s is no longer the latest: answer version %(latest)s.") % {
            "version": proposal.version, "latest": latest.version if latest else "–"}
    if answer_of(proposal) is not None:
        return _("Version %(version)s is already answered; the centre presents the next version.") % {
            "version": proposal.version}
    return None


def proposal_may_accept(*, proposal: Proposal, actor) -> bool:
    return answer_refusal(proposal=proposal, actor=actor) is None


def proposal_may_request_changes(*, proposal: Proposal, actor) -> bool:
    return answer_refusal(proposal=proposal, actor=actor) is None


# --- Actions -----------------------------------------------------------------------------------------------------

def _lock_effort(effort: Effort) -> Effort:
    """Lock the effort until the transaction ends, so two people cannot both make version 2, nor both
    answer; everything after reads what the other committed."""
    return Effort.objects.select_for_update().get(pk=effort.pk)


def _race_window() -> None:
    """Between the checks and the write. Does nothing; the race tests put a short sleep here."""


def _centre_emails(effort: Effort) -> list[str]:
    """The person responsible for the effort; without one, the programme's coordinators."""
    if effort.leader_id and effort.leader.is_active and effort.leader.email:
        return [effort.leader.email]
    return list(get_user_model().objects.filter(is_active=True, programme_coordinations__programme=effort.programme_id)
                .exclude(email="").order_by("email").values_list("email", flat=True).distinct())


def _email(*, key: str, to: list[str], template: str, context: dict) -> None:
    if to:
        transaction.on_commit(lambda: email_enqueue(key=key, to=to, template=template, context=context))


@transaction.atomic
def proposal_present(*, effort: Effort, actor, summary: str, goals: str, plan: str, scope: str = "",
                     now=None) -> Proposal:
    """Present the next version of the proposal. The first version stops the proposal clock."""
    now = now or timezone.now()
    effort = _lock_effort(effort)
    refusal = present_refusal(effort=effort, actor=actor)
    if refusal:
        raise ProposalError(refusal)
    texts = {"summary": summary.strip(), "goals": goals.strip(), "plan": plan.strip(), "scope": (scope or "").strip()}
    for name in REQUIRED:
        if not texts[name]:
            raise ProposalError(_("This part of the proposal is required."), field=name)
    last = latest_version(effort)
    if last is not None and all(getattr(last, name) == texts[name] for name in FIELDS):
        raise ProposalError(_("Nothing has changed since version %(version)s. Change the proposal first.")
                            % {"version": last.version})
    version = (last.version if last else 0) + 1
    _race_window()
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(effort=effort, version=version, created_at=now,
                                               created_by=actor if actor.is_authenticated else None, **texts)
    except IntegrityError as error:  # the database's own guard (efforts_proposal_version_once)
        raise ProposalError(_("Another version was presented at the same moment. Reload the page.")) from error
    audit_record(actor=actor, action="effort.proposal_presented", obj=effort,
                 summary=f"{effort.title}: version {version}", data={"proposal": proposal.pk, "version": version})
    if version == 1 and clock.clock_may_meet(effort=effort):
        clock.clock_meet(effort=effort, day=timezone.localdate(now), actor=actor)
    _email(key=f"effort-proposal-presented:{proposal.pk}", to=principal_emails(effort),
           template="effort_proposal_presented",
           context={"effort_title": effort.title, "version": version,
                    "case_url": absolute_url("efforts:effort_detail", effort.pk),
                    "version_url": absolute_url("efforts:proposal_detail", proposal.pk)})
    return proposal


def _answer(*, proposal: Proposal, actor, kind: str, comment: str = "", now) -> ProposalResponse:
    effort = _lock_effort(proposal.effort)
    proposal = Proposal.objects.get(pk=proposal.pk)
    proposal.effort = effort
    refusal = answer_refusal(proposal=proposal, actor=actor)
    if refusal:
        raise ProposalError(refusal)
    _race_window()
    try:
        with transaction.atomic():
            return ProposalResponse.objects.create(proposal=proposal, effort=effort, kind=kind, comment=comment,
                                                   at=now, by=actor if actor.is_authenticated else None)
    except IntegrityError as error:  # efforts_one_accepted_proposal, efforts_one_answer_per_version
        raise ProposalError(_("The proposal was answered at the same moment by someone else. Reload the page.")) \
            from error


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor, now=None) -> ProposalResponse:
    """The principal accepts this version (the latest): the answer names it and the moment; the effort
    goes on to be carried out."""
    now = now or timezone.now()
    answer = _answer(proposal=proposal, actor=actor, kind=ProposalResponse.Kind.ACCEPTED, now=now)
    effort = answer.effort
    effort.state = Effort.State.RUNNING
    effort.state_changed_at = now
    effort.save(update_fields=["state", "state_changed_at"])
    version = answer.proposal.version
    audit_record(actor=actor, action="effort.proposal_accepted", obj=effort,
                 summary=f"{effort.title}: version {version}",
                 data={"proposal": answer.proposal_id, "version": version, "at": now.isoformat()})
    _email(key=f"effort-proposal-accepted:{answer.pk}", to=_centre_emails(effort),
           template="effort_proposal_accepted",
           context={"effort_title": effort.title, "version": version, "by_name": _name(actor),
                    "case_url": absolute_url("efforts:effort_detail", effort.pk)})
    return answer


@transaction.atomic
def proposal_request_changes(*, proposal: Proposal, actor, comment: str, now=None) -> ProposalResponse:
    """The principal asks for changes to this version (the latest), saying which; the centre then
    presents the next version."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    if not comment:
        raise ProposalError(_("Say what you would like changed."), field="comment")
    answer = _answer(proposal=proposal, actor=actor, kind=ProposalResponse.Kind.CHANGES, comment=comment, now=now)
    effort = answer.effort
    version = answer.proposal.version
    audit_record(actor=actor, action="effort.proposal_changes_requested", obj=effort,
                 summary=f"{effort.title}: version {version}",
                 data={"proposal": answer.proposal_id, "version": version})
    _email(key=f"effort-proposal-changes:{answer.pk}", to=_centre_emails(effort),
           template="effort_proposal_changes",
           context={"effort_title": effort.title, "version": version, "by_name": _name(actor), "comment": comment,
                    "case_url": absolute_url("efforts:effort_detail", effort.pk),
                    "present_url": absolute_url("efforts:proposal_present", effort.pk)})
    return answer


def _name(user) -> str:
    return (getattr(user, "name", "") or getattr(user, "email", "") or "").strip()

