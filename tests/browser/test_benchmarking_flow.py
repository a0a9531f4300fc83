"""A benchmarking round from opening to the evaluation, in Chromium, as the people walk it (issue 14):
a coordinator opens a round through the form; twelve teachers from eight schools register their
interest and a thirteenth withdraws hers; the coordinator makes the proposal with the button (the job
runs inline: the tests run django-q2 in sync mode), reads it, moves one person to another group and
publishes; a group's members confirm their dates; the host confirms a visit took place; the host
school's principal claims the substitute costs and finance approves the claim; the coordinator makes
and opens the evaluation and invites the participants, and one answers through the emailed link.
axe-core checks every page on the way, at desktop and phone width. Each person has a browser
context of their own.

What is done through services or written to the database instead of the pages, and why:
- the people, schools and memberships are made by factories (signing up is tested elsewhere);
- eleven of the twelve registrations and the withdrawn one are made with
  ``interests.interest_register`` (the twelfth goes through the form, the withdrawal through its
  page: registering eleven more through the form would repeat the same page at seconds apiece);
- the interest window is closed by moving its end into the past in the database (the proposal can
  only be made once it has closed; waiting for a real window would take days);
- two of the group's three members confirm their dates with ``dates.date_answer_save`` (the third
  through the page);
- the hosted visit is moved to today in the database (a visit can be confirmed as held from its day
  on, and the visit window lies weeks ahead).
"""

import re
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from inspira.accounts.models import Membership
from inspira.benchmarking import dates, interests
from inspira.benchmarking.forms import InterestForm, RoundForm
from inspira.benchmarking.forms_groups import DateAnswerForm, MoveForm
from inspira.benchmarking.models import Claim, DateAnswer, Interest, Round, Visit
from inspira.core.models import OutboxItem
from inspira.events.permissions import forget_coordinators
from inspira.surveys.models import Invitation, Response
from tests.benchmarking.factories import coordinator as make_coordinator
from tests.browser.conftest import new_page
from tests.browser.helpers import assert_accessible, login
from tests.browser.test_certification_flow import click, label, sv
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.browser

TITLE = "Klasslärare i åk 1–6, vårtermin"
SCHOOLS = ["Ekskolan", "Björkskolan", "Granskolan", "Tallskolan", "Lindskolan", "Almskolan", "Aspskolan",
           "Rönnskolan"]
# The two requests that do a job's work inline in the tests (django-q2 in sync mode) may take longer
# than a page normally may: the proposal (the solver's import and its time limit, tasks.DEADLINE)
# and publishing (everyone's emails, with calendar files).
SLOW_MS = 30_000
GRADES = [["1", "2"], ["4", "5"], ["2", "3"], ["5", "6"]]


def open_page(browser, live_server, stack: ExitStack, user) -> Page:
    """A browser context of the person's own, logged in through the form."""
    page = new_page(browser, live_server)
    stack.callback(page.context.close)
    login(page, live_server, user)
    return page


def expect_message(page: Page, text: str, **params) -> None:
    """The confirmation the page shows, in Swedish (with its placeholders filled in)."""
    expect(page.locator("main")).to_contain_text(sv(text) % params if params else sv(text))


def open_round(page: Page, live_server) -> Round:
    """The coordinator opens the round through the form, from the menu's list of rounds."""
    page.get_by_role("navigation").get_by_role("link", name=sv("Benchmarking rounds"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("benchmarking:round_list"))
    assert_accessible(page)
    page.goto(live_server.url + reverse("benchmarking:round_create"))
    assert_accessible(page)
    now, today = timezone.localtime(), timezone.localdate()
    values = {
        "title": TITLE, "description": "Lärare från olika skolor besöker varandra.",
        "interest_opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "interest_closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "visit_window_starts": (today + timedelta(days=14)).isoformat(),
        "visit_window_ends": (today + timedelta(days=100)).isoformat(),
        "substitute_rate": "1 850",
        "kickoff_date": (today + timedelta(days=7)).isoformat(), "kickoff_time": "13:00",
        "kickoff_place": "Stadshuset, sal 3",
        "closing_date": (today + timedelta(days=110)).isoformat(), "closing_time": "13:00",
        "closing_place": "Stadshuset, sal 3",
    }
    for name, value in values.items():
        page.get_by_label(label(RoundForm, name)).fill(value)
    expect(page.get_by_label(label(RoundForm, "max_participants"))).to_have_value("30")
    expect(page.get_by_label(label(RoundForm, "group_size"))).to_have_value("3")
    page.locator("main form [type=submit]").click()
    made = Round.objects.get(title=TITLE)
    page.wait_for_url(live_server.url + reverse("benchmarking:round_detail", args=[made.pk]))
    expect_message(page, "The round is created, with its kick-off and closing meeting.")
    assert_accessible(page)
    assert made.substitute_rate == 185000 and made.kickoff_id and made.closing_id
    return made


def register_through_the_form(page: Page, live_server, round_: Round) -> None:
    """A teacher finds the round on the programme's page and registers her interest."""
    page.get_by_role("navigation").get_by_role("link", name=sv("Benchmarking"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("benchmarking:index"))
    assert_accessible(page)
    page.locator("main").locator(f"a[href='{reverse('benchmarking:interest_register', args=[round_.pk])}']").click()
    page.wait_for_url(live_server.url + reverse("benchmarking:interest_register", args=[round_.pk]))
    assert_accessible(page)
    page.get_by_label(sv("Grade 1"), exact=True).check()
    page.get_by_label(sv("Grade 2"), exact=True).check()
    page.get_by_label(label(InterestForm, "subjects")).fill("Svenska, matematik")
    page.get_by_label(label(InterestForm, "unavailable_days")).fill(
        (round_.visit_window_starts + timedelta(days=1)).isoformat())
    click(page, "Register my interest")
    page.wait_for_url(live_server.url + reverse("benchmarking:mine"))
    expect_message(page, "Your interest is registered. A confirmation is on its way by email.")
    assert_accessible(page)


def withdraw(page: Page, live_server, interest: Interest) -> None:
    """A teacher who registered cannot take part after all and withdraws, while the window is open."""
    page.goto(live_server.url + reverse("benchmarking:mine"))
    url = reverse("benchmarking:interest_withdraw", args=[interest.pk])
    page.locator(f"main a[href='{url}']").click()
    page.wait_for_url(live_server.url + url)
    assert_accessible(page)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(live_server.url + reverse("benchmarking:mine"))
    expect_message(page, "Your registration is withdrawn. A confirmation is on its way by email.")
    assert_accessible(page)


def make_proposal(page: Page, live_server, round_: Round) -> None:
    """The coordinator presses the button; the job runs and the page shows what it proposed."""
    url = live_server.url + reverse("benchmarking:proposal", args=[round_.pk])
    page.goto(url)
    expect(page.locator("main")).to_contain_text(sv("No proposal has been made yet."))
    assert_accessible(page)
    page.locator("main").get_by_role("button", name=sv("Make a proposal"), exact=True).click(
        timeout=SLOW_MS)
    page.wait_for_url(url, timeout=SLOW_MS)
    expect(page.locator("main")).to_contain_text(sv("How the proposal was found"), timeout=SLOW_MS)
    expect(page.locator("main h2").filter(has_text=re.compile(r"\(12\)"))).to_have_count(1)
    expect(page.locator("main")).to_contain_text(sv("Everyone who registered is admitted."))
    assert_accessible(page)


def move_one_person(page: Page, live_server, round_: Round) -> Interest:
    """The coordinator moves one person to a group with nobody of her school."""
    page.locator("main").get_by_role("link", name=sv("See and change the groups"), exact=True).click()
    page.wait_for_url(live_server.url + reverse("benchmarking:groups", args=[round_.pk]))
    assert_accessible(page)
    groups = list(round_.groups.order_by("number").prefetch_related("members"))
    assert len(groups) == 4
    schools = {g.pk: {m.school_id for m in g.members.all() if m.withdrawn_at is None} for g in groups}
    mover, target = next((m, g) for m in groups[0].members.all() for g in groups[1:]
                         if m.school_id not in schools[g.pk])
    form = page.locator(f"main form[action='{reverse('benchmarking:group_move', args=[round_.pk])}']")
    form.get_by_label(label(MoveForm, "member")).select_option(str(mover.pk))
    form.get_by_label(label(MoveForm, "group")).select_option(str(target.pk))
    form.locator("[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("benchmarking:groups", args=[round_.pk]))
    mover.refresh_from_db()
    assert mover.group_id == target.pk
    expect_message(page, "%(name)s was moved to %(group)s.", name=mover.user.name, group=target)
    changes = page.locator("main h2").filter(has_text=sv("Changes against the proposal")).locator(
        "xpath=following-sibling::ul[1]")
    expect(changes).to_contain_text(mover.user.name)
    assert_accessible(page)
    return mover


def publish(page: Page, live_server, round_: Round) -> None:
    click(page, "Publish the groups", role="link")
    page.wait_for_url(live_server.url + reverse("benchmarking:round_publish", args=[round_.pk]))
    assert_accessible(page)
    # Publishing sends everyone's decision and each group's calendar files, inline in the tests.
    page.locator("main").get_by_role("button", name=sv("Yes, publish"), exact=True).click(timeout=SLOW_MS)
    page.wait_for_url(live_server.url + reverse("benchmarking:groups", args=[round_.pk]))
    expect_message(page, "The round is published. Everyone gets their decision by email.")
    assert_accessible(page)
    round_.refresh_from_db()
    assert round_.stage == Round.Stage.PUBLISHED


def confirm_dates(page: Page, live_server, round_: Round) -> None:
    """A member answers on the group's dates from her page of the group."""
    page.goto(live_server.url + reverse("benchmarking:mine"))
    expect(page.locator("main")).to_contain_text(sv(Interest.Decision.ADMITTED.label))
    assert_accessible(page)
    click(page, "Answer on the dates", role="link")
    url = live_server.url + reverse("benchmarking:my_dates", args=[round_.pk])
    page.wait_for_url(url)
    assert_accessible(page)
    page.get_by_label(sv(DateAnswer.Answer.CONFIRMED.label), exact=True).check()
    expect(page.get_by_label(label(DateAnswerForm, "comment"))).to_be_visible()
    click(page, "Save my answer")
    page.wait_for_url(url)
    expect_message(page, "Thank you: your answer is saved.")
    assert_accessible(page)


def confirm_held(page: Page, live_server, visit: Visit) -> None:
    url = live_server.url + reverse("benchmarking:visit_held", args=[visit.pk])
    page.goto(url)
    assert_accessible(page)
    click(page, "Confirm that the visit took place")
    page.wait_for_url(url)
    expect_message(page, "Thank you. The visit is confirmed as held, and the group's days away are recorded.")
    assert_accessible(page)


def claim(page: Page, live_server, round_: Round, school) -> Claim:
    """The host school's principal claims the days away the held visit recorded."""
    page.goto(live_server.url + reverse("benchmarking:claims_school", args=[school.pk]))
    assert_accessible(page)
    form = page.locator(f"main form[action='{reverse('benchmarking:claim_create', args=[round_.pk, school.pk])}']")
    expect(form.locator("[type=submit]")).to_contain_text(re.compile(r"1\s850\skr"))  # one day at the round's rate
    form.locator("[type=submit]").click()
    made = Claim.objects.get(school=school)
    page.wait_for_url(live_server.url + reverse("benchmarking:claim_detail", args=[made.pk]))
    expect_message(page, "The claim is sent to finance. You will get an email when it is approved.")
    assert_accessible(page)
    return made


def approve(page: Page, live_server, made: Claim) -> None:
    page.get_by_role("navigation").get_by_role("link", name=sv("Substitute costs"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("benchmarking:finance_claims"))
    assert_accessible(page)
    page.goto(live_server.url + reverse("benchmarking:claim_detail", args=[made.pk]))
    assert_accessible(page)
    click(page, "Approve the claim")
    page.wait_for_url(live_server.url + reverse("benchmarking:claim_detail", args=[made.pk]))
    expect_message(page, "The claim of %(school)s is approved; the principal is told by email.",
                   school=made.school.name)
    assert_accessible(page)
    made.refresh_from_db()
    assert made.status == Claim.Status.APPROVED


def start_evaluation(page: Page, live_server, round_: Round) -> int:
    """The coordinator makes the evaluation, opens it in the survey builder and invites everyone admitted."""
    closing = live_server.url + reverse("benchmarking:round_closing", args=[round_.pk])
    page.goto(closing)
    assert_accessible(page)
    click(page, "Create the evaluation")
    round_.refresh_from_db()
    page.wait_for_url(live_server.url + reverse("surveys:detail", args=[round_.evaluation_id]))
    assert_accessible(page)
    click(page, "Open the survey")
    expect_message(page, "The survey is open. Invite the people who should answer it.")
    page.goto(closing)
    page.get_by_label(sv("All admitted participants"), exact=True).check()
    click(page, "Invite to the evaluation")
    page.wait_for_url(closing)
    with translation.override("sv"):
        invited = translation.ngettext("%(n)s participant is invited to the evaluation.",
                                       "%(n)s participants are invited to the evaluation.", 12) % {"n": 12}
    expect(page.locator("main")).to_contain_text(invited)
    assert_accessible(page)
    return round_.evaluation_id


def answer(page: Page, live_server, invitation: Invitation) -> None:
    """A participant follows the link in the invitation, without logging in, and answers."""
    email = OutboxItem.objects.get(key=f"survey-invitation:{invitation.pk}")
    assert email.state == OutboxItem.State.DONE, email.last_error
    prefix = live_server.url + reverse("surveys:answer", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(prefix) + r"\S+/", email.payload["text"])
    assert len(links) == 1, email.payload["text"]
    page.goto(links[0])
    assert_accessible(page)
    main = page.locator("main")
    main.locator("fieldset").nth(0).get_by_label("5", exact=True).check()
    texts = main.locator("textarea")
    texts.nth(0).fill("Hur kollegorna planerar lektionerna tillsammans.")
    texts.nth(1).fill("Exit tickets i slutet av lektionen.")
    main.locator("fieldset").filter(has_text=sv("Would you recommend benchmarking to a colleague?")).get_by_label(
        sv("Yes"), exact=True).check()
    click(page, "Send my answers")
    page.wait_for_url(live_server.url + reverse("surveys:answered"))
    assert_accessible(page)


def test_a_benchmarking_round_from_opening_to_the_evaluation(browser, live_server, settings, finance):
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    coordinator = make_coordinator()
    forget_coordinators()
    schools = [SchoolFactory(name=name) for name in SCHOOLS]
    # Twelve teachers from eight schools: two each from the first four, one each from the rest.
    placed = [*schools[:4], *schools]
    teachers = [member(school, Membership.Role.STAFF, email=f"larare{n}@example.se", name=f"Lärare {n + 1}")
                for n, school in enumerate(placed)]
    leaver = member(schools[0], Membership.Role.STAFF, email="avhopp@example.se", name="Vera Avhopp")

    with ExitStack() as stack:
        pages = {}

        def as_(user) -> Page:
            if user.pk not in pages:
                pages[user.pk] = open_page(browser, live_server, stack, user)
            return pages[user.pk]

        round_ = open_round(as_(coordinator), live_server)

        register_through_the_form(as_(teachers[0]), live_server, round_)
        for n, (teacher, school) in enumerate(zip(teachers, placed, strict=True)):
            if n:
                interests.interest_register(round=round_, user=teacher, school=school, grades=GRADES[n % 4],
                                            subjects="Svenska, matematik", unavailable_days=[])
        withdraw(as_(leaver), live_server, interests.interest_register(
            round=round_, user=leaver, school=schools[0], grades=["3"], subjects="Engelska", unavailable_days=[]))
        assert round_.interests.filter(withdrawn_at__isnull=True).count() == 12
        assert OutboxItem.objects.filter(key__startswith="benchmarking-interest-registered:").count() == 13

        Round.objects.filter(pk=round_.pk).update(interest_closes_at=timezone.now() - timedelta(minutes=1))
        page = as_(coordinator)
        page.goto(live_server.url + reverse("benchmarking:round_detail", args=[round_.pk]))
        for text, count in (("Registered: %(count)s", 12), ("Withdrawn: %(count)s", 1),
                            ("Schools represented: %(count)s", 8)):
            expect_message(page, text, count=count)
        assert_accessible(page)
        make_proposal(page, live_server, round_)
        move_one_person(page, live_server, round_)
        publish(page, live_server, round_)
        decisions = OutboxItem.objects.filter(key__startswith="benchmarking-decision:")
        assert decisions.count() == 12 and not decisions.exclude(state=OutboxItem.State.DONE).exists()
        group_emails = list(OutboxItem.objects.filter(key__startswith="benchmarking-group:"))
        assert len(group_emails) == 12 and all(e.payload["attachments"] for e in group_emails)  # calendar files

        # A group of three: one member answers on the page, the other two through the service.
        group = next(g for g in round_.groups.order_by("number") if g.members.count() == 3)
        members = list(group.members.select_related("user", "school").order_by("pk"))
        confirm_dates(as_(members[0].user), live_server, round_)
        for other in members[1:]:
            dates.date_answer_save(member=other, answer=DateAnswer.Answer.CONFIRMED, actor=other.user)
        page.goto(live_server.url + reverse("benchmarking:date_answers", args=[round_.pk]))
        expect(page.locator("main")).to_contain_text(sv("everyone has confirmed"))
        assert_accessible(page)

        visit = group.visits.select_related("host__user", "host__school").order_by("date").first()
        Visit.objects.filter(pk=visit.pk).update(date=timezone.localdate())
        confirm_held(as_(visit.host.user), live_server, visit)

        principal = member(visit.host.school, Membership.Role.PRINCIPAL, email="rektor@example.se",
                           name="Rut Rektor")
        made = claim(as_(principal), live_server, round_, visit.host.school)
        assert made.lines.count() == 1 and made.lines.get().amount == 185000
        approve(as_(finance), live_server, made)
        told = OutboxItem.objects.get(key=f"benchmarking-claim-approved:{made.pk}")
        assert told.payload["to"] == [principal.email]

        survey_id = start_evaluation(as_(coordinator), live_server, round_)
        invitation = Invitation.objects.filter(survey_id=survey_id, user=teachers[0]).get()
        answer(as_(teachers[0]), live_server, invitation)
        assert Response.objects.filter(survey_id=survey_id).count() == 1
