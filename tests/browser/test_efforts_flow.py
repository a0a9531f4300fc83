"""A tailor-made effort from the principal's request to the evaluation's summary, in Chromium, as the people
walk it (issue 15, seed 001): a principal orders an effort through the form and names a colleague for the
first meeting; a coordinator takes responsibility, books the planning meeting and writes its notes (the
proposal clock starts: the coordinator sees the deadline, the principal the date the proposal is promised
by); the coordinator presents version 1, the principal asks for changes with a comment, the coordinator
presents version 2 (its page shows what changed) and the principal accepts it; the coordinator plans a
session, the unit's staff register for it and their attendance is ticked; the coordinator creates the
evaluation of the last session, opens it and invites those who came, and five answer; the coordinator
shares the summary, the principal reads it (with the survey's results), the coordinator documents the
process and ends the effort, and the principal reads the documentation. axe-core checks every page on the
way, at desktop and phone width. Each person has a browser context of their own.

What is done through services or written to the database instead of the pages, and why:
- the people, the school, the coordinator and the development area are made by factories (signing up and
  the areas' register are tested elsewhere; the transactional test database has lost the area the
  migration adds);
- the planning meeting is moved into the past in the database after it is booked (it can only be booked
  for a time to come, and its notes can only be written once it has begun);
- one of the unit's six staff registers for the session on its page, through the link the principal got
  by email; the other five with ``events.registrations.registration_create`` (the same page again, at
  seconds apiece);
- the session is then moved into the past in the database (registering needs a session to come, ticking
  attendance and inviting to the evaluation one that has begun);
- two of the five answers go through the emailed links, three through ``surveys.services.survey_answer``
  with the same invitations' tokens (the same page again);
- the survey is closed by moving its ``closes_at`` into the past in the database: an effort's evaluation
  closes by itself at the end of its last day, two weeks after the session, and the summary can only be
  shared once it has closed (closing by hand with the survey builder's button is walked in
  test_programme_flow.py).
"""

import re
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from inspira.accounts.models import Membership
from inspira.core.models import OutboxItem
from inspira.efforts import clock as clocks
from inspira.efforts.forms_delivery import DocumentForm, EvaluationShareForm, SessionForm
from inspira.efforts.forms_requests import EffortRequestForm, PlanningMeetingForm, PlanningNotesForm
from inspira.efforts.models import Effort, ProposalResponse
from inspira.efforts.proposal_forms import ChangesForm, ProposalForm
from inspira.events.evaluation import DEFAULT_QUESTIONS
from inspira.events.models import Event, Registration
from inspira.events.permissions import forget_coordinators
from inspira.events.registrations import registration_create
from inspira.surveys.models import Invitation, Question, Response, Survey
from inspira.surveys.services import invitation_token, survey_answer
from tests.browser.conftest import new_page
from tests.browser.helpers import assert_accessible, login
from tests.browser.test_certification_flow import click, label, sv
from tests.efforts.factories import area
from tests.efforts.factories import coordinator as make_coordinator
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.browser

TITLE = "Språkutvecklande arbetssätt i alla ämnen"
SESSION = "Träff 1: stöttning för språket"
SUMMARY_V1 = "Fyra träffar om språkutvecklande arbetssätt för hela kollegiet."
PLAN_V1 = "Träff 1: genomgång.\nTräff 2: eget arbete.\nTräff 3: uppföljning."
PLAN_V2 = "Träff 1: genomgång.\nTräff 2: lektionsbesök i arbetslagen.\nTräff 3: uppföljning."
COMMENT = "Kan vi ha lektionsbesök i arbetslagen i stället för eget arbete?"
SHARED = "Deltagarna var nöjda och vill fortsätta med stöttningen i arbetslagen."
NOTE = "Lärdom från träff 1"
# Nearly every step here tells someone by email, and in the tests the outbox is worked inline (django-q2 in
# sync mode), rendering and sending within the request: such a request may take longer than a page may.
EMAIL_MS = 15_000
STAFF = ["Alva Lärare", "Bo Lärare", "Cecilia Lärare", "David Lärare", "Elin Lärare", "Filip Lärare"]


def open_page(browser, live_server, stack: ExitStack, user) -> Page:
    """A browser context of the person's own, logged in through the form."""
    page = new_page(browser, live_server)
    stack.callback(page.context.close)
    page.context.set_default_timeout(EMAIL_MS)
    login(page, live_server, user)
    return page


def expect_message(page: Page, text: str, **params) -> None:
    """The confirmation the page shows, in Swedish (with its placeholders filled in)."""
    expect(page.locator("main")).to_contain_text(sv(text) % params if params else sv(text))


def swedish_date(day, pattern: str = "l j F Y") -> str:
    with translation.override("sv"):
        return formats.date_format(day, pattern)


def case_url(live_server, effort: Effort) -> str:
    return live_server.url + reverse("efforts:effort_detail", args=[effort.pk])


def main_link(page: Page, url: str):
    return page.locator(f"main a[href='{url}']")


def request_effort(page: Page, live_server, guest, development_area) -> Effort:
    """The principal finds "Our efforts" in the menu and orders an effort, naming a colleague for the meeting."""
    page.get_by_role("navigation").get_by_role("link", name=sv("Our efforts"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("efforts:mine"))
    assert_accessible(page)
    # The button above the list (the empty list's invitation names the same page).
    page.locator("main").get_by_role("link", name=sv("Order an effort"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("efforts:request"))
    assert_accessible(page)
    values = {"title": TITLE, "need": "Många elever har svenska som andraspråk och når inte målen i SO och NO.",
              "target_group": "Alla lärare i åk 4–6", "staff_count": "6",
              "wished_start": (timezone.localdate() + timedelta(days=30)).isoformat(),
              "wished_end": (timezone.localdate() + timedelta(days=120)).isoformat()}
    for name, value in values.items():
        page.get_by_label(label(EffortRequestForm, name)).fill(value)
    page.get_by_label(label(EffortRequestForm, "area")).select_option(label=development_area.name)
    page.get_by_label(guest.name, exact=True).check()
    click(page, "Send the request")
    effort = Effort.objects.get(title=TITLE)
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "Your request is sent to the development centre. A confirmation is on its way by email, "
                         "and a coordinator will contact you to book the first planning meeting.")
    expect(page.locator("main")).to_contain_text(guest.name)
    assert_accessible(page)
    assert list(effort.guests.all()) == [guest] and effort.state == Effort.State.REQUESTED
    return effort


def take_and_book(page: Page, live_server, effort: Effort) -> None:
    """The coordinator finds the request in the centre's overview, from the menu, takes it on and books the
    meeting."""
    page.get_by_role("navigation").get_by_role("link", name=sv("Tailor-made efforts"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("efforts:overview"))
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url(case_url(live_server, effort))
    assert_accessible(page)
    click(page, "I take responsibility")
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "You are responsible for the effort.")
    assert_accessible(page)
    click(page, "Book the planning meeting", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:planning_meeting", args=[effort.pk]))
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=3)
    for name, value in (("date", day.isoformat()), ("start_time", "09:00"), ("end_time", "11:00"),
                        ("place", "Skolans konferensrum")):
        page.get_by_label(label(PlanningMeetingForm, name)).fill(value)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "The planning meeting is booked; the invited get an invitation by email.")
    assert_accessible(page)
    effort.refresh_from_db()
    assert effort.state == Effort.State.PLANNING
    # The principal and the guest are registered on the meeting, each with an invitation.
    assert set(effort.planning_meeting.registrations.values_list("user__email", flat=True)) == {
        effort.requested_by.email, effort.guests.get().email}


def write_notes(page: Page, live_server, effort: Effort) -> None:
    """After the meeting the coordinator writes its notes: the proposal clock starts."""
    page.goto(case_url(live_server, effort))
    click(page, "Write the notes", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:planning_notes", args=[effort.pk]))
    assert_accessible(page)
    for name, value in (("purpose", "Alla lärare stöttar elevernas språk i sina ämnen."),
                        ("goals", "Lektionerna planeras med språkliga mål och stöttning."),
                        ("needs", "Gemensamma verktyg och tid för kollegialt lärande."),
                        ("limits", "Insatsen gäller åk 4–6 detta läsår.")):
        page.get_by_label(label(PlanningNotesForm, name)).fill(value)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "The notes are saved and the proposal clock has started.")
    effort.refresh_from_db()
    deadline = clocks.clock_of(effort).deadline
    assert effort.state == Effort.State.PROPOSAL and deadline is not None
    with translation.override("sv"):
        due = translation.gettext("The proposal is due on %(deadline)s.") % {"deadline": swedish_date(deadline)}
    expect(page.locator("#clock")).to_contain_text(due)
    assert_accessible(page)


def read_promise(page: Page, live_server, effort: Effort) -> None:
    """The principal sees on the case page the date the proposal is promised by."""
    page.goto(case_url(live_server, effort))
    deadline = clocks.clock_of(effort).deadline
    with translation.override("sv"):
        promised = translation.gettext("The proposal is promised by %(deadline)s.") % {
            "deadline": swedish_date(deadline)}
    expect(page.locator("#clock")).to_contain_text(promised)
    expect(page.locator("#clock")).not_to_contain_text(sv("The clock's log"))  # the centre's, not the unit's
    assert_accessible(page)


def present(page: Page, live_server, effort: Effort, version: int, plan: str):
    """The coordinator presents a version from the case page; its page shows what changed since the last."""
    page.goto(case_url(live_server, effort))
    click(page, "Present the proposal" if version == 1 else "Present a new version", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:proposal_present", args=[effort.pk]))
    assert_accessible(page)
    if version == 1:
        page.get_by_label(label(ProposalForm, "summary")).fill(SUMMARY_V1)
        page.get_by_label(label(ProposalForm, "goals")).fill("Alla lärare planerar lektioner med stöttning.")
    else:  # the form holds the text of the version before
        expect(page.get_by_label(label(ProposalForm, "summary"))).to_have_value(SUMMARY_V1)
    page.get_by_label(label(ProposalForm, "plan")).fill(plan)
    with translation.override("sv"):
        button = translation.gettext("Present version %(version)s") % {"version": version}
    page.locator("main").get_by_role("button", name=button, exact=True).click()
    proposal = effort.proposals.get(version=version)
    page.wait_for_url(live_server.url + reverse("efforts:proposal_detail", args=[proposal.pk]))
    expect_message(page, "Version %(version)s of the proposal is presented. The principal is told by email.",
                   version=version)
    assert_accessible(page)
    return proposal


def ask_for_changes(page: Page, live_server, effort: Effort, proposal) -> None:
    page.goto(case_url(live_server, effort))
    expect(page.locator("#clock")).to_contain_text(sv("The proposal was presented on %(met)s.") % {
        "met": swedish_date(timezone.localdate(), "j F Y")})
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=sv("Ask for changes"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("efforts:proposal_request_changes", args=[proposal.pk]))
    assert_accessible(page)
    page.get_by_label(label(ChangesForm, "comment")).fill(COMMENT)
    click(page, "Ask for changes")
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "Your comment is sent to the centre, which presents a new version of the proposal.")
    expect(page.locator("main")).to_contain_text(COMMENT)
    assert_accessible(page)


def accept(page: Page, live_server, effort: Effort, proposal) -> None:
    """The principal reads version 2 (with what changed) and accepts it."""
    page.goto(case_url(live_server, effort))
    with translation.override("sv"):
        accept_name = translation.gettext("Accept version %(version)s") % {"version": proposal.version}
    page.locator("main").get_by_role("link", name=accept_name, exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("efforts:proposal_accept", args=[proposal.pk]))
    assert_accessible(page)
    page.locator("main").get_by_role("button", name=accept_name, exact=True).click()
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "You have accepted version %(version)s of the proposal. The centre is told by email.",
                   version=proposal.version)
    assert_accessible(page)
    effort.refresh_from_db()
    assert effort.state == Effort.State.RUNNING
    assert ProposalResponse.objects.get(effort=effort, kind=ProposalResponse.Kind.ACCEPTED).proposal == proposal


def plan_session(page: Page, live_server, effort: Effort):
    page.goto(case_url(live_server, effort))
    assert_accessible(page)
    click(page, "Plan a session", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:session_add", args=[effort.pk]))
    assert_accessible(page)
    expect(page.get_by_label(label(SessionForm, "capacity"))).to_have_value("6")  # the whole staff
    day = timezone.localdate() + timedelta(days=10)
    for name, value in (("title", SESSION), ("day", day.isoformat()), ("start_time", "13:00"),
                        ("end_time", "16:00"), ("place", "Skolans aula")):
        page.get_by_label(label(SessionForm, name)).fill(value)
    click(page, "Save")
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "The session is planned, and the principal is told so the staff can register.")
    expect(page.locator("main section[aria-labelledby=delivery] table")).to_contain_text(SESSION)
    assert_accessible(page)
    return effort.sessions.select_related("event").get()


def register(page: Page, live_server, event: Event) -> None:
    """A teacher follows the link the principal passed on from the email and registers."""
    email = OutboxItem.objects.get(key=f"effort-session-added:{event.effort_session.pk}")
    assert email.state == OutboxItem.State.DONE, email.last_error
    url = live_server.url + reverse("events:event", args=[event.pk])
    assert url in email.payload["text"], email.payload["text"]
    page.goto(url)
    assert_accessible(page)
    click(page, "Register")
    page.wait_for_url(url)
    expect_message(page, "You are registered. A confirmation is on its way by email.")
    assert_accessible(page)


def tick_attendance(page: Page, live_server, effort: Effort, event: Event) -> None:
    """The coordinator opens the attendance list from the case page and ticks everyone who came."""
    page.goto(case_url(live_server, effort))
    attendance = reverse("events:attendance", args=[event.pk])
    main_link(page, attendance).click()
    page.wait_for_url(live_server.url + attendance)
    assert_accessible(page)
    registrations = list(event.registrations.filter(status=Registration.Status.CONFIRMED))
    for registration in registrations:
        row = page.locator(f"#r{registration.pk}")
        row.get_by_role("button", name=re.compile(re.escape(sv("Tap: came")))).click()
        expect(row.locator(".attendance-state-text")).to_contain_text(sv("Came"))
    expect(page.locator("#attendance-status")).to_have_text(sv("Saved"))
    assert_accessible(page)
    assert event.registrations.filter(attended=True).count() == len(registrations) == 6


def start_evaluation(page: Page, live_server, effort: Effort) -> Survey:
    """The coordinator creates the evaluation of the last session, opens it and invites those who came."""
    page.goto(case_url(live_server, effort))
    click(page, "Create the evaluation of the last session")
    survey = Survey.objects.get(event__effort_session__effort=effort)
    page.wait_for_url(live_server.url + reverse("surveys:detail", args=[survey.pk]))
    expect_message(page, "The evaluation is created as a draft. Change its questions if you like, then open it.")
    assert_accessible(page)
    click(page, "Open the survey")
    expect_message(page, "The survey is open. Invite the people who should answer it.")
    assert_accessible(page)
    page.goto(case_url(live_server, effort))
    click(page, "Invite those who attended the last session")
    page.wait_for_url(case_url(live_server, effort))
    with translation.override("sv"):
        invited = translation.ngettext("%(n)s person who attended is invited to the evaluation.",
                                       "%(n)s people who attended are invited to the evaluation.", 6) % {"n": 6}
    expect(page.locator("main")).to_contain_text(invited)
    assert_accessible(page)
    return survey


def answer(page: Page, live_server, invitation: Invitation, rating: int, check: bool) -> None:
    """A participant follows the link in the invitation, without logging in, and answers."""
    email = OutboxItem.objects.get(key=f"survey-invitation:{invitation.pk}")
    assert email.state == OutboxItem.State.DONE, email.last_error
    assert email.payload["to"] == [invitation.user.email]
    prefix = live_server.url + reverse("surveys:answer", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(prefix) + r"\S+/", email.payload["text"])
    assert len(links) == 1, email.payload["text"]
    page.goto(links[0])
    if check:
        assert_accessible(page)
    satisfied, use = (sv(DEFAULT_QUESTIONS[i]["text"]) for i in (0, 1))
    main = page.locator("main")
    main.locator("fieldset").filter(has_text=satisfied).get_by_label(str(rating), exact=True).check()
    main.locator("fieldset").filter(has_text=use).get_by_label(
        sv(DEFAULT_QUESTIONS[1]["choices"][0]), exact=True).check()
    click(page, "Send my answers")
    page.wait_for_url(live_server.url + reverse("surveys:answered"))
    if check:
        assert_accessible(page)


def answer_by_service(invitation: Invitation, rating: int) -> None:
    survey = invitation.survey
    scale = survey.questions.get(kind=Question.Kind.SCALE)
    single = survey.questions.filter(kind=Question.Kind.SINGLE).order_by("position").first()
    survey_answer(token=invitation_token(invitation),
                  answers={scale.pk: rating, single.pk: single.choices.order_by("position").first().pk})


def share_summary(page: Page, live_server, effort: Effort) -> None:
    page.goto(case_url(live_server, effort))
    assert_accessible(page)
    click(page, "Write and share the summary with the principal", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:evaluation_share", args=[effort.pk]))
    assert_accessible(page)
    page.get_by_label(label(EvaluationShareForm, "summary")).fill(SHARED)
    click(page, "Share with the principal")
    page.wait_for_url(live_server.url + reverse("efforts:evaluation_summary", args=[effort.pk]))
    expect_message(page, "The summary is shared with the principal.")
    assert_accessible(page)


def read_summary(page: Page, live_server, effort: Effort) -> None:
    """The principal follows the link on the case page and reads the summary and the results."""
    page.goto(case_url(live_server, effort))
    expect(page.locator("main")).to_contain_text(sv("The centre has shared the summary of the evaluation."))
    assert_accessible(page)
    click(page, "The summary of the evaluation", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:evaluation_summary", args=[effort.pk]))
    main = page.locator("main")
    expect(main).to_contain_text(SHARED)
    with translation.override("sv"):
        total = translation.ngettext("%(total)s response in all.", "%(total)s responses in all.", 5) % {"total": 5}
        mean = translation.gettext("Mean: %(mean)s") % {"mean": "4,4"}  # 5, 4, 5, 4, 4
    expect(main).to_contain_text(total)
    expect(main).to_contain_text(mean)
    expect(main).to_contain_text(sv(DEFAULT_QUESTIONS[0]["text"]))
    assert_accessible(page)


def document_and_end(page: Page, live_server, effort: Effort) -> None:
    """The coordinator writes down a lesson learnt, then ends the effort (sharing the documentation)."""
    page.goto(case_url(live_server, effort))
    click(page, "Add documentation", role="link")
    page.wait_for_url(live_server.url + reverse("efforts:document_add", args=[effort.pk]))
    assert_accessible(page)
    page.get_by_label(label(DocumentForm, "title")).fill(NOTE)
    page.get_by_label(sv("Lesson learnt"), exact=True).check()
    page.get_by_label(label(DocumentForm, "text")).fill("Arbetslagen behöver tid mellan träffarna.")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(live_server.url + reverse("efforts:documents", args=[effort.pk]))
    expect_message(page, "The documentation is saved.")
    assert_accessible(page)
    page.goto(case_url(live_server, effort))
    click(page, "End the effort and share the documentation")
    page.wait_for_url(case_url(live_server, effort))
    expect_message(page, "The effort is ended, and its documentation is shared with the unit.")
    assert_accessible(page)
    effort.refresh_from_db()
    assert effort.state == Effort.State.ENDED and effort.documentation_shared_at is not None


def read_documentation(page: Page, live_server, effort: Effort) -> None:
    """The principal finds the ended effort among the earlier ones and reads its documentation."""
    page.goto(live_server.url + reverse("efforts:mine"))
    expect(page.locator("main table")).to_contain_text(TITLE)
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url(case_url(live_server, effort))
    assert_accessible(page)
    documents = reverse("efforts:documents", args=[effort.pk])
    main_link(page, documents).click()
    page.wait_for_url(live_server.url + documents)
    expect(page.locator("main")).to_contain_text(NOTE)
    expect(page.locator("main")).to_contain_text(sv("Lesson learnt"))
    assert_accessible(page)


def test_a_tailor_made_effort_from_request_to_evaluation_summary(browser, live_server, settings):
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    coordinator = make_coordinator()
    forget_coordinators()
    development_area = area("Språkutveckling")
    school = SchoolFactory(name="Ekskolan")
    principal = member(school, Membership.Role.PRINCIPAL, email="rektor@example.se", name="Rut Rektor")
    staff = [member(school, Membership.Role.STAFF, email=f"larare{n}@example.se", name=name)
             for n, name in enumerate(STAFF)]

    with ExitStack() as stack:
        pages = {}

        def as_(user) -> Page:
            if user.pk not in pages:
                pages[user.pk] = open_page(browser, live_server, stack, user)
            return pages[user.pk]

        effort = request_effort(as_(principal), live_server, staff[0], development_area)
        assert OutboxItem.objects.filter(key=f"effort-requested:{effort.pk}").get().payload["to"] == [
            coordinator.email]
        take_and_book(as_(coordinator), live_server, effort)

        # The meeting has taken place: its notes can be written now.
        started = timezone.now() - timedelta(hours=2)
        Event.objects.filter(pk=effort.planning_meeting_id).update(starts_at=started,
                                                                   ends_at=started + timedelta(hours=1))
        write_notes(as_(coordinator), live_server, effort)
        read_promise(as_(principal), live_server, effort)

        first = present(as_(coordinator), live_server, effort, 1, PLAN_V1)
        ask_for_changes(as_(principal), live_server, effort, first)
        second = present(as_(coordinator), live_server, effort, 2, PLAN_V2)
        changes = as_(coordinator).locator("main .proposal-diff")
        expect(changes.locator("ins")).to_contain_text("Träff 2: lektionsbesök i arbetslagen.")
        expect(changes.locator("del")).to_contain_text("Träff 2: eget arbete.")
        accept(as_(principal), live_server, effort, second)

        session = plan_session(as_(coordinator), live_server, effort)
        event = session.event
        register(as_(staff[0]), live_server, event)
        for person in staff[1:]:
            registration_create(event=event, user=person, waiting_list=False)
        assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 6

        # The session has begun: attendance is ticked, and those who came can be invited.
        begun = timezone.now() - timedelta(hours=2)
        Event.objects.filter(pk=event.pk).update(starts_at=begun, ends_at=begun + timedelta(hours=1))
        tick_attendance(as_(coordinator), live_server, effort, event)
        survey = start_evaluation(as_(coordinator), live_server, effort)
        invitations = list(Invitation.objects.filter(survey=survey).select_related("user", "survey").order_by("pk"))
        assert {i.user for i in invitations} == set(staff)
        ratings = (5, 4, 5, 4, 4)
        for number, (invitation, rating) in enumerate(zip(invitations[:5], ratings, strict=True)):
            if number < 2:  # without logging in: a browser of their own
                anonymous = new_page(browser, live_server)
                stack.callback(anonymous.context.close)
                answer(anonymous, live_server, invitation, rating, check=number == 0)
            else:
                answer_by_service(invitation, rating)
        assert Response.objects.filter(survey=survey).count() == 5

        # The evaluation's last day has passed (see the module's text).
        Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
        share_summary(as_(coordinator), live_server, effort)
        shared = OutboxItem.objects.get(key=f"effort-evaluation-shared:{effort.pk}")
        assert shared.payload["to"] == [principal.email]
        read_summary(as_(principal), live_server, effort)

        document_and_end(as_(coordinator), live_server, effort)
        read_documentation(as_(principal), live_server, effort)
