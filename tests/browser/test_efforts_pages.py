"""The pages of development efforts (the ``efforts`` and ``cooperation`` namespaces) that the two flows
(test_efforts_flow.py, test_cooperation_flow.py) do not walk, or walk in another state, checked with axe
and Inspira's own rules at desktop and phone width, as test_pages.py checks the foundation's: the
centre's overview (filtered, and with nothing found), its closed days, the yearly survey, the
documentation, the session and clock forms, withdrawing, "Our efforts" with and without efforts, the
request form with its errors, and the cooperation programmes' list, forms, an ended effort and an empty
lessons page. The data is made with tests/efforts/factories.py and the services; one login per role."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspira.accounts.models import Membership
from inspira.efforts.models import Document, Effort, Level
from tests.browser.helpers import assert_accessible, login
from tests.browser.test_certification_flow import sv
from tests.efforts.factories import (
    CooperationFactory,
    DocumentFactory,
    EffortFactory,
    PartnerFactory,
    YearlySurveyFactory,
    area,
    clock_entry,
    closed_day,
    cooperation_effort,
    cooperation_on,
    effort_awaiting_proposal,
    effort_in_year,
    efforts_on,
    principal_of,
    process_leader_of,
    running_effort,
    session_of,
    unit_effort,
    yearly_answers,
    yearly_sent,
)
from tests.factories import MembershipFactory, SchoolFactory

pytestmark = pytest.mark.browser

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PAST_YEAR = 2024


class Centre:
    """What the centre's pages show: tailor-made efforts in every state of the clock, closed days, a
    planned and a sent yearly survey, and two cooperation programmes (one without efforts)."""

    def __init__(self, administrator):
        efforts_on()
        cooperation_on()
        today = timezone.localdate()
        self.ekskolan, self.bjorkskolan = SchoolFactory(name="Ekskolan"), SchoolFactory(name="Björkskolan")
        self.language = area("Språkutvecklande arbetssätt")
        # A proposal owed since a month ago (late), one paused, and one only requested.
        self.late = effort_awaiting_proposal(schools=[self.ekskolan], title="Språkutvecklande arbetssätt i åk 4–6",
                                             area=self.language, leader=administrator)
        clock_entry(self.late, "started", today - timedelta(days=30))
        paused = effort_awaiting_proposal(schools=[self.bjorkskolan], title="Läsförståelse i alla ämnen")
        clock_entry(paused, "started", today - timedelta(days=3))
        clock_entry(paused, "paused", today - timedelta(days=1), reason="Rektorn är bortrest.")
        EffortFactory(schools=[self.bjorkskolan], title="Digitala verktyg i undervisningen")
        # A running effort with its documentation and a planned session.
        self.running = running_effort(schools=[self.ekskolan], title="Kollegialt lärande i matematik",
                                      leader=administrator)
        for kind, title in ((Document.Kind.NOTE, "Första träffen"), (Document.Kind.LESSON, "Lärgrupper fungerar"),
                            (Document.Kind.GOOD_EXAMPLE, "Exit tickets i åk 5")):
            DocumentFactory(effort=self.running, kind=kind, title=title, school=self.ekskolan, author=administrator)
        self.session = session_of(self.running, actor=administrator)
        closed_day(today + timedelta(days=10), "Planeringsdag")
        closed_day(today - timedelta(days=40), "Personalresa")
        # The yearly survey: a past year sent and answered by five principals, and next year's planned.
        school = SchoolFactory(name="Granskolan")
        principal_of(school)
        effort_in_year(schools=[school], area=self.language, at=datetime(PAST_YEAR, 5, 1, tzinfo=STOCKHOLM))
        for area_survey in yearly_sent(PAST_YEAR).area_surveys.select_related("survey"):
            yearly_answers(area_survey.survey, 5)
        self.planned_year = today.year + 1
        YearlySurveyFactory(year=self.planned_year)
        # The cooperation programmes.
        self.cooperation = CooperationFactory(title="Samverkan för bästa skola", first_year=today.year - 1,
                                              last_year=today.year + 1)
        PartnerFactory(cooperation=self.cooperation, name="Skolverket", position=0)
        PartnerFactory(cooperation=self.cooperation, name="Stockholms universitet", position=1)
        leader = process_leader_of(self.cooperation, name="Pia Processledare")
        self.unit_effort = unit_effort(self.cooperation, [self.ekskolan, self.bjorkskolan], leader=leader,
                                       title="Språkutvecklande arbetssätt i alla ämnen", goals="Alla stöttar språket.")
        now = timezone.now()
        self.ended = cooperation_effort(self.cooperation, schools=[], level=Level.POLITICAL, leader=leader,
                                        area=self.cooperation.areas.first(), title="Kunskapsresultaten i nämnden",
                                        state=Effort.State.ENDED, ended_at=now, documentation_shared_at=now)
        DocumentFactory(effort=self.ended, kind=Document.Kind.LESSON, title="Nämnden följer resultaten", author=leader)
        self.empty = CooperationFactory(title="Skolutveckling i norr", first_year=today.year,
                                        last_year=today.year + 2)


class School:
    """A principal of two units, with no efforts until ``with_efforts`` is called."""

    def __init__(self, principal, school):
        efforts_on()
        self.principal, self.school = principal, school
        self.other = SchoolFactory(name="Katarina Norra skola")
        MembershipFactory(school=self.other, role=Membership.Role.PRINCIPAL, user=principal)

    def with_efforts(self) -> None:
        now = timezone.now()
        self.requested = EffortFactory(schools=[self.school], title="Språkutvecklande arbetssätt",
                                       requested_by=self.principal)
        running_effort(schools=[self.other], title="Kollegialt lärande i matematik", requested_by=self.principal)
        EffortFactory(schools=[self.school], title="Läsfrämjande arbete", requested_by=self.principal,
                      state=Effort.State.ENDED, ended_at=now, state_changed_at=now)


@pytest.fixture
def centre(administrator):
    return Centre(administrator)


@pytest.fixture
def unit(principal, school):
    return School(principal, school)


@pytest.fixture
def unit_with_efforts(unit):
    unit.with_efforts()
    return unit


def _overview(query: str = "") -> str:
    return reverse("efforts:overview") + query


# Page name -> (the fixture with its data, its address from that data, a msgid or text the page shows).
# A fixture's data is made when a page first asks for it.
PAGES = {
    "overview": ("centre", lambda c: _overview(), "Språkutvecklande arbetssätt i åk 4–6"),
    "overview_filtered": ("centre", lambda c: _overview(f"?q=spr%C3%A5k&state=proposal&area={c.language.pk}"
                                                        f"&school={c.ekskolan.pk}"),
                          "Språkutvecklande arbetssätt i åk 4–6"),
    "overview_nothing_found": ("centre", lambda c: _overview("?q=finns+inte"), "No efforts match the filter."),
    "closed_days": ("centre", lambda c: reverse("efforts:closed_days"), "Planeringsdag"),
    "closed_days_past": ("centre", lambda c: reverse("efforts:closed_days") + "?past=1", "Personalresa"),
    "yearly_list": ("centre", lambda c: reverse("efforts:yearly_list"), "Plan a year's survey"),
    "yearly_plan": ("centre", lambda c: reverse("efforts:yearly_plan"), "Plan a year's survey"),
    "yearly_detail_sent": ("centre", lambda c: reverse("efforts:yearly_detail", args=[PAST_YEAR]),
                           "Surveys per development area"),
    "yearly_detail_planned": ("centre", lambda c: reverse("efforts:yearly_detail", args=[c.planned_year]),
                              "The surveys are made when the survey is sent."),
    "yearly_edit": ("centre", lambda c: reverse("efforts:yearly_edit", args=[c.planned_year]), None),
    "yearly_results": ("centre", lambda c: reverse("efforts:yearly_results"), "Yearly survey: results over the years"),
    "documents": ("centre", lambda c: reverse("efforts:documents", args=[c.running.pk]), "Lärgrupper fungerar"),
    "document_add": ("centre", lambda c: reverse("efforts:document_add", args=[c.running.pk]), "Add documentation"),
    "session_add": ("centre", lambda c: reverse("efforts:session_add", args=[c.running.pk]), "Plan a session"),
    "session_edit": ("centre", lambda c: reverse("efforts:session_edit", args=[c.running.pk, c.session.pk]),
                     "Change the session"),
    "session_cancel": ("centre", lambda c: reverse("efforts:session_cancel", args=[c.running.pk, c.session.pk]),
                       None),
    "clock_pause": ("centre", lambda c: reverse("efforts:clock_pause", args=[c.late.pk]), "Pause the proposal clock"),
    "clock_extend": ("centre", lambda c: reverse("efforts:clock_extend", args=[c.late.pk]),
                     "Extend the time for the proposal"),
    "cooperation_index": ("centre", lambda c: reverse("cooperation:index"), "Cooperation for the best school"),
    "programme_list": ("centre", lambda c: reverse("cooperation:programme_list"), "Skolutveckling i norr"),
    "programme_edit": ("centre", lambda c: reverse("cooperation:programme_edit", args=[c.cooperation.pk]),
                       "Change the programme"),
    "programme_without_efforts": ("centre", lambda c: reverse("cooperation:programme_detail", args=[c.empty.pk]),
                                  "The programme has no efforts yet."),
    "lessons_without_efforts": ("centre", lambda c: reverse("cooperation:programme_lessons", args=[c.empty.pk]),
                                "The programme has no efforts yet."),
    "effort_edit": ("centre", lambda c: reverse("cooperation:effort_edit", args=[c.unit_effort.pk]),
                    "Change the effort"),
    "effort_end": ("centre", lambda c: reverse("cooperation:effort_end", args=[c.unit_effort.pk]), "End the effort"),
    "ended_effort": ("centre", lambda c: reverse("cooperation:effort_detail", args=[c.ended.pk]),
                     "Nämnden följer resultaten"),
    "mine_without_efforts": ("unit", lambda u: reverse("efforts:mine"), "Your units have no efforts under way."),
    "request_choose_unit": ("unit", lambda u: reverse("efforts:request"),
                            "You are the principal of several school units. Which unit is the effort for?"),
    "request_errors": ("unit", lambda u: reverse("efforts:request") + f"?school={u.school.pk}",
                       "Order a tailor-made effort"),
    "mine": ("unit_with_efforts", lambda u: reverse("efforts:mine"), "Läsfrämjande arbete"),
    "withdraw": ("unit_with_efforts", lambda u: reverse("efforts:withdraw", args=[u.requested.pk]),
                 "Withdraw the effort"),
}

ROLES = {
    "administrator": [
        "overview", "overview_filtered", "overview_nothing_found", "closed_days", "closed_days_past", "yearly_list",
        "yearly_plan", "yearly_detail_sent", "yearly_detail_planned", "yearly_edit", "yearly_results", "documents",
        "document_add", "session_add", "session_edit", "session_cancel", "clock_pause", "clock_extend",
        "cooperation_index", "programme_list", "programme_edit", "programme_without_efforts",
        "lessons_without_efforts", "effort_edit", "effort_end", "ended_effort",
    ],
    # In this order: "Our efforts" is seen empty before the unit's efforts are made.
    "principal": ["mine_without_efforts", "request_choose_unit", "request_errors", "mine", "withdraw"],
}

# The fields the request form requires: sent empty, each shows its error.
REQUIRED = ["title", "area", "need", "target_group", "staff_count"]


def send_empty_request(page: Page) -> None:
    """Send the request form empty: every required field gets its error, tied to the field
    (aria-describedby and aria-invalid), and nothing is saved."""
    efforts = Effort.objects.count()
    page.locator("main form [type=submit]").click()
    # The form is sent to the address it is on: the errors showing is the sign the answer has come.
    feedback = page.locator("main form .invalid-feedback")
    expect(feedback).to_have_count(len(REQUIRED))
    for name in REQUIRED:
        field = page.locator(f"main form [name={name}]")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = (field.get_attribute("aria-describedby") or "").split()
        errors = [page.locator(f"[id='{target}'].invalid-feedback") for target in described_by]
        assert [error for error in errors if error.count() == 1], f"the error of {name} is not tied to the field"
        expect(next(error for error in errors if error.count() == 1)).to_contain_text(sv("This field is required."))
    assert Effort.objects.count() == efforts


ACTIONS = {"request_errors": send_empty_request}


@pytest.mark.parametrize("role", list(ROLES))
def test_efforts_pages_are_accessible(request, subtests, page, live_server, role):
    # One login per role, one subtest per page: each page is reported on its own.
    login(page, live_server, request.getfixturevalue(role))
    for name in ROLES[role]:
        with subtests.test(msg=name):
            fixture, address, text = PAGES[name]
            response = page.goto(live_server.url + address(request.getfixturevalue(fixture)))
            assert response.status == 200, f"{name} answered {response.status} for {role}: {page.url}"
            if name in ACTIONS:
                ACTIONS[name](page)
            if text:
                expect(page.locator("main")).to_contain_text(sv(text))
            assert_accessible(page)
