import io
from datetime import date

import pytest
from PIL import Image

from inspira.accounts.models import Membership
from inspira.certification.models import (
    Certification,
    Decision,
)
from inspira.schools.models import SchoolForm
from tests.factories import (  # noqa: F401 (two_years: the catalogue's tests import it from here)
    PLAN,
    ApplicationImageFactory,
    CertificationFactory,
    DecisionFactory,
    MembershipFactory,
    SchoolFactory,
    UserFactory,
    member,
    two_years,
)


def image_bytes(size=(800, 600), color=(30, 120, 60), fmt="JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def make_site(*, school=None, starts_on=None, ends_on=None, team_name="", area_title="Outdoor mathematics",
              area_description="We teach measuring in the schoolyard.", subjects="mathematics",
              school_forms=(SchoolForm.Code.COMPULSORY,), grades=("1", "2", "3"), images=0, revoked=False,
              contacts=(("Lars Lärare", "lars@example.se", "070-123 45 67"),),
              plan=PLAN) -> Certification:
    """A certified site (``CertificationFactory``) whose application has what the catalogue shows: plan,
    contacts, school forms and ``images`` pictures; by default in force today, started a month ago."""
    dates = {key: value for key, value in (("starts_on", starts_on), ("ends_on", ends_on)) if value}
    certification = CertificationFactory(
        school=school or SchoolFactory(), team_name=team_name, **dates,
        application__area_title=area_title, application__area_description=area_description,
        application__experience_since=date(2020, 8, 15), application__plan_introduction="A morning with us.",
        application__subjects=subjects, application__grades=list(grades), application__principal_name="Rut Rektor",
        application__principal_email="rektor@example.se", application__school_forms=school_forms,
        application__plan=plan, application__contacts=contacts,
    )
    application = certification.application
    for i in range(images):
        ApplicationImageFactory(application=application, alt_text=f"Pupils measuring {i}", position=i,
                                image__color=(30 + i, 120, 60))
    if revoked:
        certification.revoked_by = DecisionFactory(application=application, outcome=Decision.Outcome.REJECT,
                                                   start_date=None, corrects=certification.decision)
        certification.save(update_fields=["revoked_by"])
    return certification


@pytest.fixture
def site(school):
    return make_site(school=school, images=2)


@pytest.fixture
def other_site_contact(other_school):
    return member(other_school, Membership.Role.SITE_CONTACT, email="annan.plats@example.se", name="Otto Other")
