import io
import re
from datetime import date

import pytest
from PIL import Image

from inspira.certification import services
from inspira.certification.models import Application, Endorsement
from inspira.core.models import OutboxItem
from tests.factories import PLAN, MembershipFactory, UserFactory, add_contacts, add_plan_items, member
from tests.support import STOCKHOLM, at, run_outbox  # noqa: F401 (the certification tests import them here)


def make_application(*, school, applicant, **fields) -> Application:
    """A draft that meets every rule for submission (on 2025-06-02 or later), unless overridden."""
    plan = fields.pop("plan", PLAN)
    contacts = fields.pop("contacts", [("Lars Lärare", "lars@example.se", "08-1")])
    values = {
        "area_title": "Outdoor mathematics",
        "area_description": "We teach measuring in the schoolyard.",
        "experience_since": date(2023, 8, 15),
        "commits_to_five_visits": True,
        "principal_name": "Rut Rektor",
        "principal_email": "rektor@example.se",
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
def application(school, staff):
    return make_application(school=school, applicant=staff)


@pytest.fixture
def pending_staff(school):
    return MembershipFactory(school=school, confirmed_at=None,
                             user=UserFactory(email="ny@example.se", name="Nina Ny")).user


@pytest.fixture
def other_staff(other_school):
    return member(other_school, email="annan@example.se", name="Otto Annan")
