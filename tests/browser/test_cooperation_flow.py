"""A cooperation programme from setting it up to its report, in Chromium, as the people walk it (seed 004,
"Samverkan för bästa skola"): an administrator sets the programme up through the form, with its partners
Skolverket and Stockholms universitet, three years, its development areas and two process leaders; efforts
are added on the three levels; a process leader documents a lesson learnt and a good example on an
effort's page; the administrator plans the closing seminar through its page; the staff of the units
register and attendance is marked; the programme's overview shows the attendance per unit, every unit
represented but one, which is marked "not represented"; the lessons page lists every unit's lessons; the
report is downloaded as PDF and as Excel. axe-core checks every page on the way, at desktop and phone
width. Each person has a browser context of their own.

What is done through services or written to the database instead of the pages, and why:
- the people, schools and memberships are made by factories (signing up is tested elsewhere);
- two efforts are added through the form (one for the political leadership, with no units, and one
  for two school units); the other four with ``cooperation_services.cooperation_effort_create``: the
  form is the same page each time, and four more rounds of it would only add seconds;
- the lessons of the units the process leader does not document on the page are written with
  ``documents.document_add`` (the one way to add documentation, which the page calls too);
- the staff register for the seminar with ``events.registrations.registration_create``, and their
  attendance is marked with ``events.attendance.attendance_mark`` as of the seminar's start (the event
  pages that do both are tested in test_attendance.py and test_pages.py; ticks are taken from the
  event's day, a month ahead, and the service takes ``now`` for that).
"""

import io
from contextlib import ExitStack
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from inspira.efforts import cooperation_services as services
from inspira.efforts.documents import document_add
from inspira.efforts.forms_cooperation import CooperationForm, DocumentForm, EffortForm, SeminarForm
from inspira.efforts.models import Area, CooperationProgramme, Document, Effort, Level
from inspira.events.attendance import ABSENT, PRESENT, attendance_mark, version_now
from inspira.events.models import Registration
from inspira.events.registrations import registration_create
from tests.browser.conftest import new_page
from tests.browser.helpers import assert_accessible, login
from tests.browser.test_certification_flow import click, label, sv
from tests.efforts.factories import cooperation_on
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.browser

TITLE = "Samverkan för bästa skola"
UNITS = ["Ekskolan", "Björkskolan", "Granskolan", "Tallskolan"]
ABSENT_UNIT = "Tallskolan"  # its staff registered, but nobody came
AREAS = ["Struktur och organisation", "Undervisningsnära utveckling", "Språkutvecklande arbetssätt",
         "Kollegialt lärande", "Elevhälsoprocesser"]
PARTNERS = [("Skolverket", "Väljer ut huvudmän och erbjuder stöd"),
            ("Stockholms universitet", "Processledare för insatserna")]
# The PDF report is rendered while the request waits; WeasyPrint's first import alone takes seconds.
SLOW_MS = 30_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_page(browser, live_server, stack: ExitStack, user) -> Page:
    """A browser context of the person's own, logged in through the form."""
    page = new_page(browser, live_server)
    stack.callback(page.context.close)
    login(page, live_server, user)
    return page


def expect_message(page: Page, text: str, **params) -> None:
    expect(page.locator("main")).to_contain_text(sv(text) % params if params else sv(text))


def set_up_programme(page: Page, live_server, leaders) -> CooperationProgramme:
    """The administrator finds the programmes in the menu and sets one up through the form."""
    page.get_by_role("navigation").get_by_role("link", name=sv("Cooperation programmes"), exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("cooperation:programme_list"))
    expect(page.locator("main")).to_contain_text(sv("No cooperation programmes yet."))
    assert_accessible(page)
    click(page, "Set up a programme", role="link")
    page.wait_for_url(live_server.url + reverse("cooperation:programme_create"))
    assert_accessible(page)
    year = timezone.localdate().year
    page.get_by_label(label(CooperationForm, "title")).fill(TITLE)
    page.get_by_label(label(CooperationForm, "description")).fill(
        "Tre år med Skolverket och Stockholms universitet: utveckling på flera nivåer.")
    page.get_by_label(label(CooperationForm, "first_year")).fill(str(year))
    page.get_by_label(label(CooperationForm, "last_year")).fill(str(year + 2))
    for name in AREAS:
        page.locator("main").get_by_label(name, exact=True).check()
    page.get_by_label(label(CooperationForm, "process_leaders")).select_option([str(p.pk) for p in leaders])
    for row, (name, role) in enumerate(PARTNERS):
        page.locator(f"main [name='partners-{row}-name']").fill(name)
        page.locator(f"main [name='partners-{row}-role']").fill(role)
    click(page, "Save")
    made = CooperationProgramme.objects.get(title=TITLE)
    page.wait_for_url(live_server.url + reverse("cooperation:programme_detail", args=[made.pk]))
    expect_message(page, "The programme is set up.")
    main = page.locator("main")
    expect(main).to_contain_text(f"{year}–{year + 2}")
    for name, role in PARTNERS:
        expect(main).to_contain_text(f"{name} ({role})")
    expect(main).to_contain_text(sv("The programme has no efforts yet."))
    assert_accessible(page)
    assert [p.name for p in made.partners.all()] == [name for name, _role in PARTNERS]
    assert made.areas.count() == len(AREAS) and set(made.process_leaders.all()) == set(leaders)
    return made


def add_effort(page: Page, live_server, cooperation, *, title: str, level: str, area: str, schools=(),
               leader) -> Effort:
    """The administrator adds an effort from the programme's page."""
    page.goto(live_server.url + reverse("cooperation:programme_detail", args=[cooperation.pk]))
    click(page, "Add an effort", role="link")
    page.wait_for_url(live_server.url + reverse("cooperation:effort_create", args=[cooperation.pk]))
    assert_accessible(page)
    page.get_by_label(label(EffortForm, "title")).fill(title)
    page.get_by_label(label(EffortForm, "level")).select_option(level)
    page.get_by_label(label(EffortForm, "area")).select_option(label=area)
    if schools:
        page.get_by_label(label(EffortForm, "schools")).select_option([str(s.pk) for s in schools])
    page.get_by_label(label(EffortForm, "leader")).select_option(str(leader.pk))
    page.get_by_label(label(EffortForm, "goals")).fill("Alla deltagare har en gemensam bild av målen.")
    click(page, "Save")
    effort = Effort.objects.get(cooperation=cooperation, title=title)
    page.wait_for_url(live_server.url + reverse("cooperation:effort_detail", args=[effort.pk]))
    expect_message(page, "The effort is added to the programme and runs.")
    assert_accessible(page)
    assert effort.state == Effort.State.RUNNING and effort.leader == leader
    assert set(effort.schools.all()) == set(schools)
    return effort


def document(page: Page, live_server, effort, *, kind: str, title: str, text: str, school=None) -> None:
    """The process leader adds to the effort's log on its page."""
    detail = live_server.url + reverse("cooperation:effort_detail", args=[effort.pk])
    page.goto(detail)
    click(page, "Add to the log", role="link")
    page.wait_for_url(live_server.url + reverse("cooperation:effort_document", args=[effort.pk]))
    assert_accessible(page)
    page.get_by_label(label(DocumentForm, "kind")).select_option(kind)
    page.get_by_label(label(DocumentForm, "title")).fill(title)
    page.get_by_label(label(DocumentForm, "text")).fill(text)
    if school is not None:
        page.get_by_label(label(DocumentForm, "school")).select_option(label=school.name)
    click(page, "Add")
    page.wait_for_url(detail)
    expect_message(page, "The entry is added to the effort's log.")
    expect(page.locator("main table")).to_contain_text(title)
    assert_accessible(page)


def plan_seminar(page: Page, live_server, cooperation) -> None:
    """The administrator plans the closing seminar from the programme's page."""
    detail = live_server.url + reverse("cooperation:programme_detail", args=[cooperation.pk])
    page.goto(detail)
    expect(page.locator("main")).to_contain_text(sv("The closing seminar is not planned yet."))
    click(page, "Plan the closing seminar", role="link")
    page.wait_for_url(live_server.url + reverse("cooperation:seminar_create", args=[cooperation.pk]))
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=30)
    page.get_by_label(label(SeminarForm, "day")).fill(day.isoformat())
    page.get_by_label(label(SeminarForm, "starts")).fill("09:00")
    page.get_by_label(label(SeminarForm, "ends")).fill("15:00")
    page.get_by_label(label(SeminarForm, "place")).fill("Stadshuset, stora salen")
    expect(page.get_by_label(label(SeminarForm, "capacity"))).to_have_value("80")
    click(page, "Plan the seminar")
    page.wait_for_url(detail)
    expect_message(page, "The closing seminar is made. The staff of the programme's units and its process "
                         "leaders can register for it.")
    assert_accessible(page)


def check_attendance(page: Page, live_server, cooperation, came: dict[str, int]) -> None:
    """The programme's overview: the seminar's attendance per unit, the unit nobody came from marked."""
    page.goto(live_server.url + reverse("cooperation:programme_detail", args=[cooperation.pk]))
    table = page.locator("main table#attendance")
    for name in UNITS:
        row = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))
        expect(row).to_have_count(1)
        registered, attended, represented = (row.locator("td").nth(n) for n in range(3))
        expect(registered).to_have_text("2")
        expect(attended).to_have_text(str(came[name]))
        expect(represented).to_contain_text(sv("Yes") if came[name] else sv("Not represented"))
    expect(table.locator("td", has_text=sv("Not represented"))).to_have_count(1)
    with translation.override("sv"):
        one_missing = translation.ngettext("%(n)s unit was not represented.", "%(n)s units were not represented.",
                                           1) % {"n": 1}
    expect(page.locator("main [role=status]")).to_contain_text(one_missing)
    assert_accessible(page)


def check_lessons(page: Page, live_server, cooperation, lessons: dict[str, list[str]]) -> None:
    """Every unit's lessons on one page, each unit under its own heading."""
    page.goto(live_server.url + reverse("cooperation:programme_detail", args=[cooperation.pk]))
    click(page, "Lessons and good examples", role="link")
    page.wait_for_url(live_server.url + reverse("cooperation:programme_lessons", args=[cooperation.pk]))
    sections = page.locator("main section")
    for heading, titles in lessons.items():
        section = sections.filter(has=page.get_by_role("heading", name=heading, exact=True, level=2))
        expect(section).to_have_count(1)
        for title in titles:
            expect(section).to_contain_text(title)
    assert_accessible(page)


def download_report(page: Page, live_server, cooperation) -> None:
    """The report's two links on the programme's page, followed with the administrator's session."""
    page.goto(live_server.url + reverse("cooperation:programme_detail", args=[cooperation.pk]))
    main = page.locator("main")
    pdf_link = main.get_by_role("link", name=sv("Programme report (PDF)"), exact=True).get_attribute("href")
    assert pdf_link == reverse("cooperation:programme_report_pdf", args=[cooperation.pk])
    # The PDF is made while the request waits (WeasyPrint, imported on the first one).
    pdf = page.request.get(live_server.url + pdf_link, timeout=SLOW_MS)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    xlsx_link = main.get_by_role("link", name=sv("The report's data (Excel)"), exact=True).get_attribute("href")
    xlsx = page.request.get(live_server.url + xlsx_link)
    assert xlsx.status == 200 and xlsx.headers["content-type"] == XLSX
    workbook = load_workbook(io.BytesIO(xlsx.body()), read_only=True)
    attendance = {row[0]: row[3] for row in workbook.worksheets[-1].iter_rows(min_row=2, values_only=True)}
    assert attendance[ABSENT_UNIT] == sv("No")
    assert all(attendance[name] == sv("Yes") for name in UNITS if name != ABSENT_UNIT)


def test_a_cooperation_programme_from_setting_up_to_the_report(browser, live_server, administrator):
    cooperation_on()
    schools = {name: SchoolFactory(name=name) for name in UNITS}
    pia = UserFactory(email="pia@su.example.se", name="Pia Processledare")
    per = UserFactory(email="per@su.example.se", name="Per Processledare")
    staff = {name: [member(school, email=f"personal{n}.{unit}@example.se", name=f"Personal {n + 1} {name}")
                    for n in range(2)] for unit, (name, school) in enumerate(schools.items())}
    areas = {area.name: area for area in Area.objects.all()}

    with ExitStack() as stack:
        admin = open_page(browser, live_server, stack, administrator)
        cooperation = set_up_programme(admin, live_server, [pia, per])
        add_effort(admin, live_server, cooperation, title="Kunskapsresultaten i nämndens arbete",
                   level=Level.POLITICAL, area="Struktur och organisation", leader=per)
        language = add_effort(admin, live_server, cooperation, title="Språkutvecklande arbetssätt i alla ämnen",
                              level=Level.SCHOOL_UNIT, area="Språkutvecklande arbetssätt",
                              schools=[schools["Ekskolan"], schools["Björkskolan"]], leader=pia)
        more = {}
        for title, level, area, units, leader in (
                ("Systematiskt kvalitetsarbete i förvaltningen", Level.ADMINISTRATION, "Struktur och organisation",
                 [], per),
                ("Kollegialt lärande i matematik", Level.SCHOOL_UNIT, "Kollegialt lärande", ["Granskolan"], pia),
                ("Elevhälsans processer", Level.SCHOOL_UNIT, "Elevhälsoprocesser", ["Tallskolan"], per),
                ("Undervisningsnära utveckling i åk 7–9", Level.SCHOOL_UNIT, "Undervisningsnära utveckling",
                 ["Granskolan", "Tallskolan"], pia)):
            more[title] = services.cooperation_effort_create(
                cooperation=cooperation, actor=administrator, title=title, level=level, area=areas[area],
                schools=[schools[name] for name in units], leader=leader)

        # The process leader documents on the page: a lesson of the whole effort (so of both its units)
        # and a good example from one unit.
        leader_page = open_page(browser, live_server, stack, pia)
        leader_page.goto(live_server.url + reverse("cooperation:programme_list"))
        expect(leader_page.locator("main")).to_contain_text(TITLE)
        assert_accessible(leader_page)
        document(leader_page, live_server, language, kind=Document.Kind.LESSON,
                 title="Stöttning i alla ämnen", text="Lärarna planerar stöttningen tillsammans, ämne för ämne.")
        document(leader_page, live_server, language, kind=Document.Kind.GOOD_EXAMPLE,
                 title="Ordväggen i åk 5", text="Veckans ämnesord på väggen, med bilder.",
                 school=schools["Björkskolan"])
        for effort, title in ((more["Kollegialt lärande i matematik"], "Lärgrupper i matematik"),
                              (more["Elevhälsans processer"], "Tidiga signaler tas upp varje vecka"),
                              (more["Systematiskt kvalitetsarbete i förvaltningen"], "Gemensam årsplan")):
            document_add(effort=effort, actor=effort.leader, kind=Document.Kind.LESSON, title=title,
                         text="Det som fungerade bäst.")

        plan_seminar(admin, live_server, cooperation)
        cooperation.refresh_from_db()
        seminar = cooperation.closing_seminar
        assert seminar.starts_at == timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=30),
                                                                          time(9)))

        # Everyone's staff registers; everyone registered comes, but for the one unit nobody came from.
        # One process leader registers too (counted under "others").
        at = seminar.starts_at
        for name, people in [*staff.items(), ("", [pia])]:
            for person in people:
                attendance_mark(registration=registration_create(event=seminar, user=person),
                                state=ABSENT if name == ABSENT_UNIT else PRESENT, version=version_now(at), now=at)
        assert Registration.objects.filter(event=seminar, attended=True).count() == 7

        came = {name: 0 if name == ABSENT_UNIT else 2 for name in UNITS}
        check_attendance(admin, live_server, cooperation, came)
        check_lessons(admin, live_server, cooperation, {
            "Ekskolan": ["Stöttning i alla ämnen"],
            "Björkskolan": ["Stöttning i alla ämnen", "Ordväggen i åk 5"],
            "Granskolan": ["Lärgrupper i matematik"],
            "Tallskolan": ["Tidiga signaler tas upp varje vecka"],
            sv(Level.ADMINISTRATION.label): ["Gemensam årsplan"],
        })
        download_report(admin, live_server, cooperation)
