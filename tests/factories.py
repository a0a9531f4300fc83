import uuid
from datetime import date, time, timedelta

import factory
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    Certification,
    Decision,
)
from inspira.schools.models import ClosedPeriod, District, School, SchoolForm
from inspira.schoolyears.models import FeeRule, SchoolYear
from inspira.visits.models import Booking, Feedback, Occasion, WaitingListEntry

PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stadsdel {n}")


# Valid organisation numbers (Luhn check digit); municipal schools share the first.
ORGANISATION_NUMBERS = ["212000-0142", "556036-0793", "802002-4280"]


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testskolan {n}")
    unit_code = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    organisation_number = "212000-0142"
    district = factory.SubFactory(DistrictFactory)
    street_address = factory.Sequence(lambda n: f"Skolvägen {n}")
    postal_code = "11122"
    city = "Stockholm"
    invoice_address = "Stockholms stad\nFakturaservice\nBox 1\n105 35 Stockholm"
    invoice_reference = factory.Sequence(lambda n: f"REF{n:04d}")
    contact_email = factory.Sequence(lambda n: f"skola{n}@example.se")

    @factory.post_generation
    def school_forms(self, create, extracted, **kwargs):
        if not create:
            return
        codes = extracted if extracted is not None else [SchoolForm.Code.COMPULSORY]
        self.school_forms.set(SchoolForm.objects.filter(code__in=codes))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    name = factory.Sequence(lambda n: f"Person {n}")
    phone = "08-508 000 00"
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Membership.Role.STAFF
    confirmed_at = factory.LazyFunction(timezone.now)


class SignInFactory(factory.django.DjangoModelFactory):
    """A recorded session. Its key names no session of the engine unless one is made for it
    (tests/accounts/test_sessions.py logs in through the login form for that)."""

    class Meta:
        model = "accounts.SignIn"

    user = factory.SubFactory(UserFactory)
    session_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
    browser = "Firefox 128"
    operating_system = "Windows"
    started_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)


def member(school, role=Membership.Role.STAFF, **user_fields) -> User:
    """A person confirmed at ``school`` in ``role`` (a new user with ``user_fields``): the user."""
    return MembershipFactory(school=school, role=role, user=UserFactory(**user_fields)).user


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("start_year",)

    start_year = 2010


class FeeRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRule

    school_year = factory.SubFactory(SchoolYearFactory)
    visit_fee_ore = 200_000
    central_share_ore = 100_000
    visiting_share_ore = 100_000
    establishment_support_ore = 1_000_000


# --- Certification ---------------------------------------------------------------------------------------

def two_years(start: date) -> date:
    """The last day of a certification starting on ``start`` (the day before the same date two years later)."""
    try:
        return start.replace(year=start.year + 2) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 2, 2, 28)


PLAN = (("09:00", "09:30", "Welcome and coffee"), ("09:30", "11:00", "Visit a lesson"),
        ("11:00", "12:00", "Discussion and questions"))


def add_plan_items(application: Application, rows) -> None:
    """The programme's rows: (start, end, activity), times as "HH:MM"."""
    ApplicationPlanItem.objects.bulk_create([
        ApplicationPlanItem(application=application, position=i, start_time=time.fromisoformat(start),
                            end_time=time.fromisoformat(end), activity=activity)
        for i, (start, end, activity) in enumerate(rows)
    ])


def add_contacts(application: Application, rows) -> None:
    """The application's contacts: (name, email, phone)."""
    ApplicationContact.objects.bulk_create([
        ApplicationContact(application=application, position=i, name=name, email=email, phone=phone)
        for i, (name, email, phone) in enumerate(rows)
    ])


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application row written directly; the application's steps and rules are tested through
    the services (tests/certification/conftest.py ``make_application``). ``plan`` and ``contacts``
    give its rows (none unless given), ``school_forms`` its school forms' codes."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    applicant = factory.SubFactory(UserFactory)
    status = Application.Status.DRAFT
    area_title = "Outdoor mathematics"
    area_description = "We teach measuring in the schoolyard."
    commits_to_five_visits = True

    @factory.post_generation
    def school_forms(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.school_forms.set(SchoolForm.objects.filter(code__in=extracted))

    @factory.post_generation
    def plan(self, create, extracted, **kwargs):
        if create and extracted:
            add_plan_items(self, extracted)

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        if create and extracted:
            add_contacts(self, extracted)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.APPROVED)
    reference = factory.Sequence(lambda n: f"INSP-T-{n:05d}")
    outcome = Decision.Outcome.APPROVE
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    decided_by = factory.SubFactory(UserFactory, role=User.Role.DIRECTOR)
    decided_by_name = factory.LazyAttribute(lambda decision: decision.decided_by.name)


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certified site, built directly: an approved application, the director's decision and the
    certification (by default in force today, started a month ago, two years long)."""

    class Meta:
        model = Certification

    school = factory.SubFactory(SchoolFactory)
    team_name = ""
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda certification: two_years(certification.starts_on))
    application = factory.SubFactory(
        ApplicationFactory, school=factory.SelfAttribute("..school"), team_name=factory.SelfAttribute("..team_name"),
        status=Application.Status.APPROVED)
    decision = factory.SubFactory(
        DecisionFactory, application=factory.SelfAttribute("..application"),
        start_date=factory.SelfAttribute("..starts_on"))


class _PictureFactory(factory.django.DjangoModelFactory):
    """A picture as the upload form leaves it: a real JPEG file, its size recorded."""

    class Meta:
        abstract = True

    image = factory.django.ImageField(filename="picture.jpg", format="JPEG", width=800, height=600,
                                      color=(30, 120, 60))
    width = 800
    height = 600


class ApplicationImageFactory(_PictureFactory):
    class Meta:
        model = ApplicationImage

    application = factory.SubFactory(ApplicationFactory)
    alt_text = "Pupils measuring the schoolyard"


# --- The catalogue ---------------------------------------------------------------------------------------

class SiteDocumentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteDocumentation

    certification = factory.SubFactory(CertificationFactory)
    text = "Draft"


class DocumentationImageFactory(_PictureFactory):
    class Meta:
        model = DocumentationImage

    documentation = factory.SubFactory(SiteDocumentationFactory)
    alt_text = "A measuring tape"


# --- Visits ----------------------------------------------------------------------------------------------

class OccasionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occasion

    certification = factory.SubFactory(CertificationFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    slot = Occasion.Slot.MORNING
    start_time = time(9, 0)
    end_time = time(12, 0)
    place = "Vasaskolan, Skolvägen 1, aulan"
    capacity = 10


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row written directly (no emails): for tests of what comes after booking."""

    class Meta:
        model = Booking

    occasion = factory.SubFactory(OccasionFactory)
    school = factory.SubFactory(SchoolFactory)
    booked_by = factory.SubFactory(UserFactory)
    participants = 2
    status = Booking.Status.CONFIRMED
    contact_name = factory.LazyAttribute(lambda booking: booking.booked_by.name)
    contact_email = factory.LazyAttribute(lambda booking: booking.booked_by.email)
    idempotency_key = factory.LazyFunction(uuid.uuid4)
    hold_expires_at = factory.LazyAttribute(
        lambda booking: timezone.now() + timedelta(days=3) if booking.status == Booking.Status.HELD else None)


class WaitingListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingListEntry

    occasion = factory.SubFactory(OccasionFactory)
    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    participants = 2
    contact_name = factory.LazyAttribute(lambda entry: entry.user.name)
    contact_email = factory.LazyAttribute(lambda entry: entry.user.email)
    created_at = factory.LazyFunction(timezone.now)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    booking = factory.SubFactory(BookingFactory, status=Booking.Status.COMPLETED)
    rating = 4
    takeaways = "Bra"
    submitted_at = factory.LazyFunction(timezone.now)


# --- Schools' closed days --------------------------------------------------------------------------------

class ClosedPeriodFactory(factory.django.DjangoModelFactory):
    """A closed period; the municipality's (every school) unless given a school."""

    class Meta:
        model = ClosedPeriod

    school = None
    name = "Höstlov"
    kind = ClosedPeriod.Kind.BREAK
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda period: period.starts_on + timedelta(days=4))


class ProgrammeCoordinatorFactory(factory.django.DjangoModelFactory):
    """The programmes themselves come from a data migration: pass ``programme=programme("tailor_made")``."""

    class Meta:
        model = "programmes.ProgrammeCoordinator"

    programme = factory.LazyFunction(lambda: programme("tailor_made"))
    user = factory.SubFactory(UserFactory)


def programme(key: str):
    from inspira.programmes.models import Programme

    return Programme.objects.get(key=key)


# --- Surveys -----------------------------------------------------------------------------------------------

class SurveyFactory(factory.django.DjangoModelFactory):
    """An open survey of tailor-made development, closing in two weeks (``opens_at=None``: a draft)."""

    class Meta:
        model = "surveys.Survey"

    programme = factory.LazyFunction(lambda: programme("tailor_made"))
    title = "Utvärdering av studiedagen"
    intro = "Tack för att du deltog!"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Question"

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = "scale"
    text = "Hur nöjd är du med dagen?"
    required = True


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Choice"

    question = factory.SubFactory(QuestionFactory, kind="single")
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Alternativ {n}")


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation with a working link: ``invitation_token(invitation)`` gives it."""

    class Meta:
        model = "surveys.Invitation"
        skip_postgeneration_save = True

    survey = factory.SubFactory(SurveyFactory)
    user = factory.SubFactory(UserFactory)
    token_hash = ""
    invited_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def link(obj, create, extracted, **kwargs):
        from inspira.surveys.services import _hash, invitation_token

        obj.token_hash = _hash(invitation_token(obj))
        if create:
            obj.save(update_fields=["token_hash"])


def evaluation_survey(**fields):
    """A survey with one question of each kind: (survey, single, multiple, scale, text)."""
    survey = SurveyFactory(**fields)
    single = QuestionFactory(survey=survey, position=1, kind="single", text="Vilken skolform arbetar du i?")
    for n, text in enumerate(["Förskola", "Grundskola", "Gymnasieskola"], 1):
        ChoiceFactory(question=single, position=n, text=text)
    multiple = QuestionFactory(survey=survey, position=2, kind="multiple", text="Vad var mest givande?",
                               required=False)
    for n, text in enumerate(["Föreläsningen", "Samtalen", "Materialet"], 1):
        ChoiceFactory(question=multiple, position=n, text=text)
    scale = QuestionFactory(survey=survey, position=3, kind="scale", text="Hur nöjd är du med dagen?")
    text = QuestionFactory(survey=survey, position=4, kind="text", text="Övriga synpunkter", required=False)
    return survey, single, multiple, scale, text


# --- Events --------------------------------------------------------------------------------------------------

class EventFactory(factory.django.DjangoModelFactory):
    """An event of the inspiration sites (on by default); pass ``programme=programme(key)`` for another."""

    class Meta:
        model = "events.Event"

    programme = factory.LazyFunction(lambda: programme("inspiration_sites"))
    title = factory.Sequence(lambda n: f"Seminarium {n}")
    description = "Vi delar erfarenheter och goda exempel."
    kind = "seminar"
    # 13:00–16:00 Stockholm time in two weeks: a whole event within one day, as the form makes them.
    starts_at = factory.LazyFunction(lambda: timezone.make_aware(
        timezone.datetime.combine(timezone.localdate() + timedelta(days=14), time(13))))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    place = "Stadshuset, Ragnar Östbergs plan 1"
    online_link = ""
    capacity = 60
    is_public = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A person's confirmed place on an event (``is_group=True, participants=n`` for a group)."""

    class Meta:
        model = "events.Registration"

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = "confirmed"
