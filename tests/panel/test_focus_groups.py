"""Focus groups: drawn by stratum from the members who said yes to focus groups, invited by email,
registered for the event through the events app when they accept, and replaced from the same stratum
when they decline, leave or lapse."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspira.core.models import AuditEvent, OutboxItem
from inspira.events.models import Registration
from inspira.events.registrations import RegistrationError, registration_create
from inspira.panel import focus
from inspira.panel.invitations import pending_invitations_cancel
from inspira.panel.models import FocusInvite, Member, stratum_key
from inspira.panel.sampling import DrawError, draw_repeat
from tests.factories import DistrictFactory, EventFactory, programme
from tests.panel.factories import MemberFactory, coordinator, focus_event, school_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def strata():
    """Two strata: grundskola in Södermalm and gymnasieskola in Kungsholmen, with their keys."""
    south, north = DistrictFactory(name="Södermalm"), DistrictFactory(name="Kungsholmen")
    compulsory, upper = school_form("grundskola"), school_form("gymnasieskola")
    return {"a": (compulsory, south, stratum_key(compulsory.pk, south.pk)),
            "b": (upper, north, stratum_key(upper.pk, north.pk))}


def members(stratum, n, **fields):
    form, district, _key = stratum
    return [MemberFactory(school_form=form, district=district, **fields) for _i in range(n)]


def test_only_focus_group_volunteers_are_drawn(strata):
    willing = members(strata["a"], 3)
    members(strata["a"], 4, focus_groups=False)
    draw = focus.focus_draw(event=focus_event(), sizes={strata["a"][2]: 10}, actor=coordinator())
    assert sorted(draw.picks.values_list("member_id", flat=True)) == sorted(m.pk for m in willing)


def test_those_who_left_or_lapsed_are_not_drawn(strata):
    willing = members(strata["a"], 2)
    gone = members(strata["a"], 1)[0]
    gone.ended_at, gone.ending = timezone.now(), Member.Ending.LEFT
    gone.save()
    lapsed = members(strata["a"], 1)[0]
    Member.objects.filter(pk=lapsed.pk).update(consent_until=timezone.now() - timedelta(days=1))
    draw = focus.focus_draw(event=focus_event(), sizes={strata["a"][2]: 10}, actor=coordinator())
    assert sorted(draw.picks.values_list("member_id", flat=True)) == sorted(m.pk for m in willing)


def test_each_stratum_gets_its_size(strata):
    members(strata["a"], 5)
    members(strata["b"], 5)
    draw = focus.focus_draw(event=focus_event(), sizes={strata["a"][2]: 2, strata["b"][2]: 3}, actor=coordinator())
    picked = list(draw.picks.values_list("stratum", flat=True))
    assert picked.count(strata["a"][2]) == 2
    assert picked.count(strata["b"][2]) == 3
    assert AuditEvent.objects.filter(action="panel.focus_draw", object_id=str(draw.pk)).exists()


def test_the_same_seed_gives_the_same_draw(strata):
    members(strata["a"], 8)
    event, actor = focus_event(), coordinator()
    first = focus.focus_draw(event=event, sizes={strata["a"][2]: 3}, actor=actor, seed=4711)
    second = focus.focus_draw(event=event, sizes={strata["a"][2]: 3}, actor=actor, seed=4711)
    picks = list(first.picks.values_list("member_id", flat=True))
    assert picks == list(second.picks.values_list("member_id", flat=True))
    assert draw_repeat(first) == picks


def test_a_focus_group_is_for_an_event_of_the_panel(strata):
    members(strata["a"], 2)
    with pytest.raises(DrawError):
        focus.focus_draw(event=EventFactory(programme=programme("inspiration_sites")), sizes={strata["a"][2]: 1},
                         actor=coordinator())


def test_a_focus_group_is_for_an_event_only_the_invited_may_register_for(strata):
    members(strata["a"], 2)
    open_event = focus_event(title="Fokusgrupp, öppen för alla")
    open_event.eligibility, open_event.eligible_group = "anyone", ""
    open_event.save(update_fields=["eligibility", "eligible_group"])
    with pytest.raises(DrawError) as refused:
        focus.focus_draw(event=open_event, sizes={strata["a"][2]: 1}, actor=coordinator())
    assert refused.value.field == "event"
    # The draw form offers only the events restricted to the invited members.
    restricted = focus_event()
    assert list(focus.focus_events()) == [restricted]


def _drawn(strata, size=1, extra=3):
    everyone = members(strata["a"], size + extra)
    draw = focus.focus_draw(event=focus_event(), sizes={strata["a"][2]: size}, actor=coordinator())
    focus.focus_invite(draw=draw, actor=coordinator())
    return draw, everyone


def test_invitations_go_out_once_by_email(strata):
    draw, _everyone = _drawn(strata, size=2)
    invites = list(draw.focus_invites.all())
    assert len(invites) == 2
    for invite in invites:
        item = OutboxItem.objects.get(key=f"panel-focus-invite:{invite.pk}")
        assert item.payload["to"] == [invite.member.user.email]
        assert f"/lararpanelen/fokusgrupper/inbjudan/{invite.pk}/" in item.payload["text"]
    assert focus.focus_invite(draw=draw, actor=coordinator()) == 0
    assert draw.focus_invites.count() == 2


def test_a_decline_is_replaced_from_the_same_stratum_in_the_stored_order(strata):
    members(strata["b"], 3)  # another stratum: never a replacement
    draw, _everyone = _drawn(strata, size=1, extra=3)
    first = draw.focus_invites.get()
    order = [c[0] for c in draw.candidates if c[1] == strata["a"][2]]
    replacement = focus.focus_decline(invite=first, actor=first.member.user)
    first.refresh_from_db()
    assert first.state == FocusInvite.State.DECLINED
    assert replacement.replaces == first
    assert replacement.stratum == strata["a"][2]
    assert replacement.member_id == order[1]
    assert OutboxItem.objects.filter(key=f"panel-focus-invite:{replacement.pk}").exists()


def test_a_replacement_is_never_someone_already_invited(strata):
    draw, everyone = _drawn(strata, size=1, extra=2)
    invited = set()
    invite = draw.focus_invites.get()
    while invite is not None:
        assert invite.member_id not in invited
        invited.add(invite.member_id)
        invite = focus.focus_decline(invite=invite, actor=invite.member.user)
    assert invited == {m.pk for m in everyone}
    assert focus.shortfalls(draw) == {strata["a"][2]: 1}


def test_a_replacement_skips_those_who_left_or_no_longer_volunteer(strata):
    draw, _everyone = _drawn(strata, size=1, extra=2)
    first = draw.focus_invites.get()
    order = [c[0] for c in draw.candidates if c[1] == strata["a"][2]]
    Member.objects.filter(pk=order[1]).update(focus_groups=False)
    replacement = focus.focus_decline(invite=first, actor=first.member.user)
    assert replacement.member_id == order[2]


def test_leaving_with_a_pending_invite_is_replaced_from_the_same_stratum(strata):
    draw, _everyone = _drawn(strata, size=1, extra=1)
    first = draw.focus_invites.get()
    member = first.member
    counts = pending_invitations_cancel(member=member)
    assert counts["focus_groups"] == 1
    assert set(counts) == {"surveys", "focus_groups"}
    first.refresh_from_db()
    assert first.state == FocusInvite.State.CANCELLED
    assert first.replaced_by.stratum == strata["a"][2]
    assert first.replaced_by.member_id != member.pk


def test_an_accepted_invite_is_not_cancelled_or_replaced(strata):
    draw, _everyone = _drawn(strata, size=1, extra=1)
    first = draw.focus_invites.get()
    focus.focus_accept(invite=first, actor=first.member.user)
    assert pending_invitations_cancel(member=first.member)["focus_groups"] == 0
    assert draw.focus_invites.count() == 1


def test_accepting_registers_for_the_event_exactly_once(strata):
    draw, _everyone = _drawn(strata, size=1)
    invite = draw.focus_invites.get()
    user = invite.member.user
    focus.focus_accept(invite=invite, actor=user)
    focus.focus_accept(invite=invite, actor=user)
    assert Registration.objects.filter(event=draw.event, user=user).count() == 1
    invite.refresh_from_db()
    assert invite.state == FocusInvite.State.ACCEPTED


def test_only_the_invited_may_register_for_the_focus_groups_event(strata):
    draw, everyone = _drawn(strata, size=1, extra=1)
    invited = draw.focus_invites.get().member.user
    outsider = next(m.user for m in everyone if m.user != invited)
    with pytest.raises(RegistrationError):
        registration_create(event=draw.event, user=outsider)
    registration_create(event=draw.event, user=invited)


def test_someone_else_cannot_answer_an_invitation(strata):
    draw, everyone = _drawn(strata, size=1, extra=1)
    invite = draw.focus_invites.get()
    other = next(m.user for m in everyone if m.user != invite.member.user)
    with pytest.raises(focus.FocusError):
        focus.focus_accept(invite=invite, actor=other)
    with pytest.raises(focus.FocusError):
        focus.focus_decline(invite=invite, actor=other)
    assert not Registration.objects.filter(event=draw.event).exists()


def test_a_declined_invite_cannot_be_accepted(strata):
    draw, _everyone = _drawn(strata, size=1, extra=0)
    invite = draw.focus_invites.get()
    assert focus.focus_decline(invite=invite, actor=invite.member.user) is None
    with pytest.raises(focus.FocusError):
        focus.focus_accept(invite=invite, actor=invite.member.user)
    assert focus.shortfalls(draw) == {strata["a"][2]: 1}
