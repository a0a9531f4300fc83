"""Substitute costs of a round (issue 14, item 6): the participants' days away, recorded as they
happen, and the schools' claims for them, which finance approves and exports.

- A **visit** counts when its host confirms it took place (``visit_confirm_held``): one day away for
  every member of the group who has not withdrawn, the host included (the host's day is spent on
  the visit too, and the issue counts "the three visits and the two meetings" as each
  participant's days away).
- A **meeting** counts when the participant's attendance at the round's kick-off or closing meeting
  is marked (``day_away_from_attendance``, called by a receiver of the events app's registrations,
  see ``benchmarking.receivers``); unmarked again, the day goes, unless it is already claimed.
- A **claim** is the school's (its principal makes it) for every day away of its teachers in one
  round not claimed yet, at the round's rate per day, copied onto each line when the claim is made.
  A day is claimed once, ever (``ClaimLine.day_away`` is one-to-one); an approved claim never
  changes.
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership
from inspira.benchmarking import permissions
from inspira.benchmarking.models import Claim, ClaimLine, DayAway, Interest, Round, Visit
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.money import format_sek


class CostError(Exception):
    """Message is translated; views show it as is."""


# --- Days away: visits --------------------------------------------------------------------------------------

def visit_may_confirm_held(*, visit: Visit, now=None) -> bool:
    """From the visit's day on (Stockholm calendar), for a visit not cancelled."""
    today = timezone.localdate(now or timezone.now())
    return visit.status != Visit.Status.CANCELLED and today >= visit.date


def visit_is_held(visit: Visit) -> bool:
    return visit.status == Visit.Status.HELD


def _visit_members(visit: Visit):
    return Interest.objects.filter(group_id=visit.group_id, withdrawn_at__isnull=True)


def _record_visit_days(visit: Visit) -> int:
    """A day away for each member present in the group; a member already away that day for the round
    (which the timetable never plans) keeps the day they have. Returns how many days were recorded."""
    members = list(_visit_members(visit))
    taken = set(DayAway.objects.filter(participant__in=members, date=visit.date).values_list("participant_id",
                                                                                             flat=True))
    new = [DayAway(participant=m, date=visit.date, kind=DayAway.Kind.VISIT, visit=visit)
           for m in members if m.pk not in taken]
    DayAway.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def visit_confirm_held(*, visit: Visit, actor, now=None) -> Visit:
    """The host (or a coordinator) confirms the visit took place: its status becomes HELD and every
    member of the group gets the day away. Confirming again changes nothing and records nothing."""
    now = now or timezone.now()
    # Lock the visit: the host and a coordinator confirming at once record one set of days.
    visit = Visit.objects.select_for_update(of=("self",)).select_related("host__user", "group__round").get(pk=visit.pk)
    if not permissions.may_confirm_visit_held(actor, visit):
        raise CostError(_("Only the host of the visit or a coordinator can confirm that it took place."))
    if visit_is_held(visit):
        return visit
    if not visit_may_confirm_held(visit=visit, now=now):
        if visit.status == Visit.Status.CANCELLED:
            raise CostError(_("The visit is cancelled."))
        raise CostError(_("A visit can be confirmed from its day on."))
    visit.status = Visit.Status.HELD
    visit.held_confirmed_at = now
    visit.held_confirmed_by = actor
    visit.save(update_fields=["status", "held_confirmed_at", "held_confirmed_by"])
    recorded = _record_visit_days(visit)
    audit_record(actor=actor, action="benchmarking.visit_held", obj=visit,
                 summary=f"{visit.group.round} – {visit.group}: {visit.date.isoformat()}",
                 data={"round": visit.group.round_id, "days_away": recorded})
    return visit


# --- Days away: the two meetings ------------------------------------------------------------------------------

def _meeting_round(event_id: int):
    """The round whose kick-off or closing meeting the event is, and which of the two, or (None, None)."""
    found = Round.objects.filter(Q(kickoff_id=event_id) | Q(closing_id=event_id)).only("pk", "kickoff_id",
                                                                                      "closing_id").first()
    if found is None:
        return None, None
    return found, DayAway.Kind.KICKOFF if found.kickoff_id == event_id else DayAway.Kind.CLOSING


@transaction.atomic
def day_away_from_attendance(*, registration) -> DayAway | None:
    """Follow a person's attendance at a round's meeting: marked present, the participant has the day
    away; marked absent or unmarked, the day is removed again, unless a claim already holds it (a
    claimed day stays: the claim is the school's, and an approved one never changes).

    Groups and walk-ins are no participants' rows and are left alone. Returns the day, if there is one.
    """
    if registration.is_group or registration.user_id is None:
        return None
    meeting_round, kind = _meeting_round(registration.event_id)
    if meeting_round is None:
        return None
    participant = Interest.objects.filter(round=meeting_round, user_id=registration.user_id,
                                          withdrawn_at__isnull=True,
                                          decision=Interest.Decision.ADMITTED).first()
    if participant is None:
        return None
    came = registration.attended is True and registration.status == registration.Status.CONFIRMED
    if not came:
        DayAway.objects.filter(participant=participant, kind=kind, claim_line__isnull=True).delete()
        return None
    day = timezone.localdate(registration.event.starts_at)
    existing = DayAway.objects.filter(participant=participant, date=day).first()
    if existing is not None:
        return existing
    return DayAway.objects.create(participant=participant, date=day, kind=kind)


# --- Claims: reads ---------------------------------------------------------------------------------------------

def days_away_unclaimed(*, round: Round, school):
    """The school's teachers' days away in the round that no claim holds yet, by date."""
    return (DayAway.objects.filter(participant__round=round, participant__school=school, claim_line__isnull=True)
            .select_related("participant__user").order_by("date", "participant__registered_at", "pk"))


@dataclasses.dataclass(frozen=True)
class RoundToClaim:
    round: Round
    days: list  # DayAway, unclaimed
    amount: int  # öre, at the round's rate now
    claims: list  # Claim of the school in this round, with ``total`` and ``days``

    @property
    def may_claim(self) -> bool:
        return bool(self.days)

    @property
    def amount_text(self) -> str:
        return format_sek(self.amount)


def rounds_to_claim(*, school) -> list[RoundToClaim]:
    """Each round the school's teachers took part in: its unclaimed days and the school's claims.
    Three queries whatever the number of rounds."""
    days = list(DayAway.objects.filter(participant__school=school, claim_line__isnull=True)
                .select_related("participant__user", "participant__round").order_by("date", "pk"))
    claims = list(claims_with_totals().filter(school=school))
    rounds = {d.participant.round_id: d.participant.round for d in days}
    rounds.update({c.round_id: c.round for c in claims})
    result = []
    for round_ in sorted(rounds.values(), key=lambda r: (r.interest_opens_at, r.pk), reverse=True):
        round_days = [d for d in days if d.participant.round_id == round_.pk]
        result.append(RoundToClaim(round=round_, days=round_days, amount=len(round_days) * round_.substitute_rate,
                                   claims=[c for c in claims if c.round_id == round_.pk]))
    return result


def claims_with_totals():
    """Claims with their round, school and people, ``total`` (öre) and ``days`` in the same query."""
    return (Claim.objects.select_related("round", "school", "claimed_by", "approved_by")
            .annotate(total=Sum("lines__amount"), days=Count("lines")).order_by("-claimed_at", "pk"))


def claims_for_finance(*, round=None, school=None, status: str = ""):
    claims = claims_with_totals()
    if round is not None:
        claims = claims.filter(round=round)
    if school is not None:
        claims = claims.filter(school=school)
    if status:
        claims = claims.filter(status=status)
    return claims


def claims_total(claims) -> dict:
    """The sum (öre) and days of the claims ``claims`` (a queryset of Claim), in one query."""
    totals = ClaimLine.objects.filter(claim__in=claims.values("pk")).aggregate(total=Sum("amount"), days=Count("pk"))
    return {"total": totals["total"] or 0, "days": totals["days"]}


def claim_lines_for_export(claims):
    """The lines of ``claims`` with all the export shows, in one query, in order."""
    return (ClaimLine.objects.filter(claim__in=claims.values("pk"))
            .select_related("claim__round", "claim__school", "day_away__participant__user")
            .order_by("claim__round__interest_opens_at", "claim__round_id", "claim__school__name",
                      "claim_id", "day_away__date", "pk"))


def teacher_name(participant: Interest) -> str:
    user = participant.user
    if user is None:
        return _("Participant (erased)")
    return user.name or user.email


# --- Claims: actions -------------------------------------------------------------------------------------------

def claim_may_approve(*, claim: Claim) -> bool:
    return claim.status == Claim.Status.CLAIMED


@transaction.atomic
def claim_create(*, round: Round, school, actor, now=None) -> Claim:
    """Claim every day away of the school's teachers in ``round`` not claimed yet, one line a day at
    the round's rate now. Refuses an empty claim; nothing is saved unless all of it is."""
    now = now or timezone.now()
    if not permissions.may_claim_for_school(actor, school):
        raise CostError(_("Only the school's principal can claim its substitute costs."))
    # Lock the round: two claims of one school at once would both find the same days unclaimed (the
    # one-to-one line would then refuse the second with an error rather than a message).
    round = Round.objects.select_for_update().get(pk=round.pk)
    days = list(days_away_unclaimed(round=round, school=school))
    if not days:
        raise CostError(_("There are no days away left to claim for this school in this round."))
    claim = Claim.objects.create(round=round, school=school, claimed_by=actor, claimed_at=now)
    ClaimLine.objects.bulk_create([ClaimLine(claim=claim, day_away=day, amount=round.substitute_rate)
                                   for day in days])
    total = len(days) * round.substitute_rate
    audit_record(actor=actor, action="benchmarking.claim_created", obj=claim,
                 summary=f"{school.name} – {round.title}: {format_sek(total)}",
                 data={"round": round.pk, "school": school.pk, "days": len(days), "total_ore": total})
    return claim


def _principal_emails(school) -> list[str]:
    return list(get_user_model().objects.filter(
        is_active=True, memberships__school=school, memberships__role=Membership.Role.PRINCIPAL,
        memberships__confirmed_at__isnull=False).values_list("email", flat=True).distinct())


@transaction.atomic
def claim_approve(*, claim: Claim, actor, now=None) -> Claim:
    """Finance approves the claim as a whole; the school's principals are told by email."""
    now = now or timezone.now()
    if not permissions.may_approve_claims(actor):
        raise CostError(_("Only finance can approve substitute-cost claims."))
    claim = Claim.objects.select_for_update(of=("self",)).select_related("round", "school").get(pk=claim.pk)
    if not claim_may_approve(claim=claim):
        raise CostError(_("The claim is already approved."))
    claim.status = Claim.Status.APPROVED
    claim.approved_at = now
    claim.approved_by = actor
    claim.save(update_fields=["status", "approved_at", "approved_by"])
    totals = claim.lines.aggregate(total=Sum("amount"), days=Count("pk"))
    audit_record(actor=actor, action="benchmarking.claim_approved", obj=claim,
                 summary=f"{claim.school.name} – {claim.round.title}: {format_sek(totals['total'] or 0)}",
                 data={"round": claim.round_id, "school": claim.school_id, "days": totals["days"],
                       "total_ore": totals["total"] or 0})
    recipients = _principal_emails(claim.school)
    if recipients:
        context = {"school_name": claim.school.name, "round_title": claim.round.title, "days": totals["days"],
                   "total": format_sek(totals["total"] or 0),
                   "claims_url": absolute_url("benchmarking:claims_school", school_id=claim.school_id)}
        transaction.on_commit(lambda: email_enqueue(key=f"benchmarking-claim-approved:{claim.pk}", to=recipients,
                                                    template="benchmarking_claim_approved", context=context))
    return claim
