import datetime

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.events import questions as q
from inspira.events.models import Registration, RegistrationQuestion
from inspira.events.rules import EventInputError
from inspira.privacy.retention import apply_retention
from inspira.programmes.services import programme_set_active
from tests.factories import (
    EventFactory,
    ProgrammeCoordinatorFactory,
    RegistrationFactory,
    SchoolFactory,
    UserFactory,
    programme,
)

pytestmark = pytest.mark.django_db
DIET = {"text": "Har du någon specialkost?", "help_text": "T.ex. vegetarisk", "kind": "text", "options": "",
        "required": False}
LUNCH = {"text": "Äter du lunch?", "help_text": "", "kind": "yes_no", "options": "", "required": True}
WORKSHOP = {"text": "Vilken workshop?", "help_text": "", "kind": "choice", "options": "Läsning\n\n Matematik \n",
            "required": True}


@pytest.fixture
def tailor_made(administrator):
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made, user=UserFactory(name="Pia Pedagog")).user


@pytest.fixture
def event(tailor_made):
    return EventFactory(programme=tailor_made, title="Läsfrämjande")


# --- The services -------------------------------------------------------------------------------------------------

def test_questions_are_added_changed_and_removed_with_audit_rows(event, coordinator):
    diet = q.question_create(event=event, actor=coordinator, **DIET)
    lunch = q.question_create(event=event, actor=coordinator, **LUNCH)
    workshop = q.question_create(event=event, actor=coordinator, **WORKSHOP)
    assert [x.pk for x in q.event_questions(event)] == [diet.pk, lunch.pk, workshop.pk]
    assert workshop.option_list == ["Läsning", "Matematik"] and workshop.options == "Läsning\nMatematik"
    q.question_update(question=diet, actor=coordinator, **(DIET | {"required": True}))
    q.question_update(question=lunch, actor=coordinator, **LUNCH)  # unchanged: no row
    q.question_delete(question=lunch, actor=coordinator)
    assert list(AuditEvent.objects.filter(action__startswith="registration_question").order_by("pk")
                .values_list("action", "actor")) == [
        ("registration_question.created", coordinator.pk), ("registration_question.created", coordinator.pk),
        ("registration_question.created", coordinator.pk), ("registration_question.updated", coordinator.pk),
        ("registration_question.deleted", coordinator.pk)]
    assert RegistrationQuestion.objects.get(pk=diet.pk).required is True
    assert not RegistrationQuestion.objects.filter(pk=lunch.pk).exists()


def test_the_questions_are_locked_once_anyone_has_registered(event, coordinator):
    diet = q.question_create(event=event, actor=coordinator, **DIET)
    # Even a cancelled registration: its answers were given to the questions as they were.
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    assert q.questions_may_change(event=event) is False
    for action in (lambda: q.question_create(event=event, actor=coordinator, **LUNCH),
                   lambda: q.question_update(question=diet, actor=coordinator, **(DIET | {"text": "Allergier?"})),
                   lambda: q.question_delete(question=diet, actor=coordinator)):
        with pytest.raises(q.QuestionError):
            action()
    assert RegistrationQuestion.objects.get().text == DIET["text"]


def test_a_cancelled_events_questions_cannot_change(event, coordinator):
    from inspira.events.services import event_cancel

    event_cancel(event=event, actor=coordinator, reason="Sjukdom")
    with pytest.raises(q.QuestionError):
        q.question_create(event=event, actor=coordinator, **DIET)


def test_question_rules():
    assert set(q.question_errors(DIET | {"text": "  "})) == {"text"}
    assert set(q.question_errors(WORKSHOP | {"options": "Läsning"})) == {"options"}
    assert set(q.question_errors(WORKSHOP | {"options": "A\nA"})) == {"options"}
    assert set(q.question_errors(DIET | {"options": "A\nB"})) == {"options"}
    assert q.question_errors(WORKSHOP) == {}


def test_an_event_has_at_most_twenty_questions(event, coordinator):
    for n in range(q.MAX_QUESTIONS):
        q.question_create(event=event, actor=coordinator, **(DIET | {"text": f"Fråga {n}"}))
    with pytest.raises(q.QuestionError):
        q.question_create(event=event, actor=coordinator, **DIET)


def test_a_bad_question_is_refused_by_the_service_too(event, coordinator):
    with pytest.raises(EventInputError):
        q.question_create(event=event, actor=coordinator, **(WORKSHOP | {"options": ""}))
    assert not RegistrationQuestion.objects.exists()


# --- The fields for a registration form ------------------------------------------------------------------------

def _questions(event, coordinator):
    return [q.question_create(event=event, actor=coordinator, **fields) for fields in (DIET, LUNCH, WORKSHOP)]


def test_any_form_asks_the_questions_and_gives_the_answers(event, coordinator):
    diet, lunch, workshop = _questions(event, coordinator)

    class RegistrationForm(forms.Form):
        name = forms.CharField()

    form = RegistrationForm()
    q.add_question_fields(form, event)
    fields = form.fields
    assert list(fields) == ["name", f"question_{diet.pk}", f"question_{lunch.pk}", f"question_{workshop.pk}"]
    assert (fields[f"question_{diet.pk}"].label, fields[f"question_{diet.pk}"].help_text,
            fields[f"question_{diet.pk}"].required) == (DIET["text"], "T.ex. vegetarisk", False)
    assert fields[f"question_{lunch.pk}"].required and fields[f"question_{workshop.pk}"].required
    html = str(form)
    assert f'for="id_question_{diet.pk}"' in html and "Matematik" in html

    form = RegistrationForm({"name": "Ada", f"question_{lunch.pk}": "yes", f"question_{workshop.pk}": "Matematik",
                             f"question_{diet.pk}": ""})
    q.add_question_fields(form, event)
    assert form.is_valid(), form.errors
    assert q.answers_from(form, event) == {str(lunch.pk): "Ja", str(workshop.pk): "Matematik"}


def test_required_questions_and_unknown_choices_are_refused(event, coordinator):
    _diet, lunch, workshop = _questions(event, coordinator)
    form = forms.Form({f"question_{workshop.pk}": "Slöjd"})
    q.add_question_fields(form, event)
    assert not form.is_valid()
    assert set(form.errors) == {f"question_{lunch.pk}", f"question_{workshop.pk}"}


# --- The organisers' pages ---------------------------------------------------------------------------------------

def test_a_coordinator_adds_changes_and_removes_questions_on_the_pages(client_for, coordinator, event):
    client = client_for(coordinator)
    response = client.post(reverse("events:question_create", args=[event.pk]), DIET)
    question = RegistrationQuestion.objects.get()
    assert response.url == reverse("events:questions", args=[event.pk])
    assert "Har du någon specialkost?" in client.get(reverse("events:questions", args=[event.pk])).content.decode()
    response = client.post(reverse("events:question_create", args=[event.pk]), WORKSHOP | {"options": "Bara en"})
    assert response.status_code == 200 and response.context["form"].errors["options"]
    client.post(reverse("events:question_edit", args=[event.pk, question.pk]), DIET | {"text": "Allergier?"})
    assert RegistrationQuestion.objects.get().text == "Allergier?"
    assert "Vill du ta bort frågan" in client.get(
        reverse("events:question_delete", args=[event.pk, question.pk])).content.decode()
    client.post(reverse("events:question_delete", args=[event.pk, question.pk]))
    assert not RegistrationQuestion.objects.exists()


def test_the_pages_say_why_the_questions_cannot_change(client_for, coordinator, event):
    question = q.question_create(event=event, actor=coordinator, **DIET)
    RegistrationFactory(event=event)
    client = client_for(coordinator)
    page = client.get(reverse("events:questions", args=[event.pk])).content.decode()
    assert "kan inte längre ändras" in page and reverse("events:question_create", args=[event.pk]) not in page
    response = client.post(reverse("events:question_edit", args=[event.pk, question.pk]), DIET | {"text": "Ny"})
    assert response.status_code == 200 and RegistrationQuestion.objects.get().text == DIET["text"]


def test_only_the_events_organisers_see_the_answers(client_for, coordinator, event, administrator):
    diet = q.question_create(event=event, actor=coordinator, **DIET)
    RegistrationFactory(event=event, answers={str(diet.pk): "Glutenfri"}, user=UserFactory(name="Ada Lärare"))
    url = reverse("events:answers", args=[event.pk])
    page = client_for(coordinator).get(url).content.decode()
    assert "Glutenfri" in page and "Ada Lärare" in page
    programme_set_active(programme=programme("benchmarking"), active=True, actor=administrator)
    other = ProgrammeCoordinatorFactory(programme=programme("benchmarking")).user
    assert client_for(other).get(url).status_code == 403
    assert client_for(UserFactory()).get(url).status_code == 403
    # A question on another event is not reachable through this one.
    elsewhere = EventFactory(programme=event.programme)
    assert client_for(coordinator).get(
        reverse("events:question_edit", args=[elsewhere.pk, diet.pk])).status_code == 404


def test_the_answers_page_takes_the_same_queries_however_many_answered(client_for, coordinator, event):
    diet, lunch, workshop = _questions(event, coordinator)
    client = client_for(coordinator)
    url = reverse("events:answers", args=[event.pk])

    def add(n):
        for _ in range(n):
            RegistrationFactory(event=event, school=SchoolFactory(), answers={str(diet.pk): "Vegan",
                                                                               str(workshop.pk): "Läsning"})

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(1)
    count()  # the first request of a session fills caches
    few = count()
    add(6)
    assert count() == few
    page = client.get(url).content.decode()
    assert page.count("Vegan") == 7 and "Inget svar" in page  # nobody answered the lunch question


# --- Retention ---------------------------------------------------------------------------------------------------

def test_answers_are_emptied_thirty_days_after_the_event_and_the_registration_stays(event, settings):
    assert settings.RETENTION_EVENT_ANSWERS_DAYS == 30
    ends = event.ends_at
    old = RegistrationFactory(event=event, answers={"1": "Vegan"}, walk_in_name="")
    recent_event = EventFactory(programme=event.programme, starts_at=ends + datetime.timedelta(days=2),
                                ends_at=ends + datetime.timedelta(days=2, hours=3))
    recent = RegistrationFactory(event=recent_event, answers={"1": "Laktosfri"})

    outcomes = {o.key: o for o in apply_retention(now=ends + datetime.timedelta(days=31))}
    assert (outcomes["event_answers"].found, outcomes["event_answers"].handled) == (1, 1)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.answers == {} and old.status == Registration.Status.CONFIRMED and old.user is not None
    assert recent.answers == {"1": "Laktosfri"}
    assert AuditEvent.objects.filter(action="privacy.retention", data__rule="event_answers").exists()


def test_the_answers_rule_is_off_at_zero(event, settings):
    settings.RETENTION_EVENT_ANSWERS_DAYS = 0
    registration = RegistrationFactory(event=event, answers={"1": "Vegan"})
    apply_retention(now=timezone.now() + datetime.timedelta(days=400))
    registration.refresh_from_db()
    assert registration.answers == {"1": "Vegan"}
