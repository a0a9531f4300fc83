"""A study visit from the catalogue to the feedback, in Chromium, as the people walk it: a teacher finds a
site in the public catalogue and books one of its occasions; the host sees the booking and, once the visit
day has passed, records it as completed; the visitors give their feedback through the emailed link,
without logging in. axe-core checks every page on the way.

The visit day is moved into the past in the database between booking and recording (booking needs a
coming occasion, recording a past one). When the billing app is installed, the completion records the
fees by the school year's fee rule, so the test adds one.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspira.accounts.models import Membership
from inspira.core.models import OutboxItem
from inspira.visits import forms
from inspira.visits.models import Booking, Feedback, Occasion
from tests.browser.helpers import assert_accessible, login, logout
from tests.browser.test_certification_flow import click, label, sv
from tests.catalogue.conftest import make_site
from tests.factories import MembershipFactory, UserFactory
from tests.visits.builders import make_occasion
from tests.visits.conftest import ensure_fee_rules

pytestmark = pytest.mark.browser

AREA_TITLE = "Utematematik i årskurs 1–3"
TAKEAWAYS = "Måttbanden på skolgården och hur eleverna själva planerar mätningarna."
QUESTIONS = "Hur bedömer ni elevernas mätningar under vintern?"


@pytest.fixture
def teacher(other_school):
    return MembershipFactory(school=other_school, role=Membership.Role.STAFF,
                             user=UserFactory(email="vera@example.se", name="Vera Besökare")).user


@pytest.fixture
def occasion(school, site_contact):
    site = make_site(school=school, area_title=AREA_TITLE)
    return make_occasion(certification=site, day=timezone.localdate() + timedelta(days=9), capacity=12)


def book(page: Page, live_server, teacher, occasion: Occasion) -> Booking:
    """The teacher finds the site among those with occasions to book, and books one for the school."""
    login(page, live_server, teacher)
    page.get_by_role("navigation").get_by_role("link", name=sv("Inspiration sites"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("catalogue:index"))
    page.get_by_label(sv("Only sites with study visits to book now"), exact=True).check()
    page.locator("main form[role=search]").get_by_role("button", name=sv("Search"), exact=True).click()
    page.wait_for_url(re.compile(r"\?.*free_occasions=on"))
    assert_accessible(page)

    page.locator("main").get_by_role("link", name=AREA_TITLE, exact=True).click()
    page.wait_for_url(live_server.url + reverse("catalogue:site", args=[occasion.certification_id]))
    occasions = page.locator("section[aria-labelledby=occasions]")
    expect(occasions).to_contain_text(sv("Book a study visit"))
    assert_accessible(page)
    occasions.get_by_role("link", name=re.compile("^" + re.escape(sv("Book")))).first.click()

    page.wait_for_url(live_server.url + reverse("visits:book", args=[occasion.pk]))
    expect(page.locator("h1")).to_have_text(sv("Book a study visit"))
    assert_accessible(page)
    page.get_by_label(label(forms.BookingForm, "participants")).fill("3")
    page.get_by_label(label(forms.BookingForm, "participant_names")).fill("Vera Besökare\nOla Olsson\nSara Svensson")
    page.get_by_label(label(forms.BookingForm, "message")).fill("Vi är tre lärare i årskurs 2.")
    click(page, "Book")

    booking = Booking.objects.get(occasion=occasion)
    page.wait_for_url(live_server.url + reverse("visits:booking", args=[booking.pk]))
    expect(page.locator("main")).to_contain_text(
        sv("The visit is booked. A confirmation with a calendar file is on its way by email."))
    expect(page.locator("main")).to_contain_text(sv(Booking.Status.CONFIRMED.label))
    assert_accessible(page)
    logout(page)
    assert booking.status == Booking.Status.CONFIRMED and booking.participants == 3
    return booking


def record(page: Page, live_server, site_contact, booking: Booking) -> None:
    """The host sees the coming visit; after the visit day it records the visit as completed."""
    login(page, live_server, site_contact)
    click(page, "My schools' study visits", role="link")
    page.wait_for_url(live_server.url + reverse("visits:mine"))
    assert_accessible(page)
    certification = booking.occasion.certification
    page.locator("main").get_by_role("link", name=certification.display_name, exact=True).click()
    dashboard = live_server.url + reverse("visits:site_visits", args=[certification.pk])
    page.wait_for_url(dashboard)
    expect(page.locator("section[aria-labelledby=visits] table")).to_contain_text(booking.school.name)
    expect(page.locator("section[aria-labelledby=commitment]")).to_contain_text(sv("behind"))
    assert_accessible(page)

    # The visit day passes.
    Occasion.objects.filter(pk=booking.occasion_id).update(date=timezone.localdate() - timedelta(days=1))
    page.reload()
    click(page, "Record them", role="link")
    page.wait_for_url(dashboard + "?visa=att-registrera")
    assert_accessible(page)
    page.locator("main table").get_by_role(
        "link", name=re.compile("^" + re.escape(sv("Record whether it took place")))).click()
    page.wait_for_url(live_server.url + reverse("visits:booking_outcome", args=[booking.pk]))
    expect(page.locator("h1")).to_have_text(sv("Did the visit take place?"))
    assert_accessible(page)
    page.get_by_label(sv("Yes, the visit took place (completed)"), exact=True).check()
    click(page, "Save")

    page.wait_for_url(dashboard + "?visa=att-registrera")
    expect(page.locator("main")).to_contain_text(
        sv("The visit is recorded as completed. The visitors are asked for their feedback."))
    expect(page.locator("section[aria-labelledby=commitment]")).to_contain_text("1")
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED and booking.outcome_marked_by == site_contact
    logout(page)


def give_feedback(page: Page, live_server, booking: Booking) -> None:
    """A visitor follows the emailed link, without logging in, and answers."""
    email = OutboxItem.objects.get(key=f"booking-feedback:{booking.pk}")
    assert email.state == OutboxItem.State.DONE, email.last_error
    assert email.payload["to"] == ["vera@example.se"]
    prefix = live_server.url + reverse("visits:feedback", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(prefix) + r"\S+/", email.payload["text"])
    assert len(links) == 1, email.payload["text"]

    page.goto(links[0])
    expect(page.locator("h1")).to_have_text(sv("Share with us – and get something back!"))
    expect(page.locator("main")).to_contain_text(booking.occasion.certification.display_name)
    assert_accessible(page)
    page.get_by_label(sv(dict(forms.RATINGS)[4]), exact=True).check()
    page.get_by_label(label(forms.FeedbackForm, "takeaways")).fill(TAKEAWAYS)
    page.get_by_label(label(forms.FeedbackForm, "questions")).fill(QUESTIONS)
    click(page, "Send the feedback")

    page.wait_for_url(links[0])
    expect(page.locator("main")).to_contain_text(sv("Thank you! Your feedback is saved and the site can read it."))
    expect(page.get_by_label(label(forms.FeedbackForm, "takeaways"))).to_have_value(TAKEAWAYS)
    assert_accessible(page)
    feedback = Feedback.objects.get(booking=booking)
    assert (feedback.rating, feedback.takeaways, feedback.questions) == (4, TAKEAWAYS, QUESTIONS)


def test_a_teacher_books_the_host_records_and_the_visitors_give_feedback(page, live_server, settings, teacher,
                                                                       site_contact, occasion):
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    today = timezone.localdate()
    ensure_fee_rules(today, today - timedelta(days=1))  # for the fees, when billing is installed
    booking = book(page, live_server, teacher, occasion)
    record(page, live_server, site_contact, booking)
    give_feedback(page, live_server, booking)

    # The host reads the feedback on its dashboard.
    login(page, live_server, site_contact)
    page.goto(live_server.url + reverse("visits:site_feedback", args=[occasion.certification_id]))
    expect(page.locator("main")).to_contain_text(QUESTIONS)
    assert_accessible(page)


@pytest.fixture
def completed_visit(occasion, other_school, teacher, site_contact):
    """A visit yesterday, recorded as completed, with the visitors' feedback."""
    from inspira.visits import services
    from tests.visits.builders import make_booking

    today = timezone.localdate()
    ensure_fee_rules(today, today - timedelta(days=1))
    past = make_occasion(certification=occasion.certification, day=today - timedelta(days=1))
    booking = make_booking(occasion=past, school=other_school, booked_by=teacher, participants=4)
    services.booking_complete(booking=booking, actor=site_contact)
    services.feedback_save(booking=booking, rating=5, takeaways=TAKEAWAYS, questions=QUESTIONS)
    return booking


def test_the_other_visit_pages_are_accessible(page, live_server, administrator, site_contact, teacher,
                                              completed_visit):
    certification_id = completed_visit.occasion.certification_id
    pages = {
        administrator: [
            reverse("visits:all_bookings"),
            reverse("visits:all_bookings") + f"?site={certification_id}&date_from=2026-05-01&date_to=2026-04-01",
            reverse("visits:feedback_list"),
            reverse("visits:sites_overview") + "?behind=on",
            reverse("visits:booking", args=[completed_visit.pk]),
            reverse("visits:booking_outcome_undo", args=[completed_visit.pk]),
        ],
        site_contact: [
            reverse("visits:site_visits", args=[certification_id]) + "?visa=tidigare",
            reverse("visits:booking", args=[completed_visit.pk]),
        ],
        teacher: [
            reverse("visits:mine") + "?visa=tidigare",
            reverse("visits:booking", args=[completed_visit.pk]),
        ],
    }
    for person, urls in pages.items():
        login(page, live_server, person)
        for url in urls:
            assert page.goto(live_server.url + url).status == 200, url
            assert_accessible(page)
        logout(page)
    # A damaged feedback link, as anyone would meet it.
    assert page.goto(live_server.url + reverse("visits:feedback", args=["not-a-token"])).status == 404
    assert_accessible(page)
