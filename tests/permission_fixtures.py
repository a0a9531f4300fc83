"""The people and objects the permission table (tests/permission_table.py) walks the URLs with.

``World`` holds one person per role and the two schools; the objects a URL needs (an
application, an outbox item, a fee rule...) are made on demand by the functions below, which
the table names per URL.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from inspira.accounts.models import Membership, User
from inspira.schools.models import School
from tests.factories import FeeRuleFactory, MembershipFactory, SchoolFactory, SchoolYearFactory, UserFactory

# The roles every URL is tried as. "other_*" are confirmed members of another school.
ANONYMOUS = "anonymous"
PENDING = "pending_member"  # an unconfirmed membership of the school
STAFF = "staff"
OTHER_STAFF = "other_school_staff"
SITE_CONTACT = "site_contact"
PRINCIPAL = "principal"
OTHER_PRINCIPAL = "other_school_principal"
ADMINISTRATOR = "administrator"
DIRECTOR = "director"
FINANCE = "finance"

ROLES = (ANONYMOUS, PENDING, STAFF, OTHER_STAFF, SITE_CONTACT, PRINCIPAL, OTHER_PRINCIPAL,
         ADMINISTRATOR, DIRECTOR, FINANCE)


@dataclass
class World:
    school: School
    other_school: School
    users: dict[str, User | None]
    memberships: dict[str, Membership]
    made: dict = field(default_factory=dict)

    def once(self, key, make):
        """Make an object the first time a URL asks for it; later asks get the same one."""
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]


def build_world() -> World:
    school = SchoolFactory(name="Vasaskolan")
    other_school = SchoolFactory(name="Katarina Norra skola")
    memberships = {
        PENDING: MembershipFactory(school=school, confirmed_at=None),
        STAFF: MembershipFactory(school=school, role=Membership.Role.STAFF),
        OTHER_STAFF: MembershipFactory(school=other_school, role=Membership.Role.STAFF),
        SITE_CONTACT: MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT),
        PRINCIPAL: MembershipFactory(school=school, role=Membership.Role.PRINCIPAL),
        OTHER_PRINCIPAL: MembershipFactory(school=other_school, role=Membership.Role.PRINCIPAL),
    }
    users: dict[str, User | None] = {ANONYMOUS: None}
    users.update({role: m.user for role, m in memberships.items()})
    users[ADMINISTRATOR] = UserFactory(role=User.Role.ADMINISTRATOR)
    users[DIRECTOR] = UserFactory(role=User.Role.DIRECTOR)
    users[FINANCE] = UserFactory(role=User.Role.FINANCE)
    assert set(users) == set(ROLES)
    return World(school=school, other_school=other_school, users=users, memberships=memberships)


# --- Objects that URLs name ---------------------------------------------------------------------------

def outbox_item(world: World):
    from inspira.core.models import OutboxItem

    return world.once("outbox_item", lambda: OutboxItem.objects.create(
        kind="email", key="permission-table", payload={"to": ["someone@example.se"]},
        state=OutboxItem.State.FAILED, attempts=3, last_error="SMTP said no",
    ))


def staff_sign_in(world: World):
    """A recorded session of the staff member, with its session in the engine (as after a login)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from inspira.accounts.models import SignIn
    from inspira.accounts.sessions import session_store

    def make():
        person = world.users[STAFF]
        session = session_store()()
        session.update({SESSION_KEY: str(person.pk), HASH_SESSION_KEY: person.get_session_auth_hash(),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})
        session.create()
        return SignIn.objects.create(user=person, session_key=session.session_key, browser="Firefox 128",
                                     operating_system="Windows", started_at=timezone.now())

    return world.once("staff_sign_in", make)


def fee_rule(world: World):
    return world.once("fee_rule", lambda: FeeRuleFactory(school_year=SchoolYearFactory(start_year=2025)))


def password_reset_token(world: World) -> dict:
    """A working reset link (for a person who is none of the roles)."""
    person = world.once("reset_person", lambda: UserFactory(email="glomsk@example.se"))
    return {"uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person)}


def verification_token(world: World) -> str:
    """A working email-verification link of a person who has not verified yet."""
    from inspira.accounts.services import verification_token as make_token

    person = world.once("unverified_person", lambda: UserFactory(email="overifierad@example.se",
                                                                 email_verified_at=None, is_active=False))
    return make_token(person)


def draft_application(world: World):
    """A complete draft of ``world.school``, started by its staff member."""
    from tests.certification.conftest import make_application

    return world.once("draft_application", lambda: make_application(school=world.school,
                                                                     applicant=world.users[STAFF]))


def awaiting_application(world: World):
    """An application of ``world.school`` sent to its principal; returns (application, link token)."""
    from inspira.certification import services
    from tests.certification.conftest import make_application

    def make():
        application = make_application(school=world.school, applicant=world.users[SITE_CONTACT],
                                       team_name="Arbetslag Ek")
        endorsement = services.application_submit(application=application, actor=world.users[SITE_CONTACT],
                                                  now=timezone.now())
        application.refresh_from_db()
        return application, services.endorsement_token(endorsement)

    return world.once("awaiting_application", make)


def _picture_on(application, key: str, world: World):
    from django.core.files.base import ContentFile

    from inspira.certification.models import ApplicationImage
    from tests.certification.conftest import image_bytes

    def make():
        picture = ApplicationImage(application=application, width=800, height=600,
                                   alt_text="Children measuring the schoolyard")
        picture.image.save("picture.jpg", ContentFile(image_bytes()), save=True)
        return picture

    return world.once(key, make)


def draft_picture(world: World):
    """A picture, with its file, on the draft application."""
    return _picture_on(draft_application(world), "draft_picture", world)


def awaiting_picture(world: World):
    """A picture, with its file, on the application waiting for its principal; (picture, link token)."""
    application, token = awaiting_application(world)
    return _picture_on(application, "awaiting_picture", world), token


def application_image(world: World):
    """A picture on the draft application. The row only: no file is needed to name it in a URL."""
    from inspira.certification.models import ApplicationImage

    application = draft_application(world)
    return world.once("application_image", lambda: ApplicationImage.objects.create(
        application=application, image="certification/applications/permission-table.jpg",
        width=800, height=600, alt_text="Children measuring the schoolyard",
    ))


# --- The public catalogue ---

def certified_site(world: World):
    """A site of ``world.school`` in today's catalogue, with one picture (a real file: it is served)."""
    from tests.catalogue.conftest import make_site

    return world.once("certified_site", lambda: make_site(school=world.school, images=1))


def documentation_image(world: World):
    """A picture in the site's documentation draft (not published: only its site contacts see it)."""
    from tests.factories import DocumentationImageFactory

    return world.once("documentation_image", lambda: DocumentationImageFactory(
        documentation__certification=certified_site(world)))


def closed_period(world: World):
    """A study day of the world's school (its principal and administrators keep it)."""
    from tests.factories import ClosedPeriodFactory

    return world.once("closed_period", lambda: ClosedPeriodFactory(school=world.school, name="Studiedag"))


def register_units(world: World) -> dict:
    """The register's units: the world's school closed (its unit, with the same code) and the unit that
    took over from it, active and not a school in Inspira yet. Returns both by name."""
    from inspira.schools.models import RegisterUnit

    def make():
        now = timezone.now()
        common = {"municipality_code": "0180", "organiser_name": "Stockholms kommun", "school_types": ["GR"],
                  "first_imported_at": now, "last_imported_at": now}
        closed = RegisterUnit.objects.create(unit_code=world.school.unit_code, name=world.school.name,
                                             status=RegisterUnit.Status.CLOSED, closed_at=now, **common)
        successor = RegisterUnit.objects.create(unit_code="41827365", name="Vasaskolan Nya",
                                                status=RegisterUnit.Status.ACTIVE, **common)
        return {"closed": closed, "successor": successor}

    return world.once("register_units", make)


def closed_register_unit(world: World) -> dict:
    """The URL kwargs of the world's school's closed unit in the register."""
    return {"unit_code": register_units(world)["closed"].unit_code}


def programme_coordinator(world: World):
    """A coordinator of tailor-made development (a person who is none of the roles)."""
    from tests.factories import ProgrammeCoordinatorFactory, UserFactory, programme

    return world.once("programme_coordinator", lambda: ProgrammeCoordinatorFactory(
        programme=programme("tailor_made"), user=UserFactory(email="pedagogcentrum@example.se")))
def survey_token(world: World) -> str:
    """The personal link of the world's staff member to an open survey of the inspiration sites."""
    from inspira.surveys.services import invitation_token
    from tests.factories import InvitationFactory, evaluation_survey, programme

    def make():
        survey, *_ = evaluation_survey(programme=programme("inspiration_sites"))
        return invitation_token(InvitationFactory(survey=survey, user=world.users[STAFF]))

    return world.once("survey_token", make)


def closed_survey(world: World):
    """A closed survey of the inspiration sites with six answers, each with a free text waiting for review."""
    from inspira.surveys.services import invitation_token, survey_answer
    from tests.factories import InvitationFactory, evaluation_survey, programme

    def make():
        survey, single, _multiple, scale, text = evaluation_survey(programme=programme("inspiration_sites"))
        for n in range(6):
            survey_answer(token=invitation_token(InvitationFactory(survey=survey)),
                          answers={single.pk: single.choices.first().pk, scale.pk: 4, text.pk: f"Synpunkt {n}"})
        survey.closed_at = timezone.now()
        survey.save(update_fields=["closed_at"])
        return survey

    return world.once("closed_survey", make)


def event(world: World):
    """An upcoming public event of the inspiration sites (on by default). None of the roles coordinates
    that programme: only administrators manage it."""
    from tests.factories import EventFactory

    return world.once("event", lambda: EventFactory(title="Seminarium om läsfrämjande"))


def draft_survey(world: World):
    """A draft survey of the inspiration sites with one question of each kind (the builder's pages)."""
    from tests.factories import evaluation_survey, programme

    return world.once("draft_survey", lambda: evaluation_survey(programme=programme("inspiration_sites"),
                                                                opens_at=None)[0])


def draft_question(world: World):
    """The draft survey's first question."""
    return draft_survey(world).questions.order_by("position").first()


def open_survey(world: World):
    """The open survey the staff member is invited to (``survey_token``): not answered, not reminded."""
    from inspira.surveys.services import invitation_for_token

    return world.once("open_survey", lambda: invitation_for_token(survey_token(world)).survey)


def evaluated_event(world: World):
    """An event of the inspiration sites that began yesterday, with an open evaluation and one person
    marked as attended, not yet invited."""
    from datetime import timedelta

    from inspira.events.evaluation import event_evaluation_create
    from inspira.surveys.services import survey_open
    from tests.factories import EventFactory, RegistrationFactory

    def make():
        start = timezone.now() - timedelta(days=1)
        made = EventFactory(title="Avslutningsträff", starts_at=start, ends_at=start + timedelta(hours=3))
        RegistrationFactory(event=made, user=UserFactory(email="deltagare@example.se"), attended=True)
        admin = world.users[ADMINISTRATOR]
        survey_open(survey=event_evaluation_create(event=made, actor=admin), actor=admin)
        made.refresh_from_db()
        return made

    return world.once("evaluated_event", make)


def event_series(world: World):
    """A weekly series of two events of the inspiration sites, a month from now (administrators manage it)."""
    import datetime

    from inspira.events.series import series_create
    from tests.factories import programme

    def make():
        first = timezone.localdate() + datetime.timedelta(days=30)
        return series_create(programme=programme("inspiration_sites"), actor=world.users[ADMINISTRATOR],
                             weekday=first.weekday(), interval_weeks=1, first_date=first,
                             last_date=first + datetime.timedelta(days=7), start_time=datetime.time(15),
                             end_time=datetime.time(16, 30), title="Nätverksträff", description="", kind="session",
                             place="Aulan", online_link="", district=None, capacity=30, quota_per_school=None,
                             is_public=True)

    return world.once("event_series", make)


def registration_question(world: World):
    """A question (dietary needs) on the world's event, which nobody has registered for yet."""
    from inspira.events.models import RegistrationQuestion

    return world.once("registration_question", lambda: RegistrationQuestion.objects.create(
        event=event(world), position=1, text="Har du någon specialkost?", kind="text"))


def event_registration(world: World):
    """A person's confirmed place on ``event``: a row of its attendance list."""
    from tests.factories import RegistrationFactory

    return world.once("event_registration", lambda: RegistrationFactory(event=event(world)))

def registration(world: World):
    """The staff member's own confirmed place on ``event`` (cancellable: no deadline has passed)."""
    from tests.factories import RegistrationFactory

    return world.once("registration", lambda: RegistrationFactory(event=event(world), user=world.users[STAFF]))


def _line_entry(world: World, key: str, **fields):
    """The staff member in line (or offered a place) for an event of their own: one open row per
    person and event."""
    from tests.factories import EventFactory, RegistrationFactory

    return world.once(key, lambda: RegistrationFactory(
        event=EventFactory(title=f"Fullbokad träff ({key})", capacity=1), user=world.users[STAFF], **fields))


def waiting_registration(world: World):
    return _line_entry(world, "waiting_registration", status="waiting")


def offered_registration(world: World):
    return _line_entry(world, "offered_registration", status="offered", offered_at=timezone.now(),
                       offer_expires_at=timezone.now() + datetime.timedelta(days=1))


def event_material(world: World):
    """Material of the world's event for those registered: none of the roles has a place, so only
    administrators (its organisers) may download it."""
    from django.core.files.base import ContentFile

    from inspira.events.models import EventMaterial

    def make():
        material = EventMaterial(event=event(world), title="Bilder från seminariet", content_type="application/pdf",
                                 size=9, audience=EventMaterial.Audience.REGISTERED,
                                 uploaded_by=world.users[ADMINISTRATOR])
        material.file.save("material", ContentFile(b"%PDF-1.4\n"), save=True)
        return material

    return world.once("event_material", make)


def calendar_feed_token(world: World) -> str:
    """The secret of the world's staff member's own calendar feed address."""
    from inspira.events.feeds import calendar_feed_renew

    return world.once("calendar_feed_token", lambda: calendar_feed_renew(user=world.users[STAFF]).token)


# --- Benchmarking (switched off by default: each of its URLs switches it on first) ---

def benchmarking_on(world: World) -> dict:
    """Switch the benchmarking programme on; no URL kwargs (a row's ``kwargs`` for its list pages)."""
    from tests.benchmarking.factories import benchmarking_on as switch_on

    world.once("benchmarking_on", switch_on)
    return {}


def efforts_on(world: World) -> dict:
    """Switch tailor-made development on; no URL kwargs (a row's ``kwargs`` for its list pages)."""
    from tests.efforts.factories import efforts_on as switch_on

    world.once("efforts_on", switch_on)
    return {}


def cooperation_on(world: World) -> dict:
    """Switch the cooperation programmes on; no URL kwargs."""
    from tests.efforts.factories import cooperation_on as switch_on

    world.once("cooperation_on", switch_on)
    return {}


def effort(world: World):
    """A tailor-made effort the principal of ``world.school`` requested (the programme switched on)."""
    from tests.efforts.factories import EffortFactory

    efforts_on(world)
    return world.once("effort", lambda: EffortFactory(schools=[world.school], requested_by=world.users[PRINCIPAL]))


def effort_clock_running(world: World):
    """The world's effort with its proposal clock started yesterday (by the administrator)."""
    from inspira.efforts.clock import clock_start

    def make():
        clock_start(effort=effort(world), day=timezone.localdate() - datetime.timedelta(days=1),
                    actor=world.users[ADMINISTRATOR])
        return effort(world)

    return world.once("effort_clock_running", make)


def effort_clock_paused(world: World):
    """Another effort of the world's school whose proposal clock is paused today."""
    from inspira.efforts.clock import clock_pause, clock_start
    from tests.efforts.factories import EffortFactory

    def make():
        efforts_on(world)
        paused = EffortFactory(schools=[world.school], requested_by=world.users[PRINCIPAL])
        today, actor = timezone.localdate(), world.users[ADMINISTRATOR]
        clock_start(effort=paused, day=today - datetime.timedelta(days=3), actor=actor)
        clock_pause(effort=paused, day=today, reason="Rektor är sjuk", actor=actor)
        return paused

    return world.once("effort_clock_paused", make)


def _working_day_in(days: int) -> datetime.date:
    """The first working day at least ``days`` from today (a closed day must be one)."""
    from inspira.core.workdays import is_working_day

    day = timezone.localdate() + datetime.timedelta(days=days)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def closed_day(world: World):
    """A day the development centre is closed, in a month (the programme switched on)."""
    from tests.efforts.factories import closed_day as make_closed_day

    efforts_on(world)
    return world.once("closed_day", lambda: make_closed_day(_working_day_in(30)))
def yearly_survey(world: World):
    """Next year's yearly survey of development efforts, planned and not sent (the programme on)."""
    from django.utils import timezone

    from tests.efforts.factories import YearlySurveyFactory

    efforts_on(world)
    return world.once("yearly_survey", lambda: YearlySurveyFactory(year=timezone.localdate().year + 1))
def effort_proposal(world: World):
    """Version 1 of the centre's proposal for a tailor-made effort of ``world.school`` (state PROPOSAL),
    not answered yet; the administrator presented it."""
    from inspira.efforts.models import Effort
    from tests.efforts.factories import EffortFactory, present

    efforts_on(world)

    def make():
        effort = EffortFactory(schools=[world.school], requested_by=world.users[PRINCIPAL],
                               state=Effort.State.PROPOSAL)
        return present(effort, world.users[ADMINISTRATOR])

    return world.once("effort_proposal", make)
def effort_met(world: World):
    """A tailor-made effort of ``world.school`` whose planning meeting took place yesterday (booked by a
    coordinator through the service; its notes are not yet written)."""
    from tests.efforts.factories import booked_effort

    efforts_on(world)
    return world.once("effort_met", lambda: booked_effort(world.school, world.users[PRINCIPAL], days=-1))


def benchmarking_round(world: World):
    """A round of the (switched-on) benchmarking programme whose interest registration is open."""
    from tests.benchmarking.factories import RoundFactory

    benchmarking_on(world)
    return world.once("benchmarking_round", lambda: RoundFactory(title="Klasslärare i åk 1–6, hösttermin 2027"))


def benchmarking_interest(world: World):
    """The world's staff member's interest registration in the open round."""
    from tests.benchmarking.factories import InterestFactory

    return world.once("benchmarking_interest", lambda: InterestFactory(
        round=benchmarking_round(world), user=world.users[STAFF], school=world.school))
# --- benchmarking: substitute costs, the closing evaluation, quotes (tests/benchmarking/builders_costs.py) ----

def bm_costs(world: World) -> dict:
    """The benchmarking programme switched on and one round of it: the world's staff member (at the
    world's school) and the other school's staff member in one group with a third teacher; a visit
    yesterday hosted by the staff member, confirmed as held (so the staff member has a day away, which
    the principal claims); a closing meeting yesterday; a quote of the staff member. None of the roles
    coordinates the programme, so only administrators do what coordinators do."""
    from inspira.benchmarking import costs, quotes
    from tests.benchmarking import builders_costs as b

    def make():
        round_ = b.make_round(title="Klasslärare åk 1–6, hösten")
        staff = b.make_participant(round_, school=world.school, user=world.users[STAFF])
        other = b.make_participant(round_, school=world.other_school, user=world.users[OTHER_STAFF])
        third = b.make_participant(round_)
        group = b.make_group(round_, [staff, other, third])
        visit = b.make_visit(group, staff, timezone.localdate() - datetime.timedelta(days=1))
        held = b.make_visit(group, other, timezone.localdate() - datetime.timedelta(days=2))
        costs.visit_confirm_held(visit=held, actor=world.users[OTHER_STAFF])
        claim = costs.claim_create(round=round_, school=world.other_school, actor=world.users[OTHER_PRINCIPAL])
        b.make_meeting(round_, "closing")
        quote = quotes.quote_submit(round=round_, author=world.users[STAFF], text="Många nya idéer.",
                                    show_name=False, consent=True)
        return {"round": round_, "visit": visit, "claim": claim, "quote": quote}

    return world.once("bm_costs", make)
def benchmarking_published_round(world: World):
    """A published benchmarking round (the programme switched on) whose one group holds the school's
    staff member, the other school's staff member and a teacher of a third school, each hosting a
    visit. Nobody of the roles coordinates the programme: only administrators manage the round."""
    from datetime import date, timedelta

    from inspira.benchmarking.models import Group, Interest, Round, Visit
    from tests.benchmarking.builders_publish import a_round, interest
    from tests.factories import SchoolFactory

    def make():
        round_ = a_round(stage=Round.Stage.PUBLISHED)
        group = Group.objects.create(round=round_, number=1)
        people = [interest(round_, world.school, user=world.users[STAFF], group=group),
                  interest(round_, world.other_school, user=world.users[OTHER_STAFF], group=group),
                  interest(round_, SchoolFactory(name="Engelbrektsskolan"), group=group)]
        Interest.objects.filter(pk__in=[p.pk for p in people]).update(decision=Interest.Decision.ADMITTED)
        for n, person in enumerate(people):
            Visit.objects.create(group=group, host=person, date=date(2027, 9, 6) + timedelta(days=14 * n))
        return round_

    return world.once("benchmarking_published_round", make)


def benchmarking_visit(world: World):
    return benchmarking_published_round(world).groups.get().visits.order_by("date").first()


def benchmarking_member(world: World):
    """The third school's teacher of the published round (the one no role is)."""
    return benchmarking_published_round(world).interests.order_by("pk").last()


def benchmarking_proposed_round(world: World):
    """A benchmarking round with a proposal ready: two groups of two (the forms of the groups page)."""
    from tests.benchmarking.builders_publish import proposed_round

    return world.once("benchmarking_proposed_round", lambda: proposed_round(groups=2, size=2)[0])


# --- Development efforts: the delivery, the documentation, the ending and the evaluation (tests/efforts) ---

def effort_running(world: World) -> dict:
    """A running tailor-made effort of ``world.school`` (the programme switched on) with a session in
    two weeks and a document with a PDF file. None of the roles coordinates the programme: only
    administrators lead it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspira.efforts.documents import document_add
    from tests.efforts.factories import running_effort, session_of

    def make():
        effort = running_effort(schools=[world.school], title="Språkutvecklande arbetssätt")
        session = session_of(effort, actor=world.users[ADMINISTRATOR])
        document = document_add(effort=effort, actor=world.users[ADMINISTRATOR], kind="note", title="Träff 1",
                                upload=SimpleUploadedFile("träff.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))
        return {"effort": effort, "session": session, "document": document}

    return world.once("effort_running", make)


def effort_ended(world: World) -> dict:
    """An ended effort of ``world.school`` whose documentation (one PDF) is shared with the unit."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspira.efforts.documents import document_add
    from inspira.efforts.ending import effort_end
    from tests.efforts.factories import running_effort

    def make():
        effort = running_effort(schools=[world.school], title="Kollegialt lärande")
        document = document_add(effort=effort, actor=world.users[ADMINISTRATOR], kind="lesson", title="Lärdomar",
                                upload=SimpleUploadedFile("lärdomar.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))
        effort_end(effort=effort, actor=world.users[ADMINISTRATOR])
        effort.refresh_from_db()
        return {"effort": effort, "document": document}

    return world.once("effort_ended", make)


def effort_evaluated(world: World, *, closed: bool) -> dict:
    """A running effort of ``world.school`` whose last session was yesterday, one staff member's
    attendance marked, its evaluation made and opened (``closed``: and closed since)."""
    from datetime import timedelta

    from inspira.efforts.evaluation import effort_evaluation_create
    from inspira.surveys.services import survey_open
    from tests.efforts.factories import running_effort, session_of
    from tests.factories import RegistrationFactory

    def make():
        actor = world.users[ADMINISTRATOR]
        effort = running_effort(schools=[world.school], title="Matematiklyftet på enheten")
        session = session_of(effort, days=-1, actor=actor)
        RegistrationFactory(event=session.event, user=world.users[STAFF], attended=True)
        survey = survey_open(survey=effort_evaluation_create(effort=effort, actor=actor), actor=actor)
        if closed:
            survey.closed_at = timezone.now() - timedelta(seconds=1)
            survey.save(update_fields=["closed_at"])
        return {"effort": effort, "session": session, "survey": survey}

    return world.once(f"effort_evaluated:{closed}", make)
# --- Cooperation programmes (seed 004): switched off by default, each URL switches it on first ---

def cooperation(world: World):
    """A programme (no closing seminar yet) with a process leader who is none of the roles, and a running
    effort for ``world.school``."""
    from tests.efforts.factories import CooperationFactory, process_leader_of, unit_effort

    cooperation_on(world)

    def make():
        programme = CooperationFactory(title="Samverkan för bästa skola")
        leader = process_leader_of(programme, name="Pia Processledare", email="pia@example.se")
        effort = unit_effort(programme, [world.school], leader=leader, title="Kollegialt lärande i arbetslagen")
        return {"programme": programme, "leader": leader, "effort": effort}

    return world.once("cooperation", make)


def cooperation_programme(world: World):
    return cooperation(world)["programme"]


def cooperation_effort(world: World):
    return cooperation(world)["effort"]


# --- panel: chats -------------------------------------------------------------------------------------------------
# None of the roles is a member of the teacher panel or leads a chat; administrators coordinate it.

def panel_chat(world: World):
    """A chat of the teacher panel (switched on), tomorrow, with one received question."""
    from tests.panel.factories import ChatFactory, ChatQuestionFactory

    def make():
        chat = ChatFactory()
        world.made["panel_chat_question"] = ChatQuestionFactory(chat=chat)
        return chat

    return world.once("panel_chat", make)


def panel_chat_kwargs(world: World) -> dict:
    return {"pk": panel_chat(world).pk}


def panel_chats_on(world: World) -> dict:
    panel_chat(world)
    return {}


def panel_chat_question_data(world: World) -> dict:
    panel_chat(world)
    return {"question": world.made["panel_chat_question"].pk, "action": "approve"}


# --- panel: chats, second step (a new chat, publishing the transcript, follow-ups) ---------------------------

def panel_ended_chat(world: World):
    """A chat of the panel that ended two hours ago, led by one person, with one approved question left
    unanswered (a follow-up)."""
    from datetime import timedelta

    from django.utils import timezone

    from inspira.panel.models import ChatQuestion
    from tests.factories import UserFactory
    from tests.panel.factories import ChatFactory, ChatQuestionFactory, chat_event

    def make():
        start = timezone.now() - timedelta(hours=3)
        chat = ChatFactory(event=chat_event(starts_at=start, ends_at=start + timedelta(hours=1)))
        leader = UserFactory(name="Chattens ledare")
        chat.leaders.add(leader)
        world.made["panel_ended_chat_leader"] = leader
        world.made["panel_ended_chat_question"] = ChatQuestionFactory(chat=chat, state=ChatQuestion.State.APPROVED)
        return chat

    return world.once("panel_ended_chat", make)


def panel_ended_chat_kwargs(world: World) -> dict:
    return {"pk": panel_ended_chat(world).pk}


def panel_followup_data(world: World) -> dict:
    panel_ended_chat(world)
    return {"question": world.made["panel_ended_chat_question"].pk, "action": "assign",
            "owner": world.made["panel_ended_chat_leader"].pk}


# --- Teacher panel: focus groups and overview (part focus) ---

def panel_on(world: World) -> dict:
    """Switch the teacher panel on; no URL kwargs."""
    from tests.panel.factories import panel_on as switch_on

    world.once("panel_on", switch_on)
    return {}


def focus_draw(world: World):
    """A focus group drawn for an event of the panel, the staff member of ``world.school`` (a member who said
    yes to focus groups) invited to it."""
    from inspira.panel.focus import focus_draw as draw_it
    from inspira.panel.focus import focus_invite
    from inspira.panel.models import stratum_key
    from tests.panel.factories import focus_event

    panel_on(world)

    def make():
        member = panel_staff(world)
        actor = world.users[ADMINISTRATOR]
        draw = draw_it(event=focus_event(), sizes={stratum_key(member.school_form_id, member.district_id): 1},
                       actor=actor)
        focus_invite(draw=draw, actor=actor)
        return draw

    return world.once("focus_draw", make)


def focus_invite_of_staff(world: World):
    return focus_draw(world).focus_invites.get()


# --- panel: submissions (raised questions and good examples) -----------------------------------------

def panel_staff(world: World):
    """Switch the teacher panel on and make STAFF a member of it (who said yes to focus groups)."""
    def make():
        from tests.panel.factories import MemberFactory, panel_on

        panel_on()
        return MemberFactory(user=world.users[STAFF], focus_groups=True)

    return world.once("panel_staff_member", make)


def panel_staff_member(world: World) -> dict:
    """``panel_staff``, with no URL kwargs (for the list pages)."""
    panel_staff(world)
    return {}


def panel_submission(world: World) -> dict:
    """An unpublished good example raised by STAFF (a member): its writer and the coordinators see it."""
    def make():
        from tests.panel.factories import SubmissionFactory

        panel_staff_member(world)
        return SubmissionFactory(author=world.users[STAFF], kind="example")

    return {"pk": world.once("panel_submission", make).pk}


def panel_members(world: World) -> dict:
    """Switch the teacher panel on and make the school's staff member a member of it (the other teachers are
    not); no URL kwargs."""
    return panel_staff_member(world)


# --- panel: short surveys (part surveys) ---------------------------------------------------------------------
# Each a survey of its own, so that one URL's survey is not changed by another's.

def _panel_survey(world: World, title: str):
    """A draft survey of the panel with one scale question; STAFF a member of the panel."""
    from datetime import timedelta

    from django.utils import timezone

    from inspira.panel.surveys import panel_survey_create
    from inspira.surveys.services import question_add

    panel_staff(world)
    survey = panel_survey_create(title=title, closes_at=timezone.now() + timedelta(days=14),
                                 actor=world.users[ADMINISTRATOR])
    question_add(survey=survey, kind="scale", text="Hur mycket läxor?")
    return survey


def panel_survey_draft(world: World) -> dict:
    return {"pk": world.once("panel_survey_draft", lambda: _panel_survey(world, "Läxor")).pk}


def panel_survey_drawn(world: World) -> dict:
    """A panel survey drawn (everyone: STAFF), not sent."""
    def make():
        from inspira.panel.surveys import survey_draw

        survey = _panel_survey(world, "Prov")
        survey_draw(survey=survey, actor=world.users[ADMINISTRATOR])
        return survey

    return {"pk": world.once("panel_survey_drawn", make).pk}


def _panel_survey_sent(world: World, title: str):
    """A panel survey open, STAFF invited to it (not answered)."""
    from inspira.surveys.services import survey_invite, survey_open

    actor = world.users[ADMINISTRATOR]
    survey = survey_open(survey=_panel_survey(world, title), actor=actor)
    survey_invite(survey=survey, users=[world.users[STAFF]], actor=actor)
    return survey


def panel_survey_sent(world: World) -> dict:
    return {"pk": world.once("panel_survey_sent", lambda: _panel_survey_sent(world, "Raster")).pk}


def panel_survey_closed(world: World) -> dict:
    """A panel survey STAFF was invited to (unanswered), closed: its results may be read."""
    def make():
        from inspira.surveys.services import survey_close

        return survey_close(survey=_panel_survey_sent(world, "Skolmat"), actor=world.users[ADMINISTRATOR])

    return {"pk": world.once("panel_survey_closed", make).pk}


def panel_survey_closed_list(world: World) -> dict:
    """``panel_survey_closed``, with no URL kwargs (the member's list)."""
    panel_survey_closed(world)
    return {}


def identity_provider(world: World):
    """An identity provider of Skolfederation the administration has a trust row for (nothing trusted yet)."""
    from inspira.federation.models import IdentityProviderTrust

    return world.once("identity_provider", lambda: IdentityProviderTrust.objects.create(
        entity_id="https://idp.kommun.example/idp", name="Testkommunen"))
