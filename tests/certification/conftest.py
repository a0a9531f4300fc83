import io
import re
from datetime import date

import pytest
from PIL import Image

from inspira.accounts.models import Membership
from inspira.certification import services
from inspira.certification.models import Application, Endorsement
from inspira.certification.selectors import school_principals
from inspira.core.models import OutboxItem
from tests.factories import PLAN, MembershipFactory, UserFactory, add_contacts, add_plan_items, member
from tests.support import STOCKHOLM, at, run_outbox  # noqa: F401 (the certification tests import them here)

_SCHOOLS_PRINCIPAL = object()


def school_principal(school):
    """The school's confirmed principal, made now if it has none."""
    return (school_principals(school.pk).first()
            or MembershipFactory(school=school, role=Membership.Role.PRINCIPAL).user)


def make_application(*, school, applicant, principal=_SCHOOLS_PRINCIPAL, **fields) -> Application:
    """A draft that meets every rule for submission (on 2025-06-02 or later), unless overridden.
    The principal is the school's (made if it has none) unless ``principal`` says otherwise."""
    if principal is _SCHOOLS_PRINCIPAL:
        principal = school_principal(school)
    plan = fields.pop("plan", PLAN)
    contacts = fields.pop("contacts", [("Lars Lärare", "lars@example.se", "08-1")])
    values = {
        "area_title": "Outdoor mathematics",
        "area_description": "We teach measuring in the schoolyard.",
        "experience_since": date(2023, 8, 15),
        "commits_to_five_visits": True,
        "principal": principal,
        "principal_name": principal.name if principal else "",
        "principal_email": principal.email if principal else "",
        "subjects": "mathematics",
        "grades": ["1", "2", "3"],
    } | fields
    application = services.application_create(school=school, applicant=applicant)
    Application.objects.filter(pk=application.pk).update(**values)
    application.refresh_from_db()
    add_plan_items(application, plan)
    add_contacts(application, contacts)
    return application


def submit(application, *, actor=None, now=None) -> tuple[Endorsement, str]:
    """Submit and return the endorsement with the token of its link."""
    endorsement = services.application_submit(application=application, actor=actor or application.applicant,
                                              now=now or at(2025, 6, 2))
    return endorsement, emailed_token(application, endorsement.round)


def emailed_token(application, round_: int) -> str:
    """The token in the link the principal was emailed for ``round_``."""
    item = OutboxItem.objects.get(key=f"application-endorsement:{application.pk}:{round_}")
    return re.search(r"/ansokan/tillstyrkan/([^/\s]+)/", item.payload["text"]).group(1)


def image_bytes(fmt="JPEG", size=(800, 600), color=(200, 40, 40), mode="RGB", **save_kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, format=fmt, **save_kwargs)
    return buf.getvalue()


@pytest.fixture
def application(school, staff, principal):
    return make_application(school=school, applicant=staff, principal=principal)


@pytest.fixture
def pending_staff(school):
    return MembershipFactory(school=school, confirmed_at=None,
                             user=UserFactory(email="ny@example.se", name="Nina Ny")).user


@pytest.fixture
def other_staff(other_school):
    return member(other_school, email="annan@example.se", name="Otto Annan")
