"""The short surveys' pages: only coordinators list, write, draw, send, remind and export; a member sees
the surveys they were invited to and, once closed, their results under the threshold of five; lists keep
a constant number of queries."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.core.pagination import PAGE_SIZE
from inspira.panel.forms_surveys import SurveyDrawForm
from inspira.panel.models import Draw, stratum_key
from inspira.panel.surveys import panel_survey_create, survey_draw, survey_send
from inspira.surveys.models import Invitation, Survey
from inspira.surveys.services import invitation_token, question_add, survey_answer, survey_close
from tests.factories import DistrictFactory
from tests.panel.factories import MemberFactory, coordinator, panel_on, school_form, teacher

pytestmark = pytest.mark.django_db


def _survey(actor, title="Läxor"):
    survey = panel_survey_create(title=title, closes_at=timezone.now() + timedelta(days=14), actor=actor)
    question_add(survey=survey, kind="scale", text="Hur mycket läxor?", actor=actor)
    return survey


def _sent(actor, members: int, title="Läxor"):
    """A survey sent to ``members`` new members; returns (survey, their members)."""
    everyone = [MemberFactory() for _i in range(members)]
    survey = _survey(actor, title)
    survey_draw(survey=survey, actor=actor)
    survey_send(survey=survey, actor=actor)
    return survey, everyone


def _closed(actor, answers: int, invited: int | None = None):
    """A survey sent to ``invited`` members (``answers`` + 1 unless told), ``answers`` of them answering
    4, then closed. Returns (survey, the members)."""
    survey, everyone = _sent(actor, invited or answers + 1)
    question = survey.questions.get()
    for member in everyone[:answers]:
        invitation = Invitation.objects.get(survey=survey, user=member.user)
        survey_answer(token=invitation_token(invitation), answers={str(question.pk): "4"})
    survey_close(survey=survey, actor=actor)
    return survey, everyone


def _forget_asked():
    """As if everyone was last asked long ago, so their own limit lets them be asked again."""
    Invitation.objects.update(invited_at=timezone.now() - timedelta(days=400))


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- permissions --------------------------------------------------------------------------------------------

def test_only_coordinators_reach_the_coordinators_pages(client_for):
    actor = coordinator()
    survey, (member,) = _sent(actor, 1)
    for user in (teacher(), member.user):
        client = client_for(user)
        for name, args in (("panel:surveys", []), ("panel:survey_new", []), ("panel:survey", [survey.pk]),
                           ("panel:survey_export", [survey.pk])):
            assert client.get(reverse(name, args=args)).status_code == 403, name
        for name in ("panel:survey_draw", "panel:survey_send", "panel:survey_remind"):
            assert client.post(reverse(name, args=[survey.pk]), {"confirm": "yes"}).status_code == 403, name
    assert Draw.objects.count() == 1
    assert not AuditEvent.objects.filter(action="survey.remind").exists()
    client = client_for(actor)
    for name, args in (("panel:surveys", []), ("panel:survey_new", []), ("panel:survey", [survey.pk])):
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_my_surveys_is_for_members_and_those_invited(client_for):
    panel_on()
    assert client_for(teacher()).get(reverse("panel:my_surveys")).status_code == 403
    assert client_for(MemberFactory().user).get(reverse("panel:my_surveys")).status_code == 200


def test_another_programmes_survey_is_not_found(client_for):
    from inspira.surveys.services import survey_create
    from tests.factories import programme

    other = survey_create(programme=programme("benchmarking"), title="Annat",
                          closes_at=timezone.now() + timedelta(days=3),
                          actor=coordinator())
    assert client_for(coordinator()).get(reverse("panel:survey", args=[other.pk])).status_code == 404


# --- writing, drawing, sending, reminding -------------------------------------------------------------------

def test_a_new_survey_is_created_and_leads_to_its_page(client_for):
    actor = coordinator()
    day = timezone.localdate() + timedelta(days=10)
    response = client_for(actor).post(reverse("panel:survey_new"),
                                      {"title": "Skolgårdar", "intro": "Kort.", "last_day": day.isoformat()})
    survey = Survey.objects.get(title="Skolgårdar")
    assert survey.programme.key == "teacher_panel"
    assert response["Location"] == reverse("panel:survey", args=[survey.pk])
    assert survey.last_day == day
    page = client_for(actor).get(response["Location"])
    assert reverse("surveys:detail", kwargs={"survey_id": survey.pk}) in page.content.decode()


def test_a_new_survey_with_a_past_day_is_refused_next_to_the_field(client_for):
    response = client_for(coordinator()).post(reverse("panel:survey_new"), {
        "title": "Skolgårdar", "last_day": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert response.status_code == 200
    assert "last_day" in response.context["form"].errors
    assert not Survey.objects.filter(title="Skolgårdar").exists()


def test_the_page_shows_the_strata_and_the_draw_form_draws_by_stratum(client_for):
    actor = coordinator()
    north, south = DistrictFactory(name="Norr"), DistrictFactory(name="Söder")
    for _i in range(3):
        MemberFactory(district=north)
    MemberFactory(district=south)
    survey = _survey(actor)
    form = school_form()
    north_key, south_key = stratum_key(form.pk, north.pk), stratum_key(form.pk, south.pk)
    client = client_for(actor)
    page = client.get(reverse("panel:survey", args=[survey.pk]))
    assert sorted((key, count) for key, _label, count in page.context["strata"]) == [(north_key, 3), (south_key, 1)]
    response = client.post(reverse("panel:survey_draw", args=[survey.pk]), {
        "mode": "stratified", SurveyDrawForm.size_field(north_key): 2, SurveyDrawForm.size_field(south_key): 0})
    assert response["Location"] == reverse("panel:survey", args=[survey.pk])
    assert _messages(response) == ["Dragningen är gjord: 2 medlemmar. Kontrollera den och skicka inbjudningarna."]
    draw = Draw.objects.get(survey=survey)
    assert list(draw.picks.values_list("stratum", flat=True)) == [north_key, north_key]
    assert AuditEvent.objects.filter(action="panel.survey_draw", actor=actor).exists()
    page = client.get(reverse("panel:survey", args=[survey.pk]))
    current = page.context["current"]
    assert current["draw"] == draw and current["repeats"] is True and current["picked"] == 2
    assert str(draw.seed) in page.content.decode()


def test_the_page_warns_when_the_draw_does_not_repeat(client_for):
    actor = coordinator()
    for _i in range(2):
        MemberFactory()
    survey = _survey(actor)
    draw = survey_draw(survey=survey, actor=actor)
    draw.candidates = list(reversed(draw.candidates))  # as if the stored candidates had been changed
    draw.save(update_fields=["candidates"])
    page = client_for(actor).get(reverse("panel:survey", args=[survey.pk]))
    assert page.context["current"]["repeats"] is False
    assert "Varning" in page.content.decode()


def test_a_stratified_draw_with_no_sizes_is_refused_and_draws_nothing(client_for):
    MemberFactory()
    survey = _survey(coordinator())
    response = client_for(coordinator()).post(reverse("panel:survey_draw", args=[survey.pk]), {"mode": "stratified"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Draw.objects.exists()


def test_a_draw_of_everyone_then_send_needs_the_confirmation_then_invites(client_for):
    actor = coordinator()
    members = [MemberFactory() for _i in range(3)]
    survey = _survey(actor)
    client = client_for(actor)
    client.post(reverse("panel:survey_draw", args=[survey.pk]), {"mode": "all"})
    assert Draw.objects.get(survey=survey).picks.count() == 3
    refused = client.post(reverse("panel:survey_send", args=[survey.pk]))
    assert _messages(refused)[-1:] == ["Kryssa i rutan för att bekräfta att inbjudningarna ska skickas."]
    assert not Invitation.objects.exists()
    response = client.post(reverse("panel:survey_send", args=[survey.pk]), {"confirm": "yes"})
    assert response["Location"] == reverse("panel:survey", args=[survey.pk])
    assert _messages(response)[-1:] == ["Enkäten är skickad: 3 medlemmar bjöds in."]
    assert set(Invitation.objects.values_list("user", flat=True)) == {m.user_id for m in members}
    assert AuditEvent.objects.filter(action="panel.survey_send", actor=actor).exists()
    again = client.post(reverse("panel:survey_draw", args=[survey.pk]), {"mode": "all"})
    assert again.status_code == 200
    assert Draw.objects.filter(survey=survey).count() == 1


def test_remind_reminds_those_who_have_not_answered(client_for):
    actor = coordinator()
    survey, members = _sent(actor, 2)
    invitation = Invitation.objects.get(survey=survey, user=members[0].user)
    survey_answer(token=invitation_token(invitation), answers={str(survey.questions.get().pk): "3"})
    response = client_for(actor).post(reverse("panel:survey_remind", args=[survey.pk]))
    assert response["Location"] == reverse("panel:survey", args=[survey.pk])
    assert _messages(response) == ["En påminnelse skickades till 1 medlem som inte har svarat."]
    assert AuditEvent.objects.filter(action="survey.remind", actor=actor).exists()


# --- lists ---------------------------------------------------------------------------------------------------

def test_the_list_shows_state_and_counts_in_constant_queries(client_for):
    actor = coordinator()
    client = client_for(actor)
    _sent(actor, 2, "Första")
    client.get(reverse("panel:surveys"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("panel:surveys"))
    row = page.context["rows"][0]
    assert (row["invited"], row["answered"], row["state"]) == (2, 0, "open")
    for n in range(3):
        _survey(actor, f"Utkast {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("panel:surveys"))
    assert len(page.context["rows"]) == 4
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_is_paginated(client_for):
    actor = coordinator()
    for n in range(PAGE_SIZE + 1):
        _survey(actor, f"Enkät {n}")
    client = client_for(actor)
    assert len(client.get(reverse("panel:surveys")).context["rows"]) == PAGE_SIZE
    assert len(client.get(reverse("panel:surveys") + "?page=2").context["rows"]) == 1


def _sent_to_everyone(actor, title, close=False):
    survey = _survey(actor, title)
    _forget_asked()
    survey_draw(survey=survey, actor=actor)
    survey_send(survey=survey, actor=actor)
    if close:
        survey_close(survey=survey, actor=actor)
    return survey


def test_my_surveys_lists_open_with_the_answer_link_and_closed_with_results_in_constant_queries(client_for):
    actor = coordinator()
    member = MemberFactory()
    survey = _sent_to_everyone(actor, "Öppen")
    closed = [_sent_to_everyone(actor, "Stängd", close=True)]
    client = client_for(member.user)
    client.get(reverse("panel:my_surveys"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("panel:my_surveys"))
    invitation = Invitation.objects.get(survey=survey, user=member.user)
    assert reverse("surveys:answer", kwargs={"token": invitation_token(invitation)}) in page.content.decode()
    closed += [_sent_to_everyone(actor, f"Stängd {n}", close=True) for n in range(3)]
    _sent_to_everyone(actor, "Öppen två")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("panel:my_surveys"))
    html = page.content.decode()
    assert len(page.context["open_rows"]) == 2
    assert {i.survey for i in page.context["page_obj"]} == set(closed)
    for other in closed:
        assert reverse("panel:survey_results", args=[other.pk]) in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_answered_open_survey_has_no_answer_link(client_for):
    actor = coordinator()
    survey, (member,) = _sent(actor, 1)
    invitation = Invitation.objects.get(survey=survey, user=member.user)
    token = invitation_token(invitation)
    survey_answer(token=token, answers={str(survey.questions.get().pk): "3"})
    page = client_for(member.user).get(reverse("panel:my_surveys"))
    assert page.context["open_rows"][0]["answer_url"] is None
    assert reverse("surveys:answer", kwargs={"token": token}) not in page.content.decode()

# --- results and export ------------------------------------------------------------------------------------

def test_results_are_refused_before_the_survey_closes(client_for):
    survey, (member,) = _sent(coordinator(), 1)
    response = client_for(member.user).get(reverse("panel:survey_results", args=[survey.pk]))
    assert response["Location"] == reverse("panel:my_surveys")
    assert _messages(response) == ["Resultatet visas när enkäten har stängt."]


def test_results_are_refused_to_someone_not_invited(client_for):
    survey, _members = _closed(coordinator(), 5)
    assert client_for(MemberFactory().user).get(reverse("panel:survey_results", args=[survey.pk])).status_code == 403
    assert client_for(teacher()).get(reverse("panel:survey_results", args=[survey.pk])).status_code == 403


def test_four_answers_give_no_figures_to_the_member(client_for):
    survey, members = _closed(coordinator(), 4)
    response = client_for(members[-1].user).get(reverse("panel:survey_results", args=[survey.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["results"].suppressed
    assert "Hur mycket läxor?" not in html
    assert "Färre än 5 svarade" in html


def test_five_answers_give_figures_with_bars_and_hidden_cells(client_for):
    survey, members = _closed(coordinator(), 5)
    response = client_for(members[-1].user).get(reverse("panel:survey_results", args=[survey.pk]))
    html = response.content.decode()
    (chart,) = response.context["charts"]
    bars = {bar["label"]: bar for bar in chart["bars"]}
    assert (str(bars["4"]["count"]), bars["4"]["percent"]) == ("5", 100)
    assert bars["3"]["percent"] is None and str(bars["3"]["count"]) == "färre än 5"
    assert "width: 100%" in html
    assert "färre än 5" in html
    assert "<caption>" in html


def _sheet(response):
    return [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()]


def test_the_export_respects_the_threshold(client_for):
    actor = coordinator()
    few, _members = _closed(actor, 4)
    _forget_asked()
    enough, _members = _closed(actor, 5)
    client = client_for(actor)
    rows = _sheet(client.get(reverse("panel:survey_export", args=[few.pk])))
    assert [row[0::2] for row in rows[1:]] == [["Svar", "4"]]
    assert not any("Hur mycket läxor?" in str(row) for row in rows)
    rows = _sheet(client.get(reverse("panel:survey_export", args=[enough.pk])))
    assert ["Hur mycket läxor?", "4", "5"] in rows
    assert ["Hur mycket läxor?", "1", "färre än 5"] in rows


def test_the_export_is_refused_before_the_survey_closes(client_for):
    actor = coordinator()
    survey, _members = _sent(actor, 1)
    response = client_for(actor).get(reverse("panel:survey_export", args=[survey.pk]))
    assert response["Location"] == reverse("panel:survey", args=[survey.pk])
