"""A current inspiration site for tests of the pages that show one."""

import datetime
import itertools

from django.utils import timezone

from inspira.accounts.models import User
from inspira.certification.models import Application, Certification, Decision
from tests.factories import UserFactory

_numbers = itertools.count(1)


def certify(school, *, status=Application.Status.APPROVED) -> Certification:
    today = timezone.localdate()
    application = Application.objects.create(school=school, applicant=UserFactory(), status=status,
                                             area_title=f"Site {school.name}", commits_to_five_visits=True)
    director = UserFactory(role=User.Role.DIRECTOR)
    decision = Decision.objects.create(
        application=application, reference=f"INSP-D-{next(_numbers):04d}", outcome=Decision.Outcome.APPROVE,
        start_date=today, decided_by=director, decided_by_name=director.name,
    )
    return Certification.objects.create(school=school, application=application, decision=decision,
                                        starts_on=today, ends_on=today + datetime.timedelta(days=730))
