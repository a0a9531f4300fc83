"""Every page each role can reach in the foundation, checked with axe and Inspira's own rules."""

import pytest
from django.urls import reverse

from tests.browser.helpers import assert_accessible, login

pytestmark = pytest.mark.browser

# Page name -> its address, built from the test's fixtures (``get`` is request.getfixturevalue).
PAGES = {
    "home": lambda get: reverse("core:home"),
    "dashboard": lambda get: reverse("core:dashboard"),
    "login": lambda get: reverse("accounts:login"),
    "password_reset": lambda get: reverse("accounts:password_reset"),
    "signup": lambda get: reverse("accounts:signup"),
    "signup_search": lambda get: reverse("accounts:signup") + f"?q={get('school').name[:4]}",
    "signup_form": lambda get: reverse("accounts:signup_form", args=[get("school").pk]),
    "signup_done": lambda get: reverse("accounts:signup_done"),
    "profile": lambda get: reverse("accounts:profile"),
    "join_school": lambda get: reverse("accounts:join_school") + f"?q={get('school').name[:4]}",
    "school_list": lambda get: reverse("schools:list"),
    "school_detail": lambda get: reverse("schools:detail", args=[get("school").pk]),
    "school_create": lambda get: reverse("schools:create"),
    "school_edit": lambda get: reverse("schools:edit", args=[get("school").pk]),
    "school_members": lambda get: reverse("accounts:school_members", args=[get("school").pk]),
    "people": lambda get: reverse("accounts:people"),
    "school_years": lambda get: reverse("schoolyears:list"),
    "fee_rule_create": lambda get: reverse("schoolyears:create"),
    "fee_rule_edit": lambda get: reverse("schoolyears:edit", args=[get("fee_rule").pk]),
    "outbox": lambda get: reverse("core:outbox"),
    "outbox_detail": lambda get: reverse("core:outbox_detail", args=[get("outbox_item").pk]),
    "audit": lambda get: _audit_page(get),
    "programmes": lambda get: _programmes_page(get),
    "coordinator_add": lambda get: reverse("programmes:coordinator_add", args=["tailor_made"]) + "?q=example",
    "survey_list": lambda get: _survey_page(get, "surveys:manage"),
    "survey_create": lambda get: reverse("surveys:create"),
    "survey_detail": lambda get: _survey_page(get, "surveys:detail"),
    "survey_preview": lambda get: _survey_page(get, "surveys:preview"),
    "survey_question_edit": lambda get: _survey_page(get, "surveys:question_edit"),
    "survey_question_remove": lambda get: _survey_page(get, "surveys:question_remove"),
    "event_with_evaluation": lambda get: _event_with_evaluation(get),
    "event_page": lambda get: _event_page(get),
    "event_group": lambda get: reverse("events:register_group", args=[_full_event().pk]),
    "my_events": lambda get: _my_events(get),
    "event_registrations": lambda get: _event_registrations(get),
    "participation": lambda get: _participation_page(get),
    "my_feed": lambda get: _my_feed_page(get),
    "event_material": lambda get: reverse("events:material", args=[_event_with_material(get).pk]),
    "event_detail": lambda get: reverse("events:detail", args=[_event_with_material(get).pk]),
    # Skolverket's school-unit register (the recorded Stockholm answer, with a closed school in Inspira)
    "register": lambda get: _register(reverse("schools:register")),
    "register_imports": lambda get: _register(reverse("schools:register_imports")),
    "register_unit": lambda get: _register(reverse("schools:register_unit", args=["57381620"])),
    "register_successor": lambda get: _register(reverse("schools:register_successor", args=["57381620"])),
    "school_from_register": lambda get: _register(reverse("schools:create") + "?skolenhet=60418273"),
    "closed_schools": lambda get: _register(reverse("core:closed_schools")),
}


def _survey_page(get, name: str) -> str:
    """A builder page of a draft survey with one question of each kind (a choice question first)."""
    from tests.factories import evaluation_survey, programme

    survey, single, *_ = evaluation_survey(programme=programme("inspiration_sites"), opens_at=None)
    kwargs = {"survey_id": survey.pk}
    if name.startswith("surveys:question_"):
        kwargs["question_id"] = single.pk
    return reverse(name, kwargs=kwargs if name != "surveys:manage" else None)


def _event_with_evaluation(get) -> str:
    """An event that has begun, with an open evaluation and one person to invite."""
    from datetime import timedelta

    from django.utils import timezone

    from inspira.events.evaluation import event_evaluation_create
    from inspira.surveys.services import survey_open
    from tests.factories import EventFactory, RegistrationFactory

    start = timezone.now() - timedelta(hours=4)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=3))
    RegistrationFactory(event=event, attended=True)
    survey_open(survey=event_evaluation_create(event=event, actor=get("administrator")), actor=get("administrator"))
    return reverse("events:detail", args=[event.pk])


def _full_event():
    """A public event whose one place is taken, with one person in line."""
    from tests.factories import EventFactory, RegistrationFactory

    event = EventFactory(is_public=True, capacity=1, online_link="https://meet.example.se/lank")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waiting")
    return event


def _event_page(get) -> str:
    """The participants' page of a full event: its waiting-list form."""
    return reverse("events:event", args=[_full_event().pk])


def _my_events(get) -> str:
    """The staff member's events: one registration, one place in line."""
    from tests.factories import RegistrationFactory

    RegistrationFactory(user=get("staff"))
    RegistrationFactory(event=_full_event(), user=get("staff"), status="waiting")
    return reverse("events:mine")


def _event_registrations(get) -> str:
    """The organiser's page of a closing meeting: registrations, the line, schools not represented."""
    from tests.factories import RegistrationFactory

    event = _full_event()
    event.kind = "closing"
    event.save(update_fields=["kind"])
    RegistrationFactory(event=event, school=get("school"), is_group=True, participants=3)
    return reverse("events:detail", args=[event.pk])


def _participation_page(get) -> str:
    """The participation record with an attended event and a completed study visit."""
    from inspira.visits.models import Booking
    from tests.factories import BookingFactory, RegistrationFactory

    person = get("staff")
    RegistrationFactory(user=person, attended=True)
    BookingFactory(booked_by=person, status=Booking.Status.COMPLETED)
    return reverse("core:participation")


def _my_feed_page(get) -> str:
    """The own calendar feed's page, with an address made (shown in a read-only field)."""
    from inspira.events.feeds import calendar_feed_renew

    calendar_feed_renew(user=get("staff"))
    return reverse("events:my_feed_page")


def _event_with_material(get):
    from django.core.files.base import ContentFile

    from inspira.events.models import EventMaterial
    from tests.factories import EventFactory

    event = EventFactory()
    material = EventMaterial(event=event, title="Bilder från seminariet", content_type="application/pdf", size=9,
                             uploaded_by=get("administrator"))
    material.file.save("material", ContentFile(b"%PDF-1.4\n"), save=True)
    return event


def _register(url: str) -> str:
    """``url`` once the recorded answer is imported and its closed Skarpnäcksskolan is a school with a booking."""
    from inspira.schools.models import RegisterUnit, School
    from tests.factories import SchoolFactory, UserFactory
    from tests.schools.register_support import FIXTURE, import_from
    from tests.visits.builders import make_booking, make_certification, make_occasion

    if not RegisterUnit.objects.exists():
        import_from(FIXTURE)
    if not School.objects.filter(unit_code="57381620").exists():
        closed = SchoolFactory(unit_code="57381620", name="Skarpnäcksskolan")
        make_booking(occasion=make_occasion(certification=make_certification(school=SchoolFactory())),
                     school=closed, booked_by=UserFactory())
    return url


def _programmes_page(get) -> str:
    """The programmes, one of them with a coordinator (shown with a button to remove them)."""
    from tests.factories import ProgrammeCoordinatorFactory, programme

    ProgrammeCoordinatorFactory(programme=programme("tailor_made"))
    return reverse("programmes:list")


def _audit_page(get) -> str:
    """The audit trail, with a row that has details (shown in a <details> element)."""
    from inspira.core.audit import audit_record

    audit_record(actor=get("administrator"), action="school.update", summary="Changed Vasaskolan: city",
                 data={"changes": {"city": ["Stockholm", "Solna"]}})
    return reverse("core:audit")

_EVERYONE = ["home", "dashboard", "profile"]
_CENTRAL = [*_EVERYONE, "school_list", "school_detail", "school_members", "school_years"]

# Role -> (fixture giving the person, pages the role can reach). Every role also sees the data
# it would see in use: the fee rule and an outbox item exist in every test.
ROLES = {
    "anonymous": (
        None, ["home", "login", "password_reset", "signup", "signup_search", "signup_form", "signup_done",
               "event_page"]
    ),
    "staff": ("staff", [*_EVERYONE, "join_school", "school_detail", "event_page", "my_events", "participation",
                        "my_feed"]),
    "pending_member": ("pending_member", [*_EVERYONE, "join_school"]),
    "site_contact": ("site_contact", [*_EVERYONE, "school_detail"]),
    "principal": ("principal", [*_EVERYONE, "school_detail", "school_members", "event_group"]),
    "administrator": (
        "administrator",
        [*_CENTRAL, "school_create", "school_edit", "people", "fee_rule_create", "fee_rule_edit",
         "outbox", "outbox_detail", "audit", "programmes", "coordinator_add", "survey_list", "survey_create",
         "survey_detail", "survey_preview", "survey_question_edit", "survey_question_remove",
         "event_with_evaluation", "event_registrations", "event_material", "event_detail", "register",
         "register_imports", "register_unit", "register_successor", "school_from_register", "closed_schools"],
    ),
    "director": ("director", _CENTRAL),
    "finance": ("finance", _CENTRAL),
}

@pytest.mark.parametrize("role", list(ROLES))
def test_pages_are_accessible(request, subtests, page, live_server, role, fee_rule, outbox_item):
    # One login per role, one subtest per page: each page is reported on its own.
    fixture, page_names = ROLES[role]
    if fixture:
        login(page, live_server, request.getfixturevalue(fixture))
    for page_name in page_names:
        with subtests.test(msg=page_name):
            response = page.goto(live_server.url + PAGES[page_name](request.getfixturevalue))
            assert response.status == 200, f"{page_name} answered {response.status} for {role}: {page.url}"
            assert_accessible(page)
