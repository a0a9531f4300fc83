"""Focus-group replacements under concurrency: members of one stratum declining (or leaving) at the same
moment each get a replacement of their own, the next ones of the stratum in the draw's stored order, never
the same person twice. ``replacement_for`` locks the draw; the test holds every thread inside the window
between reading who is invited and inviting the next (a pause in reading the stored candidates), so without
the lock they would all pick the same next candidate (and the draw-and-member constraint refuse all but one).
Run on PostgreSQL (DATABASE_URL) for real concurrency; on SQLite the transactions queue."""

import time

import pytest
from django.db import transaction

from inspira.panel import focus
from inspira.panel.invitations import pending_invitations_cancel
from inspira.panel.models import FocusInvite, stratum_key
from tests.factories import DistrictFactory
from tests.panel.factories import MemberFactory, coordinator, focus_event, school_form
from tests.race import race

pytestmark = [pytest.mark.usefixtures("panel_reference_data"), pytest.mark.django_db(transaction=True)]
INVITED, RESERVES = 4, 5


class _Never(Exception):
    pass


@pytest.fixture
def slow_window(monkeypatch):
    read = focus.stored_candidates

    def slowly(draw):
        time.sleep(0.3)
        return read(draw)

    monkeypatch.setattr(focus, "stored_candidates", slowly)


def _invited_draw():
    form, district = school_form("grundskola"), DistrictFactory(name="Södermalm")
    key = stratum_key(form.pk, district.pk)
    for _ in range(INVITED + RESERVES):
        MemberFactory(school_form=form, district=district)
    draw = focus.focus_draw(event=focus_event(), sizes={key: INVITED}, actor=coordinator())
    focus.focus_invite(draw=draw, actor=coordinator())
    order = [member_id for member_id, stratum, *_rest in draw.candidates if stratum == key]
    return draw, order


def _check(draw, order, answered):
    replacements = list(FocusInvite.objects.filter(draw=draw, replaces__in=answered).order_by("member_id"))
    assert len(replacements) == len(answered)
    assert sorted(r.member_id for r in replacements) == sorted(order[INVITED:INVITED + len(answered)])
    members = list(FocusInvite.objects.filter(draw=draw).values_list("member_id", flat=True))
    assert len(members) == len(set(members)) == INVITED + len(answered)
    assert focus.shortfalls(draw) == {}


def test_every_invited_member_declining_at_once_gets_a_replacement_of_their_own(slow_window):
    draw, order = _invited_draw()
    invites = list(FocusInvite.objects.filter(draw=draw).select_related("member__user"))
    outcome = race([lambda invite=invite: focus.focus_decline(invite=invite, actor=invite.member.user)
                    for invite in invites], full=_Never)
    assert outcome.errors == [] and outcome.made == INVITED
    _check(draw, order, invites)


def test_a_decline_and_a_member_leaving_at_once_are_each_replaced(slow_window):
    draw, order = _invited_draw()
    declining, leaving = list(FocusInvite.objects.filter(draw=draw).select_related("member__user"))[:2]

    def leave():
        with transaction.atomic():
            pending_invitations_cancel(member=leaving.member)

    outcome = race([lambda: focus.focus_decline(invite=declining, actor=declining.member.user), leave],
                   full=_Never)
    assert outcome.errors == [] and outcome.made == 2
    _check(draw, order, [declining, leaving])
