import io
import itertools
from datetime import date, time, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from PIL import Image

from inspira.accounts.models import Membership, User
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    Certification,
    Decision,
)
from inspira.schools.models import SchoolForm
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

_references = itertools.count(1)


def two_years(start: date) -> date:
    """The last day of a certification starting on ``start`` (the day before the same date two years later)."""
    try:
        return start.replace(year=start.year + 2) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 2, 2, 28)


def image_bytes(size=(800, 600), color=(30, 120, 60), fmt="JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def _decision(application, *, outcome=Decision.Outcome.APPROVE, start_date=None, corrects=None) -> Decision:
    director, _ = User.objects.get_or_create(
        email="direktor.site@example.se", defaults={"name": "Dan Direktör", "role": User.Role.DIRECTOR}
    )
    return Decision.objects.create(
        application=application, reference=f"INSP-T-{next(_references):04d}", outcome=outcome,
        start_date=start_date, decided_by=director, decided_by_name=director.name, corrects=corrects,
    )


def make_site(*, school=None, starts_on=None, ends_on=None, team_name="", area_title="Outdoor mathematics",
              area_description="We teach measuring in the schoolyard.", subjects="mathematics",
              school_forms=(SchoolForm.Code.COMPULSORY,), grades=("1", "2", "3"), images=0, revoked=False,
              contacts=(("Lars Lärare", "lars@example.se", "070-123 45 67"),),
              plan=(("09:00", "09:30", "Welcome and coffee"), ("09:30", "11:00", "Visit a lesson"),
                    ("11:00", "12:00", "Discussion and questions"))) -> Certification:
    """A certified site, built directly: an approved application, the director's decision and the
    certification (by default in force today, started a month ago)."""
    school = school or SchoolFactory()
    starts_on = starts_on or timezone.localdate() - timedelta(days=30)
    ends_on = ends_on or two_years(starts_on)
    applicant = UserFactory()
    application = Application.objects.create(
        school=school, applicant=applicant, team_name=team_name, status=Application.Status.APPROVED,
        area_title=area_title, area_description=area_description, experience_since=date(2020, 8, 15),
        plan_introduction="A morning with us.", subjects=subjects, grades=list(grades),
        commits_to_five_visits=True, principal_name="Rut Rektor", principal_email="rektor@example.se",
    )
    application.school_forms.set(SchoolForm.objects.filter(code__in=school_forms))
    ApplicationPlanItem.objects.bulk_create([
        ApplicationPlanItem(application=application, position=i, start_time=time.fromisoformat(a),
                            end_time=time.fromisoformat(b), activity=activity)
        for i, (a, b, activity) in enumerate(plan)
    ])
    ApplicationContact.objects.bulk_create([
        ApplicationContact(application=application, position=i, name=name, email=email, phone=phone)
        for i, (name, email, phone) in enumerate(contacts)
    ])
    for i in range(images):
        picture = ApplicationImage(application=application, alt_text=f"Pupils measuring {i}", width=800, height=600,
                                   position=i)
        picture.image.save("picture.jpg", ContentFile(image_bytes(color=(30 + i, 120, 60))), save=False)
        picture.save()
    decision = _decision(application, start_date=starts_on)
    revoked_by = _decision(application, outcome=Decision.Outcome.REJECT, corrects=decision) if revoked else None
    return Certification.objects.create(
        school=school, team_name=team_name, application=application, decision=decision, starts_on=starts_on,
        ends_on=ends_on, revoked_by=revoked_by,
    )


@pytest.fixture
def en(client, settings):
    """Pages and messages in English, so assertions read the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def site(school):
    return make_site(school=school, images=2)


@pytest.fixture
def site_contact(school):
    return MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT,
                             user=UserFactory(email="platsansvarig@example.se", name="Sara Site")).user


@pytest.fixture
def other_site_contact(other_school):
    return MembershipFactory(school=other_school, role=Membership.Role.SITE_CONTACT,
                             user=UserFactory(email="annan.plats@example.se", name="Otto Other")).user
