"""A programme's seminar from switching the programme on to the certificate, in Chromium, as the people
walk it, in Swedish and in English: an administrator switches a programme on and names a coordinator;
the coordinator creates a seminar with one place; a teacher registers and gets it, a second one joins
the waiting list; the first cancels, the second is offered the place and accepts it; on the day the
coordinator ticks attendance on a phone; six teachers answer the evaluation through their emailed
links and the coordinator closes it and reads the summary; a teacher downloads the certificate of
participation. axe-core checks every page on the way, at desktop and phone width.

Two things are written to the database where only time or other people would do them: the seminar
is moved to yesterday between registering and ticking attendance (registering needs a coming event,
the evaluation a past one), and five more colleagues register when the coordinator raises the
places to six (the evaluation's summary needs at least five answers; registering them through the
form would repeat the pages already checked, at a minute's cost per language).
"""

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from inspira.core.models import OutboxItem
from inspira.events.evaluation import DEFAULT_QUESTIONS
from inspira.events.forms import EventForm
from inspira.events.models import Event, Registration
from inspira.programmes.catalog import INFO, Key
from inspira.programmes.forms import PersonSearchForm
from inspira.programmes.models import Programme
from inspira.surveys.models import Invitation, Response
from tests.browser.helpers import PHONE, assert_accessible, login, logout
from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.browser

PROGRAMME = Key.TAILOR_MADE
TITLE = "Bedömning för lärande i praktiken"
PLACE = "Utvecklingscentrum, sal 3"


class Words:
    """The page's words in the language of the test: msgids (or lazy texts) as the page shows them."""

    def __init__(self, language: str):
        self.language = language

    def __call__(self, text) -> str:
        with translation.override(self.language):
            return str(translation.gettext(text) if isinstance(text, str) else text)

    def label(self, form_class, name: str) -> re.Pattern:
        """The field's label, whole: crispy-forms marks a required field with an asterisk."""
        return re.compile(rf"^\s*{re.escape(self(form_class.base_fields[name].label))}\s*\*?\s*$")

    def click(self, page: Page, name: str, role: str = "button") -> None:
        page.locator("main").get_by_role(role, name=self(name), exact=True).click()


@pytest.fixture(params=["sv", "en"])
def words(request) -> Words:
    return Words(request.param)


def choose_language(page: Page, live_server, words: Words) -> None:
    """Swedish is the site's language; an English reader presses the switch once (it is remembered)."""
    page.goto(live_server.url + reverse("core:home"))
    if words.language == "en":
        page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", words.language)
    assert_accessible(page)


def menu(page: Page, words: Words, name: str, submenu: str | None = None) -> None:
    """Follow an entry of the main menu (under ``submenu`` when it is folded into one)."""
    nav = page.get_by_role("navigation")
    if submenu:
        nav.get_by_role("button", name=words(submenu)).click()
    nav.get_by_role("link", name=words(name), exact=True).first.click()


def switch_on(page: Page, live_server, words: Words, administrator, coordinator) -> None:
    """The administrator switches the programme on and names its coordinator."""
    login(page, live_server, administrator)
    menu(page, words, "Programmes", submenu="Administration")
    page.wait_for_url(live_server.url + reverse("programmes:list"))
    assert_accessible(page)
    name = words(INFO[PROGRAMME].name)
    section = page.locator(f"section[aria-labelledby=programme-{PROGRAMME}]")
    with translation.override(words.language):
        switch, add = (translation.gettext("Switch on %(name)s") % {"name": name},
                       translation.gettext("Add a coordinator of %(name)s") % {"name": name})
    section.get_by_role("button", name=switch, exact=True).click()
    expect(page.locator("main")).to_contain_text(
        words("%(programme)s is switched on: its pages and menu entries are shown.") % {"programme": name})
    expect(section.locator(".badge")).to_have_text(words("On"))
    assert_accessible(page)

    section.get_by_role("link", name=add, exact=True).click()
    page.wait_for_url(live_server.url + reverse("programmes:coordinator_add", args=[PROGRAMME]))
    assert_accessible(page)
    page.get_by_label(words.label(PersonSearchForm, "q")).fill("Pia")
    page.locator("main form[role=search]").get_by_role("button", name=words("Search"), exact=True).click()
    page.get_by_label(f"{coordinator.name} ({coordinator.email})", exact=True).check()
    assert_accessible(page)
    words.click(page, "Add as coordinator")
    page.wait_for_url(live_server.url + reverse("programmes:list"))
    expect(section).to_contain_text(coordinator.email)
    assert_accessible(page)
    logout(page)
    assert Programme.objects.get(key=PROGRAMME).coordinators.filter(user=coordinator).exists()


def create_seminar(page: Page, live_server, words: Words, coordinator) -> Event:
    """The coordinator creates a seminar with one place, shown in the public calendar."""
    login(page, live_server, coordinator)  # no central role: no second step
    assert_accessible(page)  # the coordinator's own page
    menu(page, words, "Events")
    page.wait_for_url(live_server.url + reverse("events:manage"))
    assert_accessible(page)
    words.click(page, "Create an event", role="link")
    page.wait_for_url(live_server.url + reverse("events:create"))
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=7)
    page.get_by_label(words.label(EventForm, "title")).fill(TITLE)
    expect(page.get_by_label(words.label(EventForm, "kind"))).to_have_value(Event.Kind.SEMINAR)
    page.get_by_label(words.label(EventForm, "description")).fill("Vi arbetar med exempel från era klassrum.")
    page.get_by_label(words.label(EventForm, "day")).fill(day.isoformat())
    page.get_by_label(words.label(EventForm, "start_time")).fill("13:00")
    page.get_by_label(words.label(EventForm, "end_time")).fill("16:00")
    page.get_by_label(words.label(EventForm, "place")).fill(PLACE)
    page.get_by_label(words.label(EventForm, "capacity")).fill("1")
    page.get_by_label(words.label(EventForm, "is_public")).check()
    page.locator("main form [type=submit]").click()

    event = Event.objects.get(title=TITLE)
    page.wait_for_url(live_server.url + reverse("events:detail", args=[event.pk]))
    expect(page.locator("main")).to_contain_text(words("The event is created."))
    assert_accessible(page)
    logout(page)
    assert (event.programme.key, event.kind, event.capacity, event.is_public) == (
        PROGRAMME, Event.Kind.SEMINAR, 1, True)
    assert timezone.localtime(event.starts_at) == timezone.make_aware(datetime.combine(day, time(13)))
    return event


def register(page: Page, live_server, words: Words, teacher, event: Event, *, waiting: bool) -> Registration:
    """A teacher finds the seminar in the public calendar and registers (or joins the waiting list)."""
    login(page, live_server, teacher)
    if not waiting:
        assert_accessible(page)  # a teacher's own page
    page.goto(live_server.url + reverse("events:calendar"))
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url(live_server.url + reverse("events:event", args=[event.pk]))
    assert_accessible(page)
    words.click(page, "Join the waiting list" if waiting else "Register")
    page.wait_for_url(live_server.url + reverse("events:event", args=[event.pk]))
    if waiting:
        expect(page.locator("main")).to_contain_text(
            words("The event is full: you are on the waiting list, number %(position)s.") % {"position": 1})
    else:
        expect(page.locator("main")).to_contain_text(
            words("You are registered. A confirmation is on its way by email."))
    assert_accessible(page)
    logout(page)
    return Registration.objects.get(event=event, user=teacher)


def cancel(page: Page, live_server, words: Words, teacher, registration: Registration) -> None:
    """The first teacher cannot come after all and gives the place up, before the last time to cancel."""
    login(page, live_server, teacher)
    menu(page, words, "My events")
    page.wait_for_url(live_server.url + reverse("events:mine"))
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=TITLE, exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("events:event", args=[registration.event_id]))
    words.click(page, "Cancel the registration", role="link")
    page.wait_for_url(live_server.url + reverse("events:registration_cancel", args=[registration.pk]))
    assert_accessible(page)
    words.click(page, "Yes, cancel the registration")
    page.wait_for_url(live_server.url + reverse("events:event", args=[registration.event_id]))
    expect(page.locator("main")).to_contain_text(words("The registration is cancelled."))
    assert_accessible(page)
    logout(page)


def accept_offer(page: Page, live_server, words: Words, teacher, registration: Registration) -> None:
    """The teacher next in line is offered the place by email and accepts it on the event's page."""
    email = OutboxItem.objects.get(key__startswith=f"event-offer:{registration.pk}:")
    assert email.state == OutboxItem.State.DONE, email.last_error
    assert email.payload["to"] == [teacher.email]
    event_url = live_server.url + reverse("events:event", args=[registration.event_id])
    assert event_url in email.payload["text"], email.payload["text"]

    login(page, live_server, teacher)
    page.goto(event_url)
    expect(page.locator("main")).to_contain_text(words(Registration.Status.OFFERED.label))
    assert_accessible(page)
    words.click(page, "Accept the place")
    page.wait_for_url(event_url)
    expect(page.locator("main")).to_contain_text(
        words("You have accepted the place. A confirmation is on its way by email."))
    assert_accessible(page)
    logout(page)


def tick_attendance(page: Page, live_server, words: Words, coordinator, event: Event, gone) -> None:
    """On the day, the coordinator ticks everyone present on a phone; the cancelled teacher is not listed."""
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    login(page, live_server, coordinator)
    page.goto(live_server.url + reverse("events:detail", args=[event.pk]))
    assert_accessible(page)
    words.click(page, "Attendance", role="link")
    page.wait_for_url(live_server.url + reverse("events:attendance", args=[event.pk]))
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    present = list(event.registrations.filter(status=Registration.Status.CONFIRMED).select_related("user"))
    expect(page.locator(".attendance-row")).to_have_count(len(present))
    expect(page.locator("#attendance-list")).not_to_contain_text(gone.name)
    for registration in present:
        row = page.locator(f"#r{registration.pk}")
        expect(row).to_contain_text(registration.user.name)
        row.get_by_role("button", name=re.compile(re.escape(words("Tap: came")))).click()
        expect(row.locator(".attendance-state-text")).to_contain_text(words("Came"))
    expect(page.locator("#attendance-status")).to_have_text(words("Saved"))
    expect(page.locator("[data-count='came']")).to_have_text(str(len(present)))
    assert_accessible(page)
    page.set_viewport_size(desktop)  # the menu, and logging out, are folded away on a phone
    logout(page)
    assert event.registrations.filter(attended=True).count() == len(present) == 6


def evaluate(page: Page, live_server, words: Words, coordinator, event: Event) -> int:
    """The coordinator creates the evaluation, opens it in the builder and invites those who came."""
    login(page, live_server, coordinator)
    detail = live_server.url + reverse("events:detail", args=[event.pk])
    page.goto(detail)
    words.click(page, "Create an evaluation")
    event.refresh_from_db()
    survey = event.evaluation
    page.wait_for_url(live_server.url + reverse("surveys:detail", args=[survey.pk]))
    assert_accessible(page)
    words.click(page, "Open the survey")
    expect(page.locator("main")).to_contain_text(words("The survey is open. Invite the people who should answer it."))
    assert_accessible(page)
    page.get_by_role("link", name=words("Back to the event")).first.click()
    page.wait_for_url(detail)
    with translation.override(words.language):
        invite = translation.ngettext("Invite %(n)s person who attended", "Invite %(n)s people who attended",
                                      6) % {"n": 6}
    page.locator("main").get_by_role("button", name=invite, exact=True).click()
    page.wait_for_url(detail)
    with translation.override(words.language):
        invited = translation.ngettext("%(n)s person who attended is invited to the evaluation.",
                                       "%(n)s people who attended are invited to the evaluation.", 6) % {"n": 6}
    expect(page.locator("main")).to_contain_text(invited)
    assert_accessible(page)
    logout(page)
    return survey.pk


def answer(page: Page, live_server, words: Words, invitation: Invitation, rating: int, check: bool) -> None:
    """An attendee follows the link in their invitation, without logging in, and answers."""
    email = OutboxItem.objects.get(key=f"survey-invitation:{invitation.pk}")
    assert email.state == OutboxItem.State.DONE, email.last_error
    assert email.payload["to"] == [invitation.user.email]
    prefix = live_server.url + reverse("surveys:answer", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(prefix) + r"\S+/", email.payload["text"])
    assert len(links) == 1, email.payload["text"]

    page.goto(links[0])
    if check:
        assert_accessible(page)
    # The questions are stored in the site's language (Swedish), whatever the reader's.
    satisfied, use = (Words("sv")(DEFAULT_QUESTIONS[i]["text"]) for i in (0, 1))
    page.locator("main fieldset").filter(has_text=satisfied).get_by_label(str(rating), exact=True).check()
    page.locator("main fieldset").filter(has_text=use).get_by_label(
        Words("sv")(DEFAULT_QUESTIONS[1]["choices"][0]), exact=True).check()
    words.click(page, "Send my answers")
    page.wait_for_url(live_server.url + reverse("surveys:answered"))
    if check:
        assert_accessible(page)


def read_summary(page: Page, live_server, words: Words, coordinator, survey_id: int) -> None:
    """The coordinator closes the evaluation in the builder and reads the summary."""
    login(page, live_server, coordinator)
    page.goto(live_server.url + reverse("surveys:detail", args=[survey_id]))
    answered = page.locator("main dl dt").filter(has_text=re.compile(f"^{words('Answered')}$"))
    expect(answered.locator("xpath=following-sibling::dd[1]")).to_have_text("6")
    words.click(page, "Close the survey now")
    expect(page.locator("main")).to_contain_text(words("The survey is closed. The results are ready."))
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=words("Show the results"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("surveys:results", args=[survey_id]))
    main = page.locator("main")
    with translation.override(words.language):
        total = translation.ngettext("%(total)s response in all.", "%(total)s responses in all.", 6) % {"total": 6}
        mean = translation.gettext("Mean: %(mean)s") % {"mean": "4,5" if words.language == "sv" else "4.5"}
    expect(main).to_contain_text(total)
    expect(main).to_contain_text(mean)
    assert_accessible(page)
    logout(page)


def download_certificate(page: Page, live_server, words: Words, teacher) -> None:
    """The teacher who came off the waiting list downloads the certificate of participation."""
    login(page, live_server, teacher)
    menu(page, words, "My events")
    page.wait_for_url(live_server.url + reverse("events:mine"))
    words.click(page, "My participation: the events you attended and your certificate", role="link")
    page.wait_for_url(live_server.url + reverse("core:participation"))
    expect(page.locator("main table")).to_contain_text(TITLE)
    assert_accessible(page)
    with page.expect_download() as download:
        words.click(page, "Download a certificate of participation (PDF)", role="link")
    pdf = download.value
    assert pdf.suggested_filename == "intyg-om-deltagande.pdf"
    with open(pdf.path(), "rb") as file:
        content = file.read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert TITLE in text and teacher.name in text, text


def test_a_programme_seminar_from_switching_on_to_the_certificate(page, live_server, settings, words,
                                                                  administrator):
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    coordinator = UserFactory(email="pia@example.se", name="Pia Samordnare")
    anna = UserFactory(email="anna@example.se", name="Anna Andersson")
    bo = UserFactory(email="bo@example.se", name="Bo Berg")
    choose_language(page, live_server, words)

    switch_on(page, live_server, words, administrator, coordinator)
    event = create_seminar(page, live_server, words, coordinator)
    first = register(page, live_server, words, anna, event, waiting=False)
    second = register(page, live_server, words, bo, event, waiting=True)
    assert (first.status, second.status) == (Registration.Status.CONFIRMED, Registration.Status.WAITING)
    cancel(page, live_server, words, anna, first)
    second.refresh_from_db()
    assert second.status == Registration.Status.OFFERED
    accept_offer(page, live_server, words, bo, second)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, second.status) == (Registration.Status.CANCELLED, Registration.Status.CONFIRMED)

    # The coordinator makes room for five more colleagues, who register; then the seminar day passes.
    Event.objects.filter(pk=event.pk).update(capacity=6)
    for number in range(5):
        RegistrationFactory(event=event, user=UserFactory(email=f"kollega{number}@example.se",
                                                          name=f"Kollega {number + 1}"))
    yesterday = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(13)))
    Event.objects.filter(pk=event.pk).update(starts_at=yesterday, ends_at=yesterday + timedelta(hours=3))

    tick_attendance(page, live_server, words, coordinator, event, gone=anna)
    survey_id = evaluate(page, live_server, words, coordinator, event)
    invitations = list(Invitation.objects.filter(survey_id=survey_id).select_related("user").order_by("pk"))
    assert {i.user for i in invitations} == {r.user for r in event.registrations.filter(attended=True)}
    assert anna not in {i.user for i in invitations}
    for number, invitation in enumerate(invitations):
        answer(page, live_server, words, invitation, rating=4 + number % 2, check=number == 0)
    assert Response.objects.filter(survey_id=survey_id).count() == 6
    read_summary(page, live_server, words, coordinator, survey_id)
    download_certificate(page, live_server, words, bo)
