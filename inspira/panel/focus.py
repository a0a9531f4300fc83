"""Focus groups of the panel: a coordinator draws members (by stratum, from those who said yes to focus
groups) for an event of the panel and invites them; one who declines, leaves or lapses is replaced at once
from the same stratum, by the next stored candidate of the draw not invited yet."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.events import eligibility
from inspira.events.registrations import registration_create
from inspira.panel.models import Draw, FocusInvite, Member
from inspira.panel.sampling import DrawError, active_members, askable_members, draw_make, stored_candidates
from inspira.programmes.catalog import Key

GROUP_KEY = "panel:focus-group"
OPEN_STATES = (FocusInvite.State.INVITED, FocusInvite.State.ACCEPTED)


class FocusError(Exception):
    """Message is translated; views show it as is."""


# --- Who may register for a focus group's event (events.eligibility) ------------------------------------------

def is_invited(user, event=None) -> bool:
    """The events app's group ``panel:focus-group``: the members invited to (or who accepted) a focus group
    of ``event`` and are still members. Nobody without an event."""
    if event is None or not (user.is_authenticated and user.is_active):
        return False
    return FocusInvite.objects.filter(draw__event_id=event.pk, member__user=user, member__ended_at__isnull=True,
                                      state__in=OPEN_STATES).exists()


def register_focus_group() -> None:
    eligibility.register_group(GROUP_KEY, gettext_lazy("Invited to a focus group of the teacher panel"),
                               members=is_invited)


# --- Drawing and inviting ---------------------------------------------------------------------------------------

def volunteers(now=None):
    """Active members who said yes to focus groups and whose own limit lets them be asked now."""
    return askable_members(now).filter(focus_groups=True)


@transaction.atomic
def is_restricted(event) -> bool:
    """Only the members invited to a focus group may register for the event (the events app's group)."""
    return event.eligibility == "group" and event.eligible_group == GROUP_KEY


def focus_draw(*, event, sizes: dict[str, int], actor, seed: int | None = None, now=None) -> Draw:
    """Draw a focus group for ``event`` (an event of the panel): ``sizes`` members per stratum."""
    now = now or timezone.now()
    if event.programme.key != Key.TEACHER_PANEL:
        raise DrawError(_("Choose an event of the teacher panel."), field="event")
    if not is_restricted(event):
        # Open registration would let anyone into a group drawn to be representative.
        raise DrawError(_("Choose an event that only the members invited to a focus group may register for."),
                        field="event")
    draw = draw_make(purpose=Draw.Purpose.FOCUS_GROUP, members=volunteers(now), actor=actor, sizes=sizes,
                     event=event, seed=seed, now=now)
    audit_record(actor=actor, action="panel.focus_draw", obj=draw, summary=str(event),
                 data={"event": event.pk, "seed": draw.seed, "picks": draw.picks.count()})
    return draw


def _email(invite: FocusInvite) -> None:
    user = invite.member.user
    if user is None or not user.email:
        return
    event = invite.draw.event
    email_enqueue(key=f"panel-focus-invite:{invite.pk}", to=[user.email], template="panel_focus_invite",
                  context={"name": user.name, "title": event.title, "starts_at": event.starts_at,
                           "place": getattr(event, "place", ""),
                           "answer_url": absolute_url("panel:focus_answer", invite.pk)})


def _invite(*, draw: Draw, member_id: int, stratum: str, now, replaces=None) -> FocusInvite:
    invite = FocusInvite.objects.create(draw=draw, member_id=member_id, stratum=stratum, invited_at=now,
                                        replaces=replaces)
    invite = FocusInvite.objects.select_related("member__user", "draw__event").get(pk=invite.pk)
    _email(invite)
    return invite


@transaction.atomic
def focus_invite(*, draw: Draw, actor, now=None) -> int:
    """Invite the draw's picks (each once; a second call invites nobody twice). Returns how many."""
    now = now or timezone.now()
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.purpose != Draw.Purpose.FOCUS_GROUP:
        raise FocusError(_("This draw is not a focus group."))
    invited = set(draw.focus_invites.values_list("member_id", flat=True))
    active = set(active_members(now).filter(focus_groups=True, picks__draw=draw).values_list("pk", flat=True))
    count = 0
    for pick in draw.picks.order_by("position"):
        if pick.member_id in invited or pick.member_id not in active:
            continue
        _invite(draw=draw, member_id=pick.member_id, stratum=pick.stratum, now=now)
        count += 1
    if draw.sent_at is None:
        draw.sent_at = now
        draw.save(update_fields=["sent_at"])
    audit_record(actor=actor, action="panel.focus_invite", obj=draw, summary=str(draw.event),
                 data={"invited": count})
    return count


def replacement_for(invite: FocusInvite, now=None) -> FocusInvite | None:
    """Invite the next stored candidate of the invite's stratum, in the draw's order, who is still active,
    said yes to focus groups and was not invited to this draw yet; None when the stratum has nobody left."""
    now = now or timezone.now()
    # Locked: two declines in one stratum at once must not pick the same next candidate.
    draw = Draw.objects.select_for_update().get(pk=invite.draw_id)
    invited = set(FocusInvite.objects.filter(draw=draw).values_list("member_id", flat=True))
    ids = [c.member_id for c in stored_candidates(draw) if c.stratum == invite.stratum and c.member_id not in invited]
    if not ids:
        return None
    willing = set(active_members(now).filter(focus_groups=True, pk__in=ids).values_list("pk", flat=True))
    for member_id in ids:
        if member_id in willing:
            return _invite(draw=draw, member_id=member_id, stratum=invite.stratum, now=now, replaces=invite)
    return None


def _lock(invite: FocusInvite) -> FocusInvite:
    return (FocusInvite.objects.select_for_update(of=("self",)).select_related("draw__event", "member__user")
            .get(pk=invite.pk))


def may_answer(*, invite: FocusInvite, user) -> bool:
    return (user.is_authenticated and user.is_active and invite.member.user_id == user.pk
            and invite.member.ended_at is None)


@transaction.atomic
def focus_accept(*, invite: FocusInvite, actor, now=None) -> FocusInvite:
    """The member accepts: registered for the event through the events app (once, whatever is clicked)."""
    now = now or timezone.now()
    invite = _lock(invite)
    if not may_answer(invite=invite, user=actor):
        raise FocusError(_("This invitation is not yours."))
    if invite.state == FocusInvite.State.ACCEPTED:
        return invite
    if invite.state != FocusInvite.State.INVITED:
        raise FocusError(_("This invitation is no longer open."))
    registration_create(event=invite.draw.event, user=actor, waiting_list=False, now=now)
    invite.state = FocusInvite.State.ACCEPTED
    invite.answered_at = now
    invite.save(update_fields=["state", "answered_at"])
    return invite


@transaction.atomic
def focus_decline(*, invite: FocusInvite, actor, now=None) -> FocusInvite | None:
    """The member declines; a replacement from the same stratum is invited at once. Returns the
    replacement's invitation, or None when the stratum has nobody left (the coordinator sees it short)."""
    now = now or timezone.now()
    invite = _lock(invite)
    if not may_answer(invite=invite, user=actor):
        raise FocusError(_("This invitation is not yours."))
    if invite.state != FocusInvite.State.INVITED:
        raise FocusError(_("This invitation is no longer open."))
    invite.state = FocusInvite.State.DECLINED
    invite.answered_at = now
    invite.save(update_fields=["state", "answered_at"])
    return replacement_for(invite, now)


def cancel_and_replace(*, member: Member, now) -> int:
    """Cancel the member's pending focus invitations and replace each from its stratum. Returns how many."""
    invites = list(FocusInvite.objects.select_for_update(of=("self",)).select_related("draw")
                   .filter(member=member, state=FocusInvite.State.INVITED))
    for invite in invites:
        invite.state = FocusInvite.State.CANCELLED
        invite.answered_at = now
        invite.save(update_fields=["state", "answered_at"])
        replacement_for(invite, now)
    return len(invites)


def shortfalls(draw: Draw) -> dict[str, int]:
    """{stratum: how many short} for the strata whose open invitations fall below the size asked for."""
    open_counts: dict[str, int] = {}
    for stratum in draw.focus_invites.filter(state__in=OPEN_STATES).values_list("stratum", flat=True):
        open_counts[stratum] = open_counts.get(stratum, 0) + 1
    return {s: size - open_counts.get(s, 0) for s, size in draw.sizes.items() if size > open_counts.get(s, 0)}


# --- Selectors for the pages ------------------------------------------------------------------------------------

def stratum_labels(keys) -> dict[str, str]:
    """{stratum key: "School form, District"} in two queries."""
    from inspira.schools.models import District, SchoolForm

    pairs = [tuple(int(part) for part in key.split(":")) for key in keys]
    forms = {sf.pk: str(sf) for sf in SchoolForm.objects.filter(pk__in={p[0] for p in pairs})}
    districts = dict(District.objects.filter(pk__in={p[1] for p in pairs}).values_list("pk", "name"))
    return {key: f"{forms.get(sf, '?')}, {districts.get(d, '?')}" for key, (sf, d) in zip(keys, pairs, strict=True)}


def focus_events(now=None):
    """The panel's events a focus group can be drawn for: coming and not cancelled."""
    from inspira.events.models import Event

    now = now or timezone.now()
    return (Event.objects.filter(programme__key=Key.TEACHER_PANEL, starts_at__gt=now, cancelled_at__isnull=True,
                                 eligibility="group", eligible_group=GROUP_KEY)
            .order_by("starts_at", "pk"))


def focus_draws():
    """The focus groups drawn, newest first, with their event and the counts of their invitations by state."""
    from django.db.models import Count, Q

    return (Draw.objects.filter(purpose=Draw.Purpose.FOCUS_GROUP).select_related("event", "made_by")
            .annotate(invited=Count("focus_invites", filter=Q(focus_invites__state=FocusInvite.State.INVITED)),
                      accepted=Count("focus_invites", filter=Q(focus_invites__state=FocusInvite.State.ACCEPTED)),
                      declined=Count("focus_invites", filter=Q(focus_invites__state=FocusInvite.State.DECLINED)))
            .order_by("-made_at", "-pk"))


def draw_strata(draw: Draw) -> list[dict]:
    """Per stratum of the draw: its label, the size asked for, its invitations (oldest first, each with whom
    it replaced) and how many it is short, in a constant number of queries."""
    invites = list(draw.focus_invites.select_related("member__user", "replaces__member__user")
                   .order_by("invited_at", "pk"))
    keys = sorted(set(draw.sizes) | {i.stratum for i in invites})
    labels = stratum_labels(keys)
    short = shortfalls(draw)
    picks = {}
    for stratum in draw.picks.values_list("stratum", flat=True):
        picks[stratum] = picks.get(stratum, 0) + 1
    rows = [{"key": key, "label": labels[key], "size": draw.sizes.get(key, 0), "picked": picks.get(key, 0),
             "invites": [i for i in invites if i.stratum == key], "short": short.get(key, 0)} for key in keys]
    return sorted(rows, key=lambda r: r["label"])
