"""Demo data for the certification app: one certified inspiration site, so that the
catalogue has something to show. Called by ``manage.py load_demo`` after the fixture is loaded; idempotent.

The application is created as the school would have left it after the principal endorsed it,
then the real casework and decision services take it to a certification, so the demo holds
what the services make: a status trail, a basis document, a numbered decision, the two-year
certification and the establishment support payment (and, via jobs, the decision letter).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from inspira.accounts.models import User
from inspira.certification import casework_services
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationPlanItem,
    ApplicationStatusChange,
    Certification,
)
from inspira.schools.models import School, SchoolForm

SITE_UNIT_CODE = "38164927"  # Katarina Södra skola in fixtures/demo.json
TITLE = "Utomhusmatematik i årskurs 1–3"
PLAN = [
    (datetime.time(8, 30), datetime.time(9, 0), "Välkomna: kaffe och presentation av arbetssättet"),
    (datetime.time(9, 0), datetime.time(10, 15), "Vi följer en matematiklektion på skolgården"),
    (datetime.time(10, 30), datetime.time(11, 15), "Samtal med lärarna: planering, bedömning och material"),
    (datetime.time(11, 15), datetime.time(12, 0), "Era frågor och vår återkoppling till varandra"),
]


def load(*, stdout) -> None:
    school = School.objects.filter(unit_code=SITE_UNIT_CODE).first()
    if school is None or Certification.objects.filter(school=school, application__area_title=TITLE).exists():
        return
    applicant = User.objects.get(email="kontakt.katarina@inspira.example")
    principal = User.objects.get(email="rektor.katarina@inspira.example")
    administrator = User.objects.get(email="admin@inspira.example")
    director = User.objects.get(email="direktor@inspira.example")
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        application = Application.objects.create(
            school=school, applicant=applicant, status=Application.Status.SUBMITTED,
            area_title=TITLE,
            area_description=(
                "Eleverna i årskurs 1–3 lär sig mätning, geometri och taluppfattning ute på skolgården och i "
                "parken intill. Vi visar hur vi planerar, hur eleverna dokumenterar och hur vi bedömer. "
                "Ni får med er lektionsupplägg och material som fungerar på vilken skolgård som helst."
            ),
            experience_since=today.replace(year=today.year - 3, day=1),
            plan_introduction="Ta med kläder för att vara ute en stund.",
            grades=["1", "2", "3"], subjects="matematik", commits_to_five_visits=True,
            principal_name=principal.name, principal_email=principal.email,
            endorsement_round=1, submitted_at=now, endorsed_at=now,
        )
        application.school_forms.set(SchoolForm.objects.filter(code=SchoolForm.Code.COMPULSORY))
        for position, (start, end, activity) in enumerate(PLAN):
            ApplicationPlanItem.objects.create(application=application, position=position, start_time=start,
                                               end_time=end, activity=activity)
        ApplicationContact.objects.create(application=application, name=applicant.name, email=applicant.email,
                                          phone=applicant.phone)
        ApplicationStatusChange.objects.create(
            application=application, from_status="", to_status=Application.Status.SUBMITTED,
            actor=None, actor_description="Demodata", note="Ansökan skapad som demodata, tillstyrkt av rektor.",
        )
    casework_services.casework_start(application=application, actor=administrator)
    casework_services.basis_update(application=application, actor=administrator, fields={
        "summary": "Ett genomarbetat halvdagsupplägg med tre års erfarenhet. Rektor är engagerad.",
        "recommendation": "approve",
        "proposed_start_date": today,
    })
    casework_services.basis_send_to_director(application=application, actor=administrator)
    decision = casework_services.decision_make(application=application, actor=director, outcome="approve",
                                               start_date=today)
    stdout.write(f"Certified the demo inspiration site {school.name} ({decision.reference}).")
