"""The whole way to a certified inspiration site, in Chromium, as the people walk it: a teacher
applies for the school, the principal endorses through the emailed link, an administrator prepares
the basis, the director approves, and the site appears in the public catalogue. axe-core checks
every page on the way.

Fields are found by their visible Swedish labels (taken from the forms themselves, so a changed
wording or translation does not break the test), as a screen reader user would find them.
"""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import Page, expect

from inspira.certification import casework_forms, forms
from inspira.certification.models import Application, BasisDocument, Decision, DecisionLetter
from inspira.core.models import OutboxItem
from inspira.schools.models import SchoolForm
from inspira.schoolyears.models import school_year_start
from tests.browser.helpers import assert_accessible, login, logout
from tests.browser.test_interaction import field_error_problems
from tests.factories import FeeRuleFactory, SchoolYearFactory

pytestmark = pytest.mark.browser

AREA_TITLE = "Utematematik i årskurs 1–3"
PLAN = [("08:30", "09:00", "Välkomna och fika"), ("09:00", "10:30", "Besök i en lektion på skolgården"),
        ("10:30", "11:45", "Samtal med arbetslaget och frågor")]
PICTURE_DESCRIPTION = "Elever mäter skolgården med måttband"
CONTACT_NOTE = "Ringde rektorn om planen för besöket."


def sv(text) -> str:
    """``text`` (a msgid or a lazy translation) as the Swedish page shows it."""
    with translation.override("sv"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def label(form_class, name: str) -> re.Pattern:
    """The field's label, whole: crispy-forms marks a required field with an asterisk."""
    return re.compile(rf"^\s*{re.escape(sv(form_class.base_fields[name].label))}\s*\*?\s*$")


def click(page: Page, name: str, role: str = "button") -> None:
    """Press a button (or follow a link) in the page's main part by its Swedish name."""
    page.locator("main").get_by_role(role, name=sv(name), exact=True).click()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def fee_rule_of_today(db):
    year = SchoolYearFactory(start_year=school_year_start(timezone.localdate()))
    return FeeRuleFactory(school_year=year, establishment_support_ore=1_000_000)


def apply(page: Page, live_server, staff, school) -> Application:
    """The teacher applies for the school, step by step, and submits to the principal."""
    login(page, live_server, staff)
    click(page, "Apply to become an inspiration site", role="link")
    expect(page.locator("h1")).to_have_text(sv("Apply to become an inspiration site"))
    assert_accessible(page)
    expect(page.get_by_label(label(forms.StartForm, "school"))).to_have_value(str(school.pk))
    click(page, "Start the application")
    application = Application.objects.get(school=school)
    step_url = live_server.url + reverse("certification:step", args=[application.pk, 1])

    # Step 1, first with a mistake: work that starts in the future.
    page.wait_for_url(step_url)
    expect(page.locator("h1")).to_have_text(sv("About the site"))
    assert_accessible(page)
    today = timezone.localdate()
    since = page.get_by_label(label(forms.SiteStepForm, "experience_since"))
    since.fill((today + datetime.timedelta(days=10)).isoformat())
    click(page, "Save and continue")
    page.wait_for_url(step_url)
    expect(page.locator("main")).to_contain_text(sv("The date cannot be in the future."))
    expect(since).to_have_attribute("aria-invalid", "true")
    assert field_error_problems(page) == []
    assert_accessible(page)  # with the errors showing

    page.get_by_label(label(forms.SiteStepForm, "area_title")).fill(AREA_TITLE)
    page.get_by_label(label(forms.SiteStepForm, "area_description")).fill(
        "Vi undervisar matematik utomhus varje vecka.\n\nBesökarna ser en lektion och får med sig övningar.")
    since.fill(today.replace(year=today.year - 3, day=1).isoformat())
    click(page, "Save and continue")

    # Step 2: the half-day plan, one activity a row.
    page.wait_for_url(live_server.url + reverse("certification:step", args=[application.pk, 2]))
    expect(page.locator("h1")).to_have_text(sv("The half-day plan"))
    assert_accessible(page)
    page.get_by_label(label(forms.PlanStepForm, "plan_introduction")).fill("Ta med kläder för att vara ute.")
    for number, (start, end, activity) in enumerate(PLAN, start=1):
        with translation.override("sv"):
            row_name = translation.gettext("Row %(number)s") % {"number": number}
        row = page.get_by_role("group", name=row_name, exact=True)
        row.get_by_label(label(forms.PlanItemForm, "start_time")).fill(start)
        row.get_by_label(label(forms.PlanItemForm, "end_time")).fill(end)
        row.get_by_label(label(forms.PlanItemForm, "activity")).fill(activity)
    click(page, "Save and continue")

    # Step 3: target groups and the five-visit commitment.
    page.wait_for_url(live_server.url + reverse("certification:step", args=[application.pk, 3]))
    expect(page.locator("h1")).to_have_text(sv("Target groups and commitment"))
    assert_accessible(page)
    page.get_by_label(sv(SchoolForm.objects.get(code=SchoolForm.Code.COMPULSORY)), exact=True).check()
    for grade in (Application.Grade.YEAR_1, Application.Grade.YEAR_2, Application.Grade.YEAR_3):
        page.get_by_label(sv(grade.label), exact=True).check()
    page.get_by_label(label(forms.TargetsStepForm, "subjects")).fill("matematik, idrott och hälsa")
    page.get_by_label(label(forms.TargetsStepForm, "commits_to_five_visits")).check()
    click(page, "Save and continue")

    # Step 4: the contact person (the teacher, offered already) and the principal.
    page.wait_for_url(live_server.url + reverse("certification:step", args=[application.pk, 4]))
    expect(page.locator("h1")).to_have_text(sv("Contact persons and principal"))
    assert_accessible(page)
    with translation.override("sv"):
        first_contact = translation.gettext("Contact person %(number)s") % {"number": 1}
    contact = page.get_by_role("group", name=first_contact, exact=True)
    expect(contact.get_by_label(label(forms.ContactForm, "email"))).to_have_value(staff.email)
    # The school's only principal is offered; no address can be typed.
    principal = page.get_by_label(label(forms.ContactsStepForm, "principal"))
    expect(principal).to_have_value(str(school.memberships.get(role="principal").user_id))
    click(page, "Save and continue")

    # Step 5: one picture, described for those who cannot see it.
    page.wait_for_url(live_server.url + reverse("certification:step", args=[application.pk, 5]))
    expect(page.locator("h1")).to_have_text(sv("Pictures"))
    assert_accessible(page)
    page.get_by_label(label(forms.ImageUploadForm, "image")).set_input_files(
        {"name": "skolgarden.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.get_by_label(label(forms.ImageUploadForm, "alt_text")).fill(PICTURE_DESCRIPTION)
    click(page, "Upload the picture")
    expect(page.locator("main").get_by_role("img", name=PICTURE_DESCRIPTION)).to_be_visible()
    assert_accessible(page)
    click(page, "Continue to review", role="link")

    # Step 6: review and submit.
    page.wait_for_url(live_server.url + reverse("certification:step", args=[application.pk, 6]))
    expect(page.locator("h1")).to_have_text(sv("Review and submit"))
    expect(page.locator("#problems")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(PLAN[1][2])
    assert_accessible(page)
    click(page, "Submit and send to the principal")
    page.wait_for_url(live_server.url + reverse("certification:detail", args=[application.pk]))
    expect(page.locator("main")).to_contain_text(sv(Application.Status.AWAITING_ENDORSEMENT.label))
    assert_accessible(page)
    logout(page)
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_ENDORSEMENT
    return application


def endorse(page: Page, live_server, application: Application) -> None:
    """The principal follows the link in the email, without an account, and endorses."""
    email = OutboxItem.objects.get(key__startswith=f"application-endorsement:{application.pk}:")
    assert email.state == OutboxItem.State.DONE
    assert email.payload["to"] == ["rektor@example.se"]
    endorse_prefix = live_server.url + reverse("certification:endorse", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(endorse_prefix) + r"\S+", email.payload["text"])
    assert len(links) == 1, email.payload["text"]

    page.goto(links[0])
    expect(page.locator("h1")).to_contain_text(application.school.name)
    expect(page.locator("main")).to_contain_text(PLAN[0][2])
    assert_accessible(page)
    page.get_by_label(sv("I endorse the application"), exact=True).check()
    click(page, "Send my answer")
    expect(page.locator("main")).to_contain_text(sv("Thank you. Your answer is saved and the applicant is told."))
    assert_accessible(page)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def prepare(page: Page, live_server, administrator, application: Application) -> None:
    """The administrator takes on the application, logs a call and sends the basis to the director."""
    login(page, live_server, administrator)
    click(page, "Applications", role="link")
    page.wait_for_url(live_server.url + reverse("certification:queue"))
    assert_accessible(page)
    click(page, application.display_name, role="link")
    case_url = live_server.url + reverse("certification:case", args=[application.pk])
    page.wait_for_url(case_url)
    assert_accessible(page)
    click(page, "Start preparing")
    expect(page.locator("main")).to_contain_text(sv(Application.Status.IN_PREPARATION.label))
    assert_accessible(page)

    log = page.locator("main form").filter(has=page.get_by_role("button", name=sv("Add to the log")))
    expect(log.get_by_label(label(casework_forms.ContactLogForm, "date"))).to_have_value(
        timezone.localdate().isoformat())
    log.get_by_label(label(casework_forms.ContactLogForm, "channel")).select_option(label=sv("Phone"))
    log.get_by_label(label(casework_forms.ContactLogForm, "note")).fill(CONTACT_NOTE)
    click(page, "Add to the log")
    expect(page.locator("section[aria-labelledby=contact-log] table")).to_contain_text(CONTACT_NOTE)
    assert_accessible(page)

    click(page, "Write the basis", role="link")
    page.wait_for_url(live_server.url + reverse("certification:basis_edit", args=[application.pk]))
    assert_accessible(page)
    page.get_by_label(label(casework_forms.BasisForm, "summary")).fill(
        "Skolan visar utematematik med en genomarbetad plan. Rektorn stödjer ansökan.")
    page.get_by_label(sv(BasisDocument.Recommendation.APPROVE.label), exact=True).check()
    page.get_by_label(label(casework_forms.BasisForm, "proposed_start_date")).fill(timezone.localdate().isoformat())
    click(page, "Save and send to the director")
    page.wait_for_url(case_url + "#basis")
    expect(page.locator("main")).to_contain_text(sv(Application.Status.SENT_TO_DIRECTOR.label))
    assert_accessible(page)
    logout(page)


def decide(page: Page, live_server, director, application: Application) -> Decision:
    """The director reads the basis and approves from today."""
    login(page, live_server, director)
    click(page, "Decisions", role="link")
    page.wait_for_url(live_server.url + reverse("certification:decisions"))
    assert_accessible(page)
    click(page, application.display_name, role="link")
    page.wait_for_url(live_server.url + reverse("certification:decide", args=[application.pk]))
    assert_accessible(page)
    outcome = page.get_by_label(sv("Approve: certify the site for two years"), exact=True)
    expect(outcome).to_be_checked()  # as the administration recommended
    start = page.get_by_label(label(casework_forms.DecisionForm, "start_date"))
    start.fill(timezone.localdate().isoformat())
    click(page, "Make the decision")
    page.wait_for_url(live_server.url + reverse("certification:decisions"))
    decision = Decision.objects.get(application=application)
    expect(page.locator("main")).to_contain_text(decision.reference)
    assert_accessible(page)

    # The letter was rendered and emailed by the outbox job when the decision was committed.
    letter_job = OutboxItem.objects.get(key=f"decision-letter:{decision.pk}")
    assert letter_job.state == OutboxItem.State.DONE, letter_job.last_error
    assert DecisionLetter.objects.filter(decision=decision).exists()
    letter_emails = OutboxItem.objects.filter(key__startswith=f"decision-letter-email:{decision.pk}:")
    recipients = sorted(to for item in letter_emails for to in item.payload["to"])
    assert recipients == sorted([application.applicant.email, application.principal_email])
    assert {item.state for item in letter_emails} == {OutboxItem.State.DONE}

    page.locator("main").get_by_role("link", name=decision.reference, exact=True).click()
    page.wait_for_url(re.compile(re.escape(live_server.url + reverse("certification:case", args=[application.pk]))))
    decisions = page.locator("section[aria-labelledby=decisions]")
    expect(decisions).to_contain_text(decision.reference)
    expect(decisions).to_contain_text(sv(Decision.Outcome.APPROVE.label))
    letter_link = decisions.get_by_role("link", name=re.compile(re.escape(decision.reference)))
    letter = page.request.get(letter_link.get_attribute("href"))
    assert letter.status == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert_accessible(page)
    logout(page)
    return decision


def find_in_catalogue(page: Page, live_server, application: Application) -> None:
    """Anyone finds the new site by searching, reads its plan and gets its leaflet."""
    page.goto(live_server.url + reverse("core:home"))
    page.get_by_role("navigation").get_by_role("link", name=sv("Inspiration sites"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("catalogue:index"))
    search = page.get_by_role("searchbox", name=sv("Search"), exact=True)
    search.fill("utematematik")
    search.press("Enter")
    page.wait_for_url(re.compile(r"\?.*q=utematematik"))
    expect(page.locator("main")).to_contain_text(application.school.name)
    assert_accessible(page)

    page.locator("main").get_by_role("link", name=AREA_TITLE, exact=True).click()
    certification = application.certification
    page.wait_for_url(live_server.url + reverse("catalogue:site", args=[certification.pk]))
    expect(page.locator("h1")).to_have_text(AREA_TITLE)
    plan = page.locator("section[aria-labelledby=plan] table")
    for start, end, activity in PLAN:
        expect(plan.get_by_role("row", name=f"{start} {end} {activity}")).to_be_visible()
    expect(page.locator("main").get_by_role("img", name=PICTURE_DESCRIPTION)).to_be_visible()
    assert_accessible(page)

    leaflet = page.locator("main").get_by_role("link", name=sv("Leaflet to print (PDF)"), exact=True)
    response = page.request.get(leaflet.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_a_school_becomes_an_inspiration_site(page, live_server, settings, school, staff, principal, administrator,
                                              director, fee_rule_of_today):
    settings.SITE_URL = live_server.url  # links in emails lead to this server
    application = apply(page, live_server, staff, school)
    endorse(page, live_server, application)
    prepare(page, live_server, administrator, application)
    decision = decide(page, live_server, director, application)

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    certification = application.certification
    assert certification.decision == decision
    assert certification.starts_on == timezone.localdate()
    assert certification.support_payment.amount_ore == fee_rule_of_today.establishment_support_ore

    find_in_catalogue(page, live_server, application)
