"""The coordinators' survey builder: its services (each rule) and its pages (access and wiring)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from inspira.core.models import AuditEvent, OutboxItem
from inspira.programmes.services import programme_set_active
from inspira.surveys import services
from inspira.surveys.models import Choice, Question, Survey
from inspira.surveys.services import SurveyError
from tests.factories import (
    ChoiceFactory,
    InvitationFactory,
    ProgrammeCoordinatorFactory,
    QuestionFactory,
    SurveyFactory,
    UserFactory,
    evaluation_survey,
    programme,
)


@pytest.fixture(autouse=True)
def _english():
    """Errors in English, so the assertions read the msgids; the pages' Swedish is checked on its own."""
    with translation.override("en"):
        yield


def draft(**fields):
    survey, *questions = evaluation_survey(opens_at=None, **fields)
    return survey, questions


def texts(survey):
    return list(survey.questions.order_by("position").values_list("text", flat=True))


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- Services ------------------------------------------------------------------------------------------------

def test_closing_midnight_follows_the_last_day_across_both_clock_changes():
    # The last Sundays of March and October 2026: the next midnight is 22:00 and 23:00 UTC.
    spring = services.closes_at_for(date(2026, 3, 29))
    autumn = services.closes_at_for(date(2026, 10, 25))
    assert spring == datetime(2026, 3, 29, 22, tzinfo=UTC)
    assert autumn == datetime(2026, 10, 25, 23, tzinfo=UTC)
    assert Survey(closes_at=spring).last_day == date(2026, 3, 29)
    assert Survey(closes_at=autumn).last_day == date(2026, 10, 25)


def test_a_survey_cannot_be_made_or_changed_to_close_in_the_past(db, administrator):
    with pytest.raises(SurveyError) as refused:
        services.survey_create(programme=programme("tailor_made"), title="Sen", actor=administrator,
                               closes_at=timezone.now() - timedelta(minutes=1))
    assert refused.value.field == "closes_at"
    survey, _questions = draft()
    with pytest.raises(SurveyError):
        services.survey_update(survey=survey, actor=administrator, title="Ny", intro="",
                               closes_at=timezone.now() - timedelta(minutes=1))


def test_survey_update_changes_a_draft_only_with_an_audit_row(db, administrator):
    survey, _questions = draft()
    closes = services.closes_at_for(timezone.localdate() + timedelta(days=30))
    services.survey_update(survey=survey, actor=administrator, title="Ny titel", intro="Hej", closes_at=closes)
    survey.refresh_from_db()
    assert (survey.title, survey.intro, survey.closes_at) == ("Ny titel", "Hej", closes)
    assert actions() == ["survey.update"]
    opened = SurveyFactory()
    with pytest.raises(SurveyError):
        services.survey_update(survey=opened, actor=administrator, title="X", intro="", closes_at=closes)


def test_question_add_puts_the_question_last_and_writes_an_audit_row(db, administrator):
    survey, questions = draft()
    services.question_remove(question=questions[0], actor=administrator)
    added = services.question_add(survey=survey, actor=administrator, kind="multiple", text="Vad saknades?",
                                  choices=[" Tid ", "", "Fika"])
    assert added.position == 4
    assert list(added.choices.values_list("text", flat=True)) == ["Tid", "Fika"]
    assert actions() == ["survey.question_remove", "survey.question_add"]


def test_choices_are_checked_for_every_kind(db, administrator):
    survey, questions = draft()
    for kind, choices, field in [("single", ["Bara en"], "choices"), ("scale", ["1", "2"], "choices"),
                                 ("multiple", ["Ja", "ja"], "choices"), ("other", [], "kind")]:
        with pytest.raises(SurveyError) as refused:
            services.question_add(survey=survey, actor=administrator, kind=kind, text="?", choices=choices)
        assert refused.value.field == field
    assert survey.questions.count() == 4


def test_question_update_replaces_text_kind_and_choices_in_their_new_order(db, administrator):
    survey, (single, multiple, scale, text) = draft()
    services.question_update(question=single, actor=administrator, kind="multiple", text="Skolformer?",
                             required=False, choices=["Gymnasieskola", "Förskola"])
    single.refresh_from_db()
    assert (single.kind, single.text, single.required) == ("multiple", "Skolformer?", False)
    assert list(single.choices.order_by("position").values_list("text", "position")) == [
        ("Gymnasieskola", 1), ("Förskola", 2)]
    services.question_update(question=multiple, actor=administrator, kind="text", text="Vad var givande?",
                             required=False)
    assert not Choice.objects.filter(question=multiple).exists()
    assert actions() == ["survey.question_update", "survey.question_update"]


def test_question_remove_closes_the_gap(db, administrator):
    survey, (single, multiple, scale, text) = draft()
    services.question_remove(question=multiple, actor=administrator)
    assert list(survey.questions.order_by("position").values_list("pk", "position")) == [
        (single.pk, 1), (scale.pk, 2), (text.pk, 3)]
    assert actions() == ["survey.question_remove"]


def test_question_move_swaps_with_the_neighbour_and_stops_at_the_ends(db, administrator):
    survey, (single, multiple, scale, text) = draft()
    services.question_move(question=scale, actor=administrator, up=True)
    assert texts(survey) == [single.text, scale.text, multiple.text, text.text]
    services.question_move(question=single, actor=administrator, up=False)
    assert texts(survey) == [scale.text, single.text, multiple.text, text.text]
    with pytest.raises(SurveyError, match="already first"):
        services.question_move(question=scale, actor=administrator, up=True)
    with pytest.raises(SurveyError, match="already last"):
        services.question_move(question=text, actor=administrator, up=False)
    assert actions() == ["survey.question_move", "survey.question_move"]


def test_nothing_about_the_questions_changes_once_the_survey_is_open(db, administrator):
    survey, (single, multiple, scale, text) = draft()
    services.survey_open(survey=survey, actor=administrator)
    for change in (
        lambda: services.question_add(survey=survey, actor=administrator, kind="scale", text="Ny?"),
        lambda: services.question_update(question=single, actor=administrator, kind="scale", text="Ny?",
                                         required=True),
        lambda: services.question_remove(question=text, actor=administrator),
        lambda: services.question_move(question=scale, actor=administrator, up=True),
    ):
        with pytest.raises(SurveyError, match="only be changed while the survey is a draft"):
            change()
    assert texts(survey) == [single.text, multiple.text, scale.text, text.text]
    assert single.choices.count() == 3


def test_inviting_and_reminding_by_a_person_write_audit_rows_with_numbers_only(db, administrator):
    survey, *_ = evaluation_survey()
    people = [UserFactory(), UserFactory()]
    services.survey_invite(survey=survey, users=people, actor=administrator)
    services.survey_invite(survey=survey, users=people, actor=administrator)  # nobody new: no row
    assert services.survey_remind(survey=survey, actor=administrator) == 2
    assert services.survey_remind(survey=survey, actor=administrator) == 0  # reminded today: no row
    rows = list(AuditEvent.objects.order_by("pk").values_list("action", "data"))
    assert rows == [("survey.invite", {"invited": 2}), ("survey.remind", {"reminded": 2})]
    assert not any(p.email in str(rows) for p in people)


# --- Pages ---------------------------------------------------------------------------------------------------

@pytest.fixture
def tailor_made(administrator):
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made, user=UserFactory(name="Siv Samordnare")).user


@pytest.fixture
def other_coordinator(db):
    """Coordinates the inspiration sites (on by default), not tailor-made development."""
    return ProgrammeCoordinatorFactory(programme=programme("inspiration_sites"), user=UserFactory()).user


def test_a_coordinator_builds_opens_reminds_and_closes_a_survey(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    last_day = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("surveys:create"), {
        "programme": tailor_made.pk, "title": "Utvärdering av studiedagen", "intro": "Tack!",
        "last_day": last_day.isoformat()})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("surveys:detail", args=[survey.pk])
    assert survey.last_day == last_day and survey.created_by == coordinator

    add = reverse("surveys:question_add", args=[survey.pk])
    client.post(add, {"kind": "scale", "text": "Hur nöjd är du?", "required": "on"})
    client.post(add, {"kind": "single", "text": "Skolform?", "required": "on", "choices": "Förskola\nGrundskola"})
    first, second = survey.questions.order_by("position")
    client.post(reverse("surveys:question_move", args=[survey.pk, second.pk]), {"direction": "up"})
    assert texts(survey) == ["Skolform?", "Hur nöjd är du?"]
    client.post(reverse("surveys:question_edit", args=[survey.pk, first.pk]),
                {"kind": "scale", "text": "Hur nöjd är du med dagen?", "required": "on"})
    preview = client.get(reverse("surveys:preview", args=[survey.pk])).content.decode()
    assert "Hur nöjd är du med dagen?" in preview and "Grundskola" in preview
    assert 'type="submit"' not in preview.split("<main", 1)[-1]

    response = client.post(reverse("surveys:open", args=[survey.pk]), follow=True)
    survey.refresh_from_db()
    assert survey.state() == Survey.State.OPEN
    assert "Enkäten är öppen" in response.content.decode()
    InvitationFactory(survey=survey, invited_at=timezone.now() - timedelta(days=2))
    response = client.post(reverse("surveys:remind", args=[survey.pk]), follow=True)
    assert "En påminnelse är skickad till 1 person." in response.content.decode()
    client.post(reverse("surveys:close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.state() == Survey.State.CLOSED
    detail = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert reverse("surveys:results", args=[survey.pk]) in detail
    assert [a for a in actions() if a.startswith("survey.")] == [
        "survey.create", "survey.question_add", "survey.question_add", "survey.question_move",
        "survey.question_update", "survey.open", "survey.remind", "survey.close"]


def test_errors_are_shown_at_their_fields(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    response = client.post(reverse("surveys:create"), {"programme": tailor_made.pk, "title": " ",
                                                       "last_day": "2001-01-01"})
    assert set(response.context["form"].errors) == {"title", "last_day"}
    survey, _questions = draft(programme=tailor_made)
    response = client.post(reverse("surveys:question_add", args=[survey.pk]),
                           {"kind": "single", "text": "Skolform?", "choices": "Förskola"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["choices"]
    assert 'id="error_1_id_choices"' in response.content.decode()


def test_removing_a_question_asks_first(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    survey, (single, *_rest) = draft(programme=tailor_made)
    url = reverse("surveys:question_remove", args=[survey.pk, single.pk])
    assert single.text in client.get(url).content.decode()
    assert Question.objects.filter(pk=single.pk).exists()
    assert client.post(url).status_code == 302
    assert not Question.objects.filter(pk=single.pk).exists()


def test_an_open_survey_sends_the_builder_back_with_a_message(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    survey, *_ = evaluation_survey(programme=tailor_made)
    question = survey.questions.first()
    for url in (reverse("surveys:edit", args=[survey.pk]), reverse("surveys:question_add", args=[survey.pk]),
                reverse("surveys:question_edit", args=[survey.pk, question.pk]),
                reverse("surveys:question_remove", args=[survey.pk, question.pk])):
        response = client.post(url, {"kind": "scale", "text": "Ny?", "title": "Ny", "last_day": "2099-01-01"})
        assert response.status_code == 302 and response["Location"] == reverse("surveys:detail", args=[survey.pk])
    assert texts(survey)[0] == question.text and Survey.objects.get().title == survey.title


def test_a_coordinator_of_another_programme_is_refused_everywhere(client_for, other_coordinator, tailor_made):
    survey, (single, *_rest) = draft(programme=tailor_made)
    client = client_for(other_coordinator)
    for name, args in [("detail", [survey.pk]), ("edit", [survey.pk]), ("preview", [survey.pk]),
                       ("question_add", [survey.pk]), ("question_edit", [survey.pk, single.pk]),
                       ("question_remove", [survey.pk, single.pk])]:
        assert client.get(reverse(f"surveys:{name}", args=args)).status_code == 403, name
    for name, args in [("question_move", [survey.pk, single.pk]), ("open", [survey.pk]), ("close", [survey.pk]),
                       ("remind", [survey.pk]), ("question_remove", [survey.pk, single.pk])]:
        assert client.post(reverse(f"surveys:{name}", args=args), {"direction": "down"}).status_code == 403, name
    assert survey.state() == Survey.State.DRAFT and survey.questions.count() == 4
    # Nor may they put a survey in a programme they do not coordinate.
    response = client.post(reverse("surveys:create"), {"programme": tailor_made.pk, "title": "X",
                                                       "last_day": "2099-01-01"})
    assert response.status_code == 200 and "programme" in response.context["form"].errors
    listed = client.get(reverse("surveys:manage")).content.decode()
    assert survey.title not in listed


def test_people_who_coordinate_nothing_get_no_list(client_for, db):
    assert client_for(UserFactory()).get(reverse("surveys:manage")).status_code == 403
    assert client_for(UserFactory()).get(reverse("surveys:create")).status_code == 403


def test_a_switched_off_programme_hides_its_surveys(client_for, coordinator, tailor_made, administrator):
    survey, _questions = draft(programme=tailor_made)
    programme_set_active(programme=tailor_made, active=False, actor=administrator)
    assert client_for(administrator).get(reverse("surveys:detail", args=[survey.pk])).status_code == 404


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_a_constant_number_of_queries(client_for, coordinator, tailor_made):
    client = client_for(coordinator)
    SurveyFactory(programme=tailor_made)
    client.get(reverse("surveys:manage"))  # the first page of a session fills caches (programmes that are on)
    few = _count_queries(client, reverse("surveys:manage"))
    for _ in range(30):
        survey = SurveyFactory(programme=tailor_made)
        ChoiceFactory(question=QuestionFactory(survey=survey, kind="single"))
    assert _count_queries(client, reverse("surveys:manage")) == few
    assert _count_queries(client, reverse("surveys:manage") + "?page=2") == few


def test_the_builder_speaks_swedish(client_for, coordinator, tailor_made):
    survey, _questions = draft(programme=tailor_made)
    with translation.override("sv"):
        html = client_for(coordinator).get(reverse("surveys:detail", args=[survey.pk]),
                                           HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    for words in ("Lägg till en fråga", "Flytta upp", "Öppna enkäten", "Förhandsgranska", "Tillbaka till enkäterna"):
        assert words in html
    assert not OutboxItem.objects.exists()
