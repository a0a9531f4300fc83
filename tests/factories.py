import factory
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.schools.models import ClosedPeriod, District, School, SchoolForm
from inspira.schoolyears.models import FeeRule, SchoolYear

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


class ClosedPeriodFactory(factory.django.DjangoModelFactory):
    """A closed period; the municipality's (every school) unless given a school."""

    class Meta:
        model = ClosedPeriod

    school = None
    name = "Höstlov"
    kind = ClosedPeriod.Kind.BREAK
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda period: period.starts_on + timezone.timedelta(days=4))
