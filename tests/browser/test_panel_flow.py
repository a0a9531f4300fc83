"""The teacher panel in Chromium, as the people walk it (issue 16): a teacher joins through the form, answers
a short survey through the emailed link, sends a question to a chat that the moderator approves and the
leader answers in writing, supports another member's question, and shares a good example that a
coordinator takes up and publishes on the panel's public page. axe-core checks every page on the way.
Each person has a browser context of their own.

Made by factories or services instead of the pages, and why: the people and schools (signing up is tested
elsewhere); the chat, running now, and another member's approved question (the chat's pages for the
coordinators are tested in tests/panel); the survey, drawn and sent by the panel's services (its pages
are tested in tests/panel).
"""

import re
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspira.core.models import OutboxItem
from inspira.panel import surveys as panel_surveys
from inspira.panel.forms_members import JoinForm
from inspira.panel.forms_submissions import HandleForm, SubmissionForm
from inspira.panel.models import ChatQuestion, Member, Submission
from inspira.surveys import services as engine
from inspira.surveys.models import Invitation, Question
from tests.browser.conftest import new_page
from tests.browser.helpers import assert_accessible
from tests.browser.test_benchmarking_flow import expect_message, open_page
from tests.browser.test_certification_flow import click, label, sv
from tests.factories import DistrictFactory, SchoolFactory, UserFactory
from tests.panel.factories import ChatFactory, ChatQuestionFactory, chat_event, coordinator, school_form, teacher

pytestmark = pytest.mark.browser


def join(page: Page, live_server) -> None:
    """From the menu to the panel's page, and the form."""
    page.get_by_role("navigation").get_by_role("link", name=sv("Teacher panel"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("panel:index"))
    assert_accessible(page)
    click(page, "Join the teacher panel", role="link")
    page.wait_for_url(live_server.url + reverse("panel:join"))
    assert_accessible(page)
    main = page.locator("main")
    main.get_by_label(label(JoinForm, "school_form")).select_option(label=sv("Compulsory school"))
    main.get_by_label(label(JoinForm, "district")).select_option(label="Södermalm")
    main.get_by_label(label(JoinForm, "frequency_days")).select_option(value="30")
    main.get_by_role("group", name=re.compile(re.escape(sv(JoinForm.base_fields["focus_groups"].label)))).get_by_label(
        sv("Yes"), exact=True).check()
    main.get_by_label(label(JoinForm, "consent")).check()
    click(page, "Join the teacher panel")
    page.wait_for_url(live_server.url + reverse("panel:membership"))
    expect_message(page, "Welcome to the teacher panel.")
    assert_accessible(page)


def answer_survey(page: Page, live_server, invitation: Invitation) -> None:
    email = OutboxItem.objects.get(key=f"survey-invitation:{invitation.pk}")
    assert email.state == OutboxItem.State.DONE, email.last_error
    prefix = live_server.url + reverse("surveys:answer", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(prefix) + r"\S+/", email.payload["text"])
    assert len(links) == 1, email.payload["text"]
    page.goto(links[0])
    assert_accessible(page)
    page.locator("main").locator("fieldset").nth(0).get_by_label("4", exact=True).check()
    click(page, "Send my answers")
    expect(page.locator("main")).to_contain_text(sv("Thank you for your answers"))
    assert_accessible(page)


def test_a_teacher_takes_part_in_the_panel(browser, live_server, settings):
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    district = DistrictFactory(name="Södermalm")
    school = SchoolFactory(name="Katarina Södra skola", district=district)
    school.school_forms.add(school_form())
    person = teacher(school, name="Klara Lärare", email="klara@example.se")
    panel_coordinator = coordinator()
    leader = UserFactory(name="Sara Skolborgarråd", email="skolborgarrad@example.se")
    now = timezone.now()
    chat = ChatFactory(event=chat_event(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=50)))
    chat.leaders.add(leader)
    other = ChatQuestionFactory(chat=chat, state=ChatQuestion.State.APPROVED,
                                text="Hur ska vi få fler behöriga lärare i fritidshemmet?")

    with ExitStack() as stack:
        page = open_page(browser, live_server, stack, person)
        join(page, live_server)
        member = Member.objects.get(user=person, ended_at__isnull=True)
        assert member.consent_text.version == 1 and member.district == district

        # A short survey to every member; the teacher answers through the emailed link.
        survey = panel_surveys.panel_survey_create(
            title="Kort enkät om läxor", closes_at=now + timedelta(days=7), actor=panel_coordinator)
        engine.question_add(survey=survey, kind=Question.Kind.SCALE, text="Hur väl fungerar läxorna?")
        panel_surveys.survey_draw(survey=survey, actor=panel_coordinator)
        # Every member: the teacher and the member who asked the chat's other question.
        assert panel_surveys.survey_send(survey=survey, actor=panel_coordinator) == 2
        answer_survey(page, live_server, Invitation.objects.get(survey=survey, user=person))
        assert Invitation.objects.get(survey=survey, user=person).answered

        # The chat: a question of her own, and support for another member's.
        page.goto(reverse("panel:chat", args=[chat.pk]))
        assert_accessible(page)
        page.locator("main").get_by_label(sv("Your question"), exact=True).fill(
            "När får lärarna mer tid för planering?")
        click(page, "Send question")
        expect_message(page, "Your question was sent. The moderator reads it before it is shown.")
        page.locator("main").get_by_role("button", name=sv("Support")).first.click()
        expect_message(page, "You support the question.")
        assert other.supports.filter(user=person).count() == 1
        assert_accessible(page)

        moderator = open_page(browser, live_server, stack, panel_coordinator)
        moderator.goto(reverse("panel:chat_moderate", args=[chat.pk]))
        assert_accessible(moderator)
        click(moderator, "Approve")
        expect_message(moderator, "The question was updated.")
        mine = ChatQuestion.objects.get(chat=chat, author=person)
        assert mine.state == ChatQuestion.State.APPROVED

        lead = open_page(browser, live_server, stack, leader)
        lead.goto(reverse("panel:chat_lead", args=[chat.pk]))
        assert_accessible(lead)
        item = lead.locator("main li").filter(has_text="När får lärarna mer tid för planering?")
        item.get_by_label(sv("Your answer")).fill("Vi ser över planeringstiden i alla skolor i vår.")
        item.get_by_role("button", name=sv("Publish answer")).click()
        expect_message(lead, "Your answer was published.")
        mine.refresh_from_db()
        assert mine.state == ChatQuestion.State.ANSWERED
        # The teacher's page shows the answer by itself (polling), without a reload.
        expect(page.locator("#chat-feed")).to_contain_text("Vi ser över planeringstiden", timeout=15_000)

        # A good example, taken up and published by the coordinator.
        page.goto(reverse("panel:submission_new"))
        assert_accessible(page)
        main = page.locator("main")
        main.get_by_label(sv(Submission.Kind.EXAMPLE.label), exact=True).check()
        main.get_by_label(label(SubmissionForm, "title")).fill("Läsloggar i alla ämnen")
        main.get_by_label(label(SubmissionForm, "body")).fill("Eleverna skriver i en läslogg efter varje lektion.")
        main.get_by_label(label(SubmissionForm, "show_name")).check()
        click(page, "Send")
        example = Submission.objects.get(author=person)
        expect(page.locator("main")).to_contain_text(sv("Thank you! We have received it and answer by %(date)s.")
                                                     .split("%(date)s")[0].strip())
        assert_accessible(page)

        moderator.goto(reverse("panel:submission_handle", args=[example.pk]))
        assert_accessible(moderator)
        moderator.locator("main").get_by_label(sv(Submission.State.TAKEN_UP.label), exact=True).check()
        moderator.locator("main").get_by_label(label(HandleForm, "answer")).fill(
            "Vi berättar om arbetssättet i nästa nyhetsbrev.")
        click(moderator, "Save")
        expect_message(moderator, "The state has been changed.")
        moderator.goto(reverse("panel:submission", args=[example.pk]))
        assert_accessible(moderator)
        click(moderator, "Publish on the public page")
        expect_message(moderator, "The good example is published on the panel's public page.")

        visitor = new_page(browser, live_server)
        stack.callback(visitor.context.close)
        visitor.goto(reverse("panel:examples"))
        expect(visitor.locator("main")).to_contain_text("Läsloggar i alla ämnen")
        expect(visitor.locator("main")).to_contain_text("Klara Lärare")
        assert_accessible(visitor)
