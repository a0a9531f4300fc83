"""The focus groups' pages: only coordinators draw and invite, the draw form sizes each stratum, the
focus group's page shows invitations per stratum, replacements and shortfalls in constant queries, and the
member answers on their own page."""

import pytest
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.events.models import Registration
from inspira.panel import focus
from inspira.panel.forms_focus import FocusDrawForm
from inspira.panel.models import Draw, FocusInvite, stratum_key
from tests.factories import DistrictFactory
from tests.panel.factories import MemberFactory, coordinator, focus_event, school_form, teacher

pytestmark = pytest.mark.django_db


def volunteers(n, district=None, **fields):
    district = district or DistrictFactory(name="Södermalm")
    return [MemberFactory(school_form=school_form(), district=district, **fields) for _i in range(n)]


def test_only_coordinators_reach_the_coordinators_pages(client_for):
    draw = focus.focus_draw(event=focus_event(), sizes={_key(volunteers(1)[0]): 1}, actor=coordinator())
    outsider = teacher()
    urls = (reverse("panel:focus_groups"), reverse("panel:focus_new"), reverse("panel:focus_group", args=[draw.pk]))
    for url in urls:
        assert client_for(outsider).get(url).status_code == 403
        assert client_for(coordinator()).get(url).status_code == 200
    response = client_for(outsider).post(reverse("panel:focus_group_invite", args=[draw.pk]))
    assert response.status_code == 403
    assert not FocusInvite.objects.exists()


def _key(member):
    return stratum_key(member.school_form_id, member.district_id)


def test_the_draw_form_draws_the_sizes_asked_for_and_audits(client_for):
    everyone = volunteers(4)
    key = _key(everyone[0])
    event = focus_event()
    actor = coordinator()
    client = client_for(actor)
    page = client.get(reverse("panel:focus_new"))
    assert [(k, count) for k, _label, count in page.context["strata"]] == [(key, 4)]
    response = client.post(reverse("panel:focus_new"),
                           {"event": event.pk, FocusDrawForm.size_field(key): 2})
    draw = Draw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:focus_group", args=[draw.pk])
    assert draw.picks.count() == 2
    assert AuditEvent.objects.filter(action="panel.focus_draw", actor=actor).exists()


def test_the_draw_form_refuses_no_sizes_and_draws_nothing(client_for):
    volunteers(2)
    response = client_for(coordinator()).post(reverse("panel:focus_new"), {"event": focus_event().pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Draw.objects.exists()


def test_the_invite_button_invites_and_audits(client_for):
    draw = focus.focus_draw(event=focus_event(), sizes={_key(volunteers(2)[0]): 2}, actor=coordinator())
    actor = coordinator()
    response = client_for(actor).post(reverse("panel:focus_group_invite", args=[draw.pk]))
    assert response.status_code == 302
    assert draw.focus_invites.count() == 2
    assert AuditEvent.objects.filter(action="panel.focus_invite", actor=actor).exists()


def test_the_focus_groups_page_shows_replacements_and_shortfalls_in_constant_queries(
        client_for):
    def page_queries(n):
        everyone = volunteers(n, district=DistrictFactory(name=f"Distrikt {n}"))
        draw = focus.focus_draw(event=focus_event(), sizes={_key(everyone[0]): n}, actor=coordinator())
        focus.focus_invite(draw=draw, actor=coordinator())
        invite = draw.focus_invites.first()
        focus.focus_decline(invite=invite, actor=invite.member.user)  # nobody left: one short
        client = client_for(coordinator())
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("panel:focus_group", args=[draw.pk]))
        assert response.context["short_total"] == 1
        return len(queries)

    assert page_queries(2) == page_queries(6)


def test_the_list_of_focus_groups_takes_constant_queries(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(coordinator())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("panel:focus_groups")).status_code == 200
        return len(captured)

    focus.focus_draw(event=focus_event(), sizes={_key(volunteers(1)[0]): 1}, actor=coordinator())
    one = queries()
    for _i in range(3):
        focus.focus_draw(event=focus_event(), sizes={_key(volunteers(1)[0]): 1}, actor=coordinator())
    assert queries() == one


def test_the_member_accepts_on_their_page_and_is_registered(client_for):
    draw = focus.focus_draw(event=focus_event(), sizes={_key(volunteers(1)[0]): 1}, actor=coordinator())
    focus.focus_invite(draw=draw, actor=coordinator())
    invite = draw.focus_invites.get()
    client = client_for(invite.member.user)
    url = reverse("panel:focus_answer", args=[invite.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "accept"}).status_code == 302
    assert client.post(url, {"answer": "accept"}).status_code == 302
    assert Registration.objects.filter(event=draw.event, user=invite.member.user).count() == 1


def test_the_member_declines_and_someone_else_is_invited(client_for):
    everyone = volunteers(2)
    draw = focus.focus_draw(event=focus_event(), sizes={_key(everyone[0]): 1}, actor=coordinator())
    focus.focus_invite(draw=draw, actor=coordinator())
    invite = draw.focus_invites.get()
    client_for(invite.member.user).post(reverse("panel:focus_answer", args=[invite.pk]), {"answer": "decline"})
    invite.refresh_from_db()
    assert invite.state == FocusInvite.State.DECLINED
    assert invite.replaced_by.member_id != invite.member_id


def test_nobody_else_may_answer_an_invitation(client_for):
    everyone = volunteers(2)
    draw = focus.focus_draw(event=focus_event(), sizes={_key(everyone[0]): 1}, actor=coordinator())
    focus.focus_invite(draw=draw, actor=coordinator())
    invite = draw.focus_invites.get()
    other = next(m.user for m in everyone if m.pk != invite.member_id)
    url = reverse("panel:focus_answer", args=[invite.pk])
    assert client_for(other).get(url).status_code == 403
    assert client_for(other).post(url, {"answer": "decline"}).status_code == 403
    assert client_for(coordinator()).post(url, {"answer": "decline"}).status_code == 403
    invite.refresh_from_db()
    assert invite.state == FocusInvite.State.INVITED
