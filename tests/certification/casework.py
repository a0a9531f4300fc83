"""Helpers of the casework tests: an application brought to a given point of its way."""

import io
import zipfile
from datetime import date

from inspira.certification import casework_services, services
from inspira.certification.models import Application, Endorsement
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from tests.factories import FeeRuleFactory, SchoolYearFactory

from .conftest import at, make_application, submit

S = Application.Status

# The casework of these tests happens in school year 2025/26; decisions on 10 March 2026.
DECIDED = at(2026, 3, 10)
START = date(2026, 8, 1)


def endorsed(application, *, now=None) -> Application:
    """Submitted to the administration (endorsed by the principal)."""
    _endorsement, token = submit(application, now=now or at(2025, 6, 2))
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE, now=now or at(2025, 6, 3))
    application.refresh_from_db()
    return application


def in_preparation(application, administrator, *, now=None) -> Application:
    endorsed(application)
    casework_services.casework_start(application=application, actor=administrator, now=now or at(2025, 9, 1))
    application.refresh_from_db()
    return application


def sent_to_director(application, administrator, *, recommendation="approve", start=START, now=None) -> Application:
    in_preparation(application, administrator)
    casework_services.basis_update(application=application, actor=administrator, fields={
        "summary": "A strong site with a clear plan.", "recommendation": recommendation,
        "proposed_start_date": start if recommendation == "approve" else None,
    })
    casework_services.basis_send_to_director(application=application, actor=administrator,
                                             now=now or at(2026, 2, 1))
    application.refresh_from_db()
    return application


def fee_rule(start_year=2025, support_ore=1_000_000):
    return FeeRuleFactory(school_year=SchoolYearFactory(start_year=start_year), establishment_support_ore=support_ore)


def approve(application, director, *, start=START, now=DECIDED):
    return casework_services.decision_make(application=application, actor=director, outcome="approve",
                                           start_date=start, reasons="Well prepared.", now=now)


def reject(application, director, *, reasons="The plan is not yet worked out.", now=DECIDED):
    return casework_services.decision_make(application=application, actor=director, outcome="reject",
                                           reasons=reasons, now=now)


def run_all_outbox() -> int:
    """Run every outbox item, and those the items make, each twice (as a retried job would)."""
    done, seen = 0, set()
    while True:
        ids = [i for i in OutboxItem.objects.order_by("pk").values_list("pk", flat=True) if i not in seen]
        if not ids:
            return done
        for item_id in ids:
            seen.add(item_id)
            done += outbox_process(item_id)
            done += outbox_process(item_id)


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_bytes(kind: str) -> bytes:
    """A minimal DOCX or XLSX (a ZIP with the parts that name its type)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buf.getvalue()



# --- Objects the permission table (tests/permission_table.py) names -----------------------------------------
# Applications of ``world.school``, applied for by its staff member, brought along by the world's
# administrator and director.

def world_preparing(world):
    """An application in preparation, with one attachment (a real file: the download serves it)."""
    from django.core.files.base import ContentFile

    from inspira.certification.models import BasisAttachment, BasisDocument
    from tests.permission_fixtures import ADMINISTRATOR, STAFF

    def make():
        application = make_application(school=world.school, applicant=world.users[STAFF])
        in_preparation(application, world.users[ADMINISTRATOR])
        attachment = BasisAttachment(basis=BasisDocument.objects.get(application=application), title="Plan",
                                     content_type="application/pdf", size=len(pdf_bytes()))
        attachment.file.save("attachment", ContentFile(pdf_bytes()), save=False)
        attachment.save()
        return application, attachment

    return world.once("casework_preparing", make)


def world_sent(world):
    """An application sent to the director."""
    from tests.permission_fixtures import ADMINISTRATOR, STAFF

    return world.once("casework_sent", lambda: sent_to_director(
        make_application(school=world.school, applicant=world.users[STAFF]), world.users[ADMINISTRATOR]))


def world_decided(world):
    """An approved application with its decision letter rendered; returns the decision."""
    from inspira.certification import letters
    from tests.permission_fixtures import ADMINISTRATOR, DIRECTOR, STAFF
    from tests.permission_fixtures import fee_rule as world_fee_rule

    def make():
        world_fee_rule(world)  # 2025/26, the school year of DECIDED
        application = sent_to_director(make_application(school=world.school, applicant=world.users[STAFF]),
                                       world.users[ADMINISTRATOR])
        decision = approve(application, world.users[DIRECTOR])
        letters.decision_letter_ensure(decision)
        return decision

    return world.once("casework_decided", make)
